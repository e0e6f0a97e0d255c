import type { App } from 'aws-cdk-lib';
import { environments } from '../config/environments';
import { loadEnvironments } from '../config/load';
import { checkPromotionGate } from '../lib/evaluation/promotion-gate';
import { predictionBaseline } from '../lib/evaluation/drift-baseline';
import { inspectModelArtifact } from '../lib/model-artifact';
import type { PredictionBaseline } from '../lib/monitoring/drift';
import { ModelStack } from '../lib/model-stack';

/** The stack of one model in one environment. */
export function stackNameOf(modelName: string, environment: string): string {
  return `modelstack-${modelName}-${environment}`;
}

/** How {@link buildStacks} finds its configuration. */
export interface BuildOptions {
  /** Folder that relative model paths are resolved against. */
  readonly projectRoot: string;
  /** Only this environment is built (all are validated). Unset: every environment. */
  readonly only?: string;
  /** The environments. @default the ones in config/environments.ts */
  readonly environments?: Readonly<Record<string, unknown>>;
}

/**
 * Validates the config, checks each environment's model against its manifest, then builds one stack per
 * environment. Everything that can be wrong is found here, before synthesis: a bad config or a manifest that
 * does not fit its model fails `cdk synth` with a message naming the field.
 */
export async function buildStacks(app: App, options: BuildOptions): Promise<ModelStack[]> {
  const loaded = loadEnvironments(options.environments ?? environments, { projectRoot: options.projectRoot, only: options.only });
  const stacks: ModelStack[] = [];
  // Environments usually share a model: run it over its evaluation data once per folder.
  const baselines = new Map<string, Promise<PredictionBaseline | undefined>>();
  for (const env of loaded) {
    const model = await inspectModelArtifact(env.modelPath, env.manifestPath);
    // The promotion gate (issue 11): production protection or evaluation.required needs a fresh, passing evaluation.
    const evaluation = await checkPromotionGate({
      environment: env.name,
      required: env.config.protection === 'production' || env.config.evaluation?.required === true,
      directoryAsConfigured: env.config.model.directory,
      modelDirectory: env.modelDirectory,
      manifest: model.manifest,
      modelSha256: model.sha256,
    });
    if (!baselines.has(env.modelDirectory)) baselines.set(env.modelDirectory, predictionBaseline(env.modelDirectory, model.manifest));
    stacks.push(
      new ModelStack(app, stackNameOf(model.manifest.name, env.name), {
        environmentName: env.name,
        config: env.config,
        model,
        evaluation,
        predictionBaseline: await baselines.get(env.modelDirectory),
        // An unset account keeps synth environment-agnostic: no credentials are needed until deploy.
        env: { account: env.config.account, region: env.config.region },
        description: `modelstack: ${model.manifest.name} ${model.manifest.version} (${model.manifest.task}) in ${env.name}`,
        terminationProtection: env.config.protection === 'production',
      }),
    );
  }
  return stacks;
}
