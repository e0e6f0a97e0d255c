/**
 * The app of a modelstack project (`modelstack/app`): every environment of a typed config validated, its model
 * checked against its manifest and its evaluation, then one stack per environment with the compliance checks.
 * `npx modelstack new` scaffolds an app that calls {@link runApp}; this repository's `bin/app.ts` is one too.
 */
import { relative, sep } from 'node:path';
import { App, type Stage } from 'aws-cdk-lib';
import type { EnvironmentConfigInput } from '../config/schema';
import { modelStackProps } from '../config/endpoint-props';
import { loadEnvironments } from '../config/load';
import { applyCompliance } from '../lib/compliance';
import { recordEstimateInputs } from '../lib/cost/estimate-inputs';
import { modelInfoOf } from '../lib/cost/pricing-context';
import { checkPromotionGate } from '../lib/evaluation/promotion-gate';
import { predictionBaseline } from '../lib/evaluation/drift-baseline';
import { inspectModelArtifact } from '../lib/model-artifact';
import type { PredictionBaseline } from '../lib/monitoring/drift';
import { ModelStack } from '../lib/model-stack';
import { recordVerifyInputs } from '../lib/verify/verify-inputs';

/** A project's environments by name, as written in its config (validated when the app runs). */
export type Environments = Readonly<Record<string, EnvironmentConfigInput>>;

/** The stack of one model in one environment. */
export function stackNameOf(modelName: string, environment: string): string {
  return `modelstack-${modelName}-${environment}`;
}

/** How {@link buildStacks} finds its configuration. */
export interface BuildOptions {
  /** Folder that relative model paths are resolved against. */
  readonly projectRoot: string;
  /** Only this environment is built (all are validated). @default - every environment */
  readonly only?: string;
  /** The environments, as written (they are validated here, so plain objects of unknown shape are accepted). */
  readonly environments: Readonly<Record<string, unknown>>;
}

/**
 * Validates the config, checks each environment's model against its manifest, then builds one stack per
 * environment. Everything that can be wrong is found here, before synthesis: a bad config or a manifest that
 * does not fit its model fails `cdk synth` with a message naming the field.
 */
export async function buildStacks(app: Stage, options: BuildOptions): Promise<ModelStack[]> {
  const loaded = loadEnvironments(options.environments, { projectRoot: options.projectRoot, only: options.only });
  const stacks: ModelStack[] = [];
  // Environments usually share a model: run it over its evaluation data once per folder.
  const baselines = new Map<string, Promise<PredictionBaseline | undefined>>();
  for (const env of loaded) {
    const model = await inspectModelArtifact(env.modelPath, env.manifestPath);
    // The promotion gate: production protection or evaluation.required needs a fresh, passing evaluation.
    const evaluation = await checkPromotionGate({
      environment: env.name,
      required: env.config.protection === 'production' || env.config.evaluation?.required === true,
      directoryAsConfigured: env.config.model.directory,
      modelDirectory: env.modelDirectory,
      manifest: model.manifest,
      modelSha256: model.sha256,
    });
    if (!baselines.has(env.modelDirectory)) baselines.set(env.modelDirectory, predictionBaseline(env.modelDirectory, model.manifest));
    const stack = new ModelStack(app, stackNameOf(model.manifest.name, env.name), {
      ...modelStackProps({ environmentName: env.name, config: env.config, model, evaluation, predictionBaseline: await baselines.get(env.modelDirectory) }),
      // An unset account keeps synth environment-agnostic: no credentials are needed until deploy.
      env: { account: env.config.account, region: env.config.region },
      description: `modelstack: ${model.manifest.name} ${model.manifest.version} (${model.manifest.task}) in ${env.name}`,
      terminationProtection: env.config.protection === 'production',
    });
    recordEstimateInputs(stack, {
      environment: env.name,
      traffic: env.config.traffic,
      budgetUsd: env.config.budget?.monthlyLimitUsd,
      model: modelInfoOf(model.manifest),
    });
    recordVerifyInputs(stack, {
      environment: env.name,
      platform: env.config.platform.type,
      modelDirectory: relative(options.projectRoot, env.modelDirectory).split(sep).join('/') || '.',
    });
    stacks.push(stack);
  }
  return stacks;
}

/** Options of {@link runApp}. */
export interface RunAppOptions {
  /** The environments, typed by the config schema. */
  readonly environments: Environments;
  /** Folder that relative model paths are resolved against (usually the project's root). */
  readonly projectRoot: string;
  /** The delivery pipeline's config (`config/pipeline-schema.ts`), built when no `-c env` is given. @default - no pipeline */
  readonly pipeline?: unknown;
}

/**
 * The whole CDK app: `npx cdk synth` builds every environment, `npx cdk synth -c env=prod` builds one. A config,
 * manifest or evaluation error is printed as the complete sentence it is (no stack trace) and exits 1.
 */
export async function runApp(options: RunAppOptions): Promise<void> {
  try {
    const app = new App();
    const only: unknown = app.node.tryGetContext('env');
    if (only !== undefined && typeof only !== 'string') {
      throw new Error(`-c env: expected an environment name, got ${JSON.stringify(only)}`);
    }
    await buildStacks(app, { projectRoot: options.projectRoot, only, environments: options.environments });
    // The pipeline needs every stage it deploys, so `-c env=` leaves it out. Loaded on demand: most apps have none.
    if (only === undefined && options.pipeline !== undefined) {
      const { buildPipelineStack } = await import('./build-pipeline');
      await buildPipelineStack(app, { projectRoot: options.projectRoot, environments: options.environments, pipeline: options.pipeline });
    }
    applyCompliance(app);
    app.synth();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
