/** The SageMaker platform's options from an environment's `platform: { type: 'sagemaker', ... }`. */
import { Duration, Size } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type { AutoScalingOptions } from '../lib/sagemaker/autoscaling';
import { TrafficRouting, type DeploymentOptions } from '../lib/sagemaker/deployment';
import { NetworkPlacement } from '../lib/network-placement';
import { SageMakerInstanceType } from '../lib/sagemaker/instance-type';
import type { SageMakerServingOptions } from '../lib/serving-platform';
import type { SageMakerPlatformConfig } from './sagemaker-schema';

/** The SageMaker endpoint's options a validated SageMaker platform config describes. */
export function sageMakerServingOptions(platform: SageMakerPlatformConfig): SageMakerServingOptions {
  const { instance, serverless } = platform;
  return {
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
    // The VPC and subnets are imported by id (no lookup), next to the endpoint that uses them.
    ...(platform.network === undefined ? {} : { network: NetworkPlacement.fromIds(platform.network) }),
    maxBatchSize: platform.maxBatchSize,
    maxPayloadBytes: platform.maxPayloadBytes,
    ...(platform.dynamicBatching === undefined ? {} : { dynamicBatching: platform.dynamicBatching }),
    // The schema accepts only CloudWatch Logs' retention periods, which are the enum's values (typed as such).
    logRetention: platform.logRetentionDays,
  };
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
