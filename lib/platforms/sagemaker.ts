/** The SageMaker platform builder: turns an environment's `platform: { type: 'sagemaker', ... }` into a {@link SageMakerInference}. */
import { Duration, Size } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SageMakerPlatformConfig } from '../../config/sagemaker-schema';
import { ModelFile } from '../model-file';
import { SageMakerInference, type SageMakerInferenceProps } from '../sagemaker-inference';
import type { AutoScalingOptions } from '../sagemaker/autoscaling';
import { TrafficRouting, type DeploymentOptions } from '../sagemaker/deployment';
import { SageMakerInstanceType } from '../sagemaker/instance-type';
import { importNetwork } from './network';
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
    ...(platform.autoScaling === undefined ? {} : { autoScaling: autoScalingOptions(platform.autoScaling) }),
    ...(platform.deployment === undefined ? {} : { deployment: deploymentOptions(platform.deployment) }),
    ...(platform.dataCapture === undefined
      ? {}
      : {
          dataCapture: {
            samplingPercentage: platform.dataCapture.samplingPercent,
            captureInput: platform.dataCapture.captureInput,
            captureOutput: platform.dataCapture.captureOutput,
            expiration: Duration.days(platform.dataCapture.expirationDays),
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
  return new SageMakerInference(scope, id, {
    ...sageMakerInferenceProps(platform, context),
    // The VPC and subnets are imported by id (no lookup), next to the endpoint that uses them.
    ...(platform.network === undefined ? {} : { network: importNetwork(scope, id, platform.network) }),
  });
}

function autoScalingOptions(config: NonNullable<SageMakerPlatformConfig['autoScaling']>): AutoScalingOptions {
  return {
    minCapacity: config.minCapacity,
    maxCapacity: config.maxCapacity,
    maxRequestsPerSecondPerInstance: config.maxRequestsPerSecondPerInstance,
    safetyFactor: config.safetyFactor,
    scaleInCooldown: Duration.seconds(config.scaleInCooldownSeconds),
    scaleOutCooldown: Duration.seconds(config.scaleOutCooldownSeconds),
    schedules: config.schedules.map((schedule) => ({
      name: schedule.name,
      schedule: appscaling.Schedule.expression(schedule.schedule),
      minCapacity: schedule.minCapacity,
      maxCapacity: schedule.maxCapacity,
    })),
  };
}

function deploymentOptions(config: NonNullable<SageMakerPlatformConfig['deployment']>): DeploymentOptions {
  const wait = Duration.seconds(config.waitSeconds);
  const common = {
    maximumExecutionTimeout: Duration.seconds(config.maxExecutionSeconds),
    rollbackThresholds: { errorRatePercent: config.rollbackErrorRatePercent, p99ModelLatency: Duration.millis(config.rollbackP99LatencyMs) },
  };
  if (config.strategy === 'rolling') return { ...common, rollingUpdate: { maximumBatchSizePercent: config.stepPercent, waitInterval: wait } };
  const trafficRouting =
    config.strategy === 'all-at-once'
      ? TrafficRouting.allAtOnce(wait)
      : config.strategy === 'linear'
        ? TrafficRouting.linear(config.stepPercent, wait)
        : TrafficRouting.canary(config.stepPercent, wait);
  return { ...common, trafficRouting, terminationWait: Duration.seconds(config.terminationWaitSeconds) };
}
