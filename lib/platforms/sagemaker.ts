/** The SageMaker platform builder: turns an environment's `platform: { type: 'sagemaker', ... }` into a {@link SageMakerInference}. */
import { Size } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SageMakerPlatformConfig } from '../../config/sagemaker-schema';
import { ModelFile } from '../model-file';
import { SageMakerInference, type SageMakerInferenceProps } from '../sagemaker-inference';
import { SageMakerInstanceType } from '../sagemaker/instance-type';
import type { PlatformContext } from './platform-context';

/** The {@link SageMakerInference} props that a validated SageMaker platform config describes. */
export function sageMakerInferenceProps(platform: SageMakerPlatformConfig, context: PlatformContext): SageMakerInferenceProps {
  const { instance, serverless } = platform;
  return {
    store: context.store,
    model: ModelFile.fromArtifact(context.model),
    manifest: context.model.manifest,
    ...(instance === undefined
      ? {}
      : { instanceVariant: { instanceType: SageMakerInstanceType.of(instance.type), initialInstanceCount: instance.initialCount } }),
    ...(serverless === undefined
      ? {}
      : {
          serverlessVariant: {
            memorySize: Size.mebibytes(serverless.memorySizeMiB),
            maxConcurrency: serverless.maxConcurrency,
            provisionedConcurrency: serverless.provisionedConcurrency,
          },
        }),
    maxBatchSize: platform.maxBatchSize,
    maxPayloadBytes: platform.maxPayloadBytes,
    // The schema accepts only CloudWatch Logs' retention periods, which are the enum's values.
    logRetention: platform.logRetentionDays as logs.RetentionDays,
    removalPolicy: context.removalPolicy,
  };
}

/** Builds the SageMaker endpoint of an environment. */
export function buildSageMakerEndpoint(scope: Construct, id: string, platform: SageMakerPlatformConfig, context: PlatformContext): SageMakerInference {
  return new SageMakerInference(scope, id, sageMakerInferenceProps(platform, context));
}
