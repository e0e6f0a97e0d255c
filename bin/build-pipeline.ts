/**
 * The delivery pipeline stack, from the `pipeline` block of the config (config/pipeline.ts): one stage per
 * listed environment holding that environment's model stack exactly as `buildStacks` builds it, a critical
 * topic for failed runs and pending approvals, and the {@link ModelPipeline}.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Stack, Stage, Validations, type App, type CfnOutput } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { ConfigError, loadEnvironments, type LoadedEnvironment } from '../config/load';
import { parsePipelineConfig } from '../config/pipeline-schema';
import { readManifest } from '../lambda/core/manifest';
import type { ShadowConfig } from '../config/shadow-schema';
import { ModelPipeline, type ModelPipelineEnvironment } from '../lib/model-pipeline';
import type { ModelPipelineShadowPhase } from '../lib/pipeline/shadow-phase';
import { RECORDS_OUTPUTS } from '../lib/records/records-outputs';
import type { SageMakerInference } from '../lib/sagemaker-inference';
import { buildStacks } from './build';

/** How {@link buildPipelineStack} finds its configuration. */
export interface PipelineBuildOptions {
  /** Folder that relative model paths are resolved against. */
  readonly projectRoot: string;
  /** The environments, as written (validated here). */
  readonly environments: Readonly<Record<string, unknown>>;
  /** The `pipeline` block, as written; undefined for none. */
  readonly pipeline: unknown;
  /**
   * Folder of the model production serves, restored by the build for shadow phases (`modelstack shadow-baseline`);
   * without `model.onnx` in it, shadow phases deploy no shadow variant.
   * @default - none: shadow phases deploy no shadow variant (a synth outside a pipeline run)
   */
  readonly shadowBaselineDirectory?: string;
}

/** The pipeline stack of one model. */
export function pipelineStackNameOf(modelName: string): string {
  return `modelstack-${modelName}-pipeline`;
}

/** The one model folder every stage deploys, as written in the config (the gate's candidate). */
function modelDirectoryOf(loaded: readonly LoadedEnvironment[]): string {
  const directories = [...new Set(loaded.map((env) => env.config.model.directory))];
  const problems: string[] = [];
  if (directories.length > 1) problems.push(`pipeline.stages: the environments deploy different model folders (${directories.join(', ')}); a pipeline takes one model through every stage`);
  if (directories.some((d) => d.startsWith('/'))) problems.push(`pipeline.stages: model.directory ${JSON.stringify(directories[0])} must be relative to the repository root`);
  if (problems.length > 0) throw new ConfigError(problems);
  return directories[0];
}

/** A shadow block outside the pipeline's stages would never run. */
function refuseShadowOutsideStages(all: readonly LoadedEnvironment[], stages: readonly string[]): void {
  const problems = all
    .filter((env) => env.config.shadow !== undefined && !stages.includes(env.name))
    .map((env) => `${env.name}.shadow: the environment is not in pipeline.stages (${stages.join(', ')}); the shadow phase is a pipeline stage: add it to the stages or remove shadow`);
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The baseline folder when the build restored a model into it. */
function usableBaseline(directory: string | undefined): string | undefined {
  return directory !== undefined && existsSync(join(directory, 'model.onnx')) ? directory : undefined;
}

/**
 * The shadow phase of `env`: its stack under the ordinary stage's name (so both stages deploy one stack), with the
 * baseline as the production variant and the candidate as the shadow variant.
 */
async function shadowPhase(app: App, env: LoadedEnvironment, stackName: string, options: PipelineBuildOptions & { baselineDirectory?: string }): Promise<ModelPipelineShadowPhase> {
  const shadow = env.config.shadow as ShadowConfig;
  const stage = new Stage(app, `Pipeline-${env.name}-shadow`);
  const [stack] = await buildStacks(stage, {
    projectRoot: options.projectRoot,
    only: env.name,
    environments: options.environments,
    shadowPhase: { stackName, ...(options.baselineDirectory === undefined ? {} : { baselineDirectory: options.baselineDirectory }) },
  });
  // The schema refuses a shadow block without SageMaker instances and capture, so both are here.
  const inference = stack.inference as SageMakerInference;
  return {
    stage,
    duration: Duration.minutes(shadow.durationMinutes),
    minAgreement: shadow.minAgreement,
    maxMeanAbsoluteDifference: shadow.maxMeanAbsoluteDifference,
    minPairedRequests: shadow.minPairedRequests,
    endpointName: inference.endpointName,
    recordsBucketOutput: stack.node.findChild(RECORDS_OUTPUTS.bucket) as CfnOutput,
    modelName: inference.modelName,
  };
}

/** Builds the pipeline stack when the config has a `pipeline` block; undefined otherwise. */
export async function buildPipelineStack(app: App, options: PipelineBuildOptions): Promise<Stack | undefined> {
  const raw = options.environments;
  const config = parsePipelineConfig(options.pipeline, Object.keys(raw));
  if (config === undefined) return undefined;
  const all = loadEnvironments(raw, { projectRoot: options.projectRoot });
  const loaded = config.stages.map((name) => all.find((env) => env.name === name) as LoadedEnvironment);
  const modelDirectory = modelDirectoryOf(loaded);
  const manifest = await readManifest(`${options.projectRoot}/${modelDirectory}/model.json`);
  const stack = new Stack(app, pipelineStackNameOf(manifest.name), {
    env: { account: config.account, region: config.region },
    description: `modelstack: the delivery pipeline of ${manifest.name} (${config.stages.join(' -> ')})`,
  });
  const topic = new sns.Topic(stack, 'Critical', {
    displayName: `modelstack ${manifest.name} pipeline`,
    masterKey: new kms.Key(stack, 'CriticalKey', { description: 'modelstack pipeline notifications', enableKeyRotation: true }),
    enforceSSL: true,
  });
  config.notifications.emails.forEach((email) => {
    const subscription = topic.addSubscription(new subscriptions.EmailSubscription(email));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason: "A failed run and a pending approval stay in the pipeline's execution history and console, where the notification points; an undelivered e-mail loses no state to recover from a dead-letter queue.",
    });
  });
  refuseShadowOutsideStages(all, config.stages);
  const baselineDirectory = usableBaseline(options.shadowBaselineDirectory);
  const environments: ModelPipelineEnvironment[] = [];
  for (const env of loaded) {
    const stage = new Stage(app, `Pipeline-${env.name}`);
    const [model] = await buildStacks(stage, { projectRoot: options.projectRoot, only: env.name, environments: raw });
    environments.push({
      name: env.name,
      stage,
      stackName: model.stackName,
      region: env.config.region,
      ...(env.config.account === undefined ? {} : { account: env.config.account }),
      production: env.config.protection === 'production',
      ...(env.config.shadow === undefined ? {} : { shadow: await shadowPhase(app, env, model.stackName, { ...options, baselineDirectory }) }),
    });
  }
  new ModelPipeline(stack, 'ModelPipeline', {
    connectionArn: config.connectionArn,
    repository: config.repository,
    branch: config.branch,
    modelDirectory,
    environments,
    notificationTopic: topic,
    ...(config.modelDrop === undefined ? {} : { modelDropKey: config.modelDrop.objectKey }),
  });
  return stack;
}
