import { type App, CfnOutput, Duration, Stack, Stage } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ModelPipeline, type ModelPipelineProps } from '../../lib/model-pipeline';
import type { ModelPipelineShadowPhase } from '../../lib/pipeline/shadow-phase';
import { testApp } from './app';

export const CONNECTION_ARN = 'arn:aws:codestar-connections:eu-west-1:123456789012:connection/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** The `pipeline` block of the tests and of `npm run lint:cfn`: staging then prod of config/environments.ts, with a model drop. */
export const TEST_PIPELINE_CONFIG = {
  connectionArn: CONNECTION_ARN,
  repository: 'example-org/modelstack',
  region: 'eu-west-1',
  stages: ['staging', 'prod'],
  notifications: { emails: ['ml-oncall@example.com'] },
  modelDrop: { objectKey: 'drops/breast-cancer.zip' },
} as const;

/** The shadow block the tests and `npm run lint:cfn` put on staging: 2 hours, at least 90% agreement, half the traffic. */
export const TEST_SHADOW_CONFIG = { durationMinutes: 120, minAgreement: 0.9, samplingPercentage: 50 } as const;

/** The folder the tests and `npm run lint:cfn` use as the model production serves in a shadow phase (what the build restores). */
export const TEST_SHADOW_BASELINE = 'examples/breast-cancer-degraded';

/** A stage with one small stack standing in for an environment's model stack. */
function environmentStage(scope: Stack, name: string): Stage {
  const stage = new Stage(scope.node.scope ?? scope, `Env-${name}`, { env: { account: '123456789012', region: 'eu-west-1' } });
  const stack = new Stack(stage, `modelstack-model-${name}`);
  new sns.Topic(stack, 'StandIn', { masterKey: kms.Alias.fromAliasName(stack, 'Key', 'alias/aws/sns') });
  return stage;
}

/** A pipeline stack (staging, then prod with production protection) and its ModelPipeline. */
/** The pipeline's stack in a test app, with the critical topic its failures notify. */
function pipelineStack(): { app: App; stack: Stack; topic: sns.Topic } {
  const app = testApp();
  const stack = new Stack(app, 'Pipeline', { env: { account: '123456789012', region: 'eu-west-1' } });
  const topic = new sns.Topic(stack, 'Critical', { masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
  return { app, stack, topic };
}

type PipelineEnvironment = ModelPipelineProps['environments'][number];

/** The two-environment test pipeline (staging, then protected prod) in `stack`, staging with `staging`'s settings. */
function twoEnvironmentPipeline(stack: Stack, topic: sns.Topic, staging: Partial<PipelineEnvironment>, overrides: Partial<ModelPipelineProps> = {}): ModelPipeline {
  return new ModelPipeline(stack, 'ModelPipeline', {
    connectionArn: CONNECTION_ARN,
    repository: 'example-org/modelstack',
    modelDirectory: 'examples/breast-cancer',
    notificationTopic: topic,
    environments: [
      { name: 'staging', stage: environmentStage(stack, 'staging'), stackName: 'Env-staging-modelstack-model-staging', region: 'eu-west-1', ...staging },
      { name: 'prod', stage: environmentStage(stack, 'prod'), stackName: 'Env-prod-modelstack-model-prod', region: 'eu-west-1', production: true },
    ],
    ...overrides,
  });
}

export function buildTestPipeline(overrides: Partial<ModelPipelineProps> = {}): { stack: Stack; pipeline: ModelPipeline } {
  const { stack, topic } = pipelineStack();
  return { stack, pipeline: twoEnvironmentPipeline(stack, topic, {}, overrides) };
}

/** The endpoint name of the shadow test pipeline's staging (its capture prefix is `capture/<name>/`). */
export const SHADOW_ENDPOINT_NAME = 'env-staging-modelstack-model-staging-endpoint-1a2b3c4d';

/**
 * The test pipeline with a shadow phase before staging: a stage whose stand-in stack has staging's stack name and the
 * records bucket output, 2 hours, at least 95% agreement over at least 100 paired requests.
 */
export function buildShadowTestPipeline(overrides: Partial<ModelPipelineShadowPhase> = {}, stagingProtected = false): { stack: Stack; pipeline: ModelPipeline } {
  const { app, stack, topic } = pipelineStack();
  const shadowStage = new Stage(app, 'Env-staging-shadow', { env: { account: '123456789012', region: 'eu-west-1' } });
  const shadowStack = new Stack(shadowStage, 'modelstack-model-staging', { stackName: 'Env-staging-modelstack-model-staging' });
  const records = new CfnOutput(shadowStack, 'RecordsBucketName', { value: 'stand-in-records-bucket' });
  const shadow: ModelPipelineShadowPhase = {
    stage: shadowStage,
    duration: Duration.hours(2),
    minAgreement: 0.95,
    minPairedRequests: 100,
    endpointName: SHADOW_ENDPOINT_NAME,
    recordsBucketOutput: records,
    modelName: 'breast-cancer',
    ...overrides,
  };
  return { stack, pipeline: twoEnvironmentPipeline(stack, topic, { shadow, production: stagingProtected }) };
}
