import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import { LambdaInference } from './lambda-inference';
import type { ModelArtifact } from './model-artifact';
import { ModelStore } from './model-store';

/** Properties of a {@link ModelStack}. */
export interface ModelStackProps extends StackProps {
  /** Name of the environment (`dev`, `staging`, `prod`): tagged on every resource. */
  readonly environmentName: string;
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /** The model and its manifest, already checked against each other. */
  readonly model: ModelArtifact;
}

/**
 * One environment of one model: its storage and its inference endpoint, built from a validated config.
 * Physical names are all generated, so several environments (or models) can share an account.
 */
export class ModelStack extends Stack {
  /** The model's storage: KMS key, bucket, access logs and the content-addressed model object. */
  public readonly store: ModelStore;
  /** The inference function, its `live` alias and IAM-authenticated function URL. */
  public readonly inference: LambdaInference;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    const { config, model, environmentName } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.store = new ModelStore(this, 'ModelStore', {
      modelName: model.manifest.name,
      modelPath: model.modelPath,
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
      accessLogsExpiration: Duration.days(config.storage.accessLogsExpirationDays),
    });

    const platform = config.platform;
    this.inference = new LambdaInference(this, 'Inference', {
      store: this.store,
      manifest: model.manifest,
      architecture: platform.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      memorySizeMiB: platform.memorySizeMiB,
      timeout: Duration.seconds(platform.timeoutSeconds),
      reservedConcurrentExecutions: platform.reservedConcurrency,
      maxBatchSize: platform.maxBatchSize,
      maxPayloadBytes: platform.maxPayloadBytes,
      logRetention: platform.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });

    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add('modelstack:environment', environmentName);
    Tags.of(this).add('modelstack:model', model.manifest.name);
    Tags.of(this).add('modelstack:model-version', model.manifest.version);

    new CfnOutput(this, 'InferenceUrl', {
      description: 'Function URL of the live alias (IAM auth: sign requests with SigV4, service "lambda")',
      value: this.inference.functionUrl.url,
    });
    new CfnOutput(this, 'ModelBucketName', { description: 'Bucket holding the model', value: this.store.bucket.bucketName });
    new CfnOutput(this, 'ModelKey', { description: 'Content-addressed key of the served model', value: this.store.modelKey });
    new CfnOutput(this, 'ModelSha256', { description: 'SHA-256 the function verifies at cold start', value: this.store.modelSha256 });
  }
}
