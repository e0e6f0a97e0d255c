/**
 * The delivery pipeline stack, from the `pipeline` block of the config (config/pipeline.ts): one stage per
 * listed environment holding that environment's model stack exactly as `buildStacks` builds it, a critical
 * topic for failed runs and pending approvals, and the {@link ModelPipeline}.
 */
import { Stack, Stage, type App } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { ConfigError, loadEnvironments, type LoadedEnvironment } from '../config/load';
import { parsePipelineConfig } from '../config/pipeline-schema';
import { readManifest } from '../lambda/core/manifest';
import { ModelPipeline, type ModelPipelineEnvironment } from '../lib/model-pipeline';
import { buildStacks } from './build';

/** How {@link buildPipelineStack} finds its configuration. */
export interface PipelineBuildOptions {
  /** Folder that relative model paths are resolved against. */
  readonly projectRoot: string;
  /** The environments, as written (validated here). */
  readonly environments: Readonly<Record<string, unknown>>;
  /** The `pipeline` block, as written; undefined for none. */
  readonly pipeline: unknown;
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
  config.notifications.emails.forEach((email) => topic.addSubscription(new subscriptions.EmailSubscription(email)));
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
