/**
 * The app of a modelstack project (`modelstack/app`): every environment of a typed config validated, its model
 * checked against its manifest and its evaluation, then one stack per environment with the compliance checks.
 * `npx modelstack new` scaffolds an app that calls {@link runApp}; this repository's `bin/app.ts` is one too.
 */
import { join, relative, resolve, sep } from 'node:path';
import { App, type Stage } from 'aws-cdk-lib';
import type { EnvironmentConfigInput } from '../config/schema';
import { modelStackProps } from '../config/endpoint-props';
import { ConfigError, loadEnvironments, type LoadedEnvironment } from '../config/load';
import { shadowTaskProblem } from '../config/shadow-schema';
import { applyCompliance } from '../lib/compliance';
import { SHADOW_BASELINE_CONTEXT } from '../lib/pipeline/shadow-settings';
import { recordEstimateInputs } from '../lib/cost/estimate-inputs';
import { modelInfoOf } from '../lib/cost/pricing-context';
import { checkPromotionGate } from '../lib/evaluation/promotion-gate';
import { predictionBaseline } from '../lib/evaluation/drift-baseline';
import { inspectModelArtifact, type ModelArtifact } from '../lib/model-artifact';
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
  /**
   * Build `only` as the pipeline's shadow phase deploys it (its `shadow` block): under `stackName` (the same stack as
   * its ordinary deploy), with the model of `baselineDirectory` as the production variant and the environment's own
   * model (the candidate) as the shadow variant. Without `baselineDirectory` (a first release, or production already
   * serves the candidate), the stack is the ordinary one: there is nothing to shadow.
   * @default - the ordinary stacks
   */
  readonly shadowPhase?: ShadowPhaseBuild;
}

/** How the pipeline's shadow phase builds its environment (see {@link BuildOptions.shadowPhase}). */
export interface ShadowPhaseBuild {
  /** The stack's name: the environment's stack as the pipeline's ordinary stage deploys it. */
  readonly stackName: string;
  /** Folder of the model production serves (`model.onnx`, `model.json`). @default - none: no shadow variant */
  readonly baselineDirectory?: string;
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
    const candidate = await inspectModelArtifact(env.modelPath, env.manifestPath);
    const shadowProblem = env.config.shadow === undefined ? undefined : shadowTaskProblem(env.name, env.config.shadow, candidate.manifest.task);
    if (shadowProblem !== undefined) throw new ConfigError([shadowProblem]);
    // The promotion gate: production protection or evaluation.required needs a fresh, passing evaluation.
    const evaluation = await checkPromotionGate({
      environment: env.name,
      required: env.config.protection === 'production' || env.config.evaluation?.required === true,
      directoryAsConfigured: env.config.model.directory,
      modelDirectory: env.modelDirectory,
      manifest: candidate.manifest,
      modelSha256: candidate.sha256,
    });
    const baselineDirectory = options.shadowPhase?.baselineDirectory;
    const baseline = baselineDirectory === undefined ? undefined : await inspectModelArtifact(join(baselineDirectory, 'model.onnx'), join(baselineDirectory, 'model.json'));
    // In a shadow phase the production variant serves the baseline: its evaluation and drift center are not the candidate's.
    const model = baseline ?? candidate;
    const modelDirectory = baselineDirectory ?? env.modelDirectory;
    if (!baselines.has(modelDirectory)) baselines.set(modelDirectory, predictionBaseline(modelDirectory, model.manifest, env.modelDirectory));
    const stack = new ModelStack(app, stackNameOf(model.manifest.name, env.name), {
      ...modelStackProps({
        environmentName: env.name,
        config: env.config,
        model,
        evaluation: baseline === undefined ? evaluation : undefined,
        predictionBaseline: await baselines.get(modelDirectory),
        ...(baseline === undefined ? {} : { shadowCandidate: candidate }),
      }),
      ...(options.shadowPhase === undefined ? {} : { stackName: options.shadowPhase.stackName }),
      // An unset account keeps synth environment-agnostic: no credentials are needed until deploy.
      env: { account: env.config.account, region: env.config.region },
      description: `modelstack: ${model.manifest.name} ${model.manifest.version} (${model.manifest.task}) in ${env.name}${baseline === undefined ? '' : `, shadowed by ${candidate.manifest.version}`}`,
      terminationProtection: env.config.protection === 'production',
    });
    // The shadow phase's stack is a passing state of the environment's own: the CLI reads the ordinary one.
    if (options.shadowPhase === undefined) recordInputs(stack, env, candidate, options.projectRoot);
    stacks.push(stack);
  }
  return stacks;
}

/** What `modelstack estimate` and `verify` read from the synthesized stack of `env`. */
function recordInputs(stack: ModelStack, env: LoadedEnvironment, model: ModelArtifact, projectRoot: string): void {
  recordEstimateInputs(stack, {
    environment: env.name,
    traffic: env.config.traffic,
    budgetUsd: env.config.budget?.monthlyLimitUsd,
    model: modelInfoOf(model.manifest),
  });
  recordVerifyInputs(stack, {
    environment: env.name,
    platform: env.config.platform.type,
    modelDirectory: relative(projectRoot, env.modelDirectory).split(sep).join('/') || '.',
  });
}

/** A `shadow` block is a phase of the delivery pipeline: without one it would silently do nothing. */
function refuseShadowWithoutPipeline(environments: Environments): void {
  const problems = Object.entries(environments)
    .filter(([, env]) => env.shadow !== undefined)
    .map(([name]) => `${name}.shadow: needs the delivery pipeline (config/pipeline.ts) with ${name} in its stages: the shadow phase is a pipeline stage; remove shadow or set the pipeline`);
  if (problems.length > 0) throw new ConfigError(problems);
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
    if (options.pipeline === undefined) refuseShadowWithoutPipeline(options.environments);
    // The pipeline needs every stage it deploys, so `-c env=` leaves it out. Loaded on demand: most apps have none.
    if (only === undefined && options.pipeline !== undefined) {
      const { buildPipelineStack } = await import('./build-pipeline');
      const baseline: unknown = app.node.tryGetContext(SHADOW_BASELINE_CONTEXT);
      const shadowBaselineDirectory = typeof baseline === 'string' && baseline !== '' ? resolve(options.projectRoot, baseline) : undefined;
      await buildPipelineStack(app, { projectRoot: options.projectRoot, environments: options.environments, pipeline: options.pipeline, shadowBaselineDirectory });
    }
    applyCompliance(app);
    app.synth();
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
