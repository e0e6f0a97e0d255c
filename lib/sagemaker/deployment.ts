/**
 * Guarded rollout of a SageMaker endpoint update: the endpoint's `DeploymentConfig`, blue/green with
 * all-at-once, canary or linear traffic shifting (or a rolling update for instance variants), rolled back
 * automatically when any of 1-10 alarms fires during the bake.
 */
import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { PropsValidator } from '../props-validation';

/** How blue/green shifts traffic to the new fleet. */
export class TrafficRouting {
  /** All traffic at once, then `waitInterval` of baking before the old fleet goes. */
  public static allAtOnce(waitInterval: Duration = Duration.minutes(5)): TrafficRouting {
    return new TrafficRouting('ALL_AT_ONCE', waitInterval);
  }

  /** `percent` (1-50) of the fleet first, baked for `waitInterval`, then the rest. */
  public static canary(percent: number, waitInterval: Duration = Duration.minutes(5)): TrafficRouting {
    return new TrafficRouting('CANARY', waitInterval, percent);
  }

  /** Steps of `percent` (10-50) of the fleet, each baked for `waitInterval`. */
  public static linear(percent: number, waitInterval: Duration = Duration.minutes(5)): TrafficRouting {
    return new TrafficRouting('LINEAR', waitInterval, percent);
  }

  private constructor(
    /** SageMaker's name of the routing. */
    public readonly type: 'ALL_AT_ONCE' | 'CANARY' | 'LINEAR',
    /** Baking time per step. */
    public readonly waitInterval: Duration,
    /** Canary size or linear step, percent of the fleet. */
    public readonly percent?: number,
  ) {}

  /** Number of baking steps before all traffic is on the new fleet. */
  public get steps(): number {
    if (this.type === 'LINEAR' && this.percent !== undefined && this.percent > 0) return Math.ceil(100 / this.percent);
    return this.type === 'CANARY' ? 2 : 1;
  }
}

/** A rolling update: the fleet replaced in batches (instance variants only). */
export interface RollingUpdateOptions {
  /** Batch size, percent of the fleet (5-50). */
  readonly maximumBatchSizePercent: number;
  /**
   * Baking time per batch.
   * @default Duration.minutes(5)
   */
  readonly waitInterval?: Duration;
  /**
   * Batch size when rolling back, percent of the fleet (5-100).
   * @default 100
   */
  readonly rollbackMaximumBatchSizePercent?: number;
}

/** Thresholds of the alarms that roll an update back. */
export interface RollbackThresholds {
  /**
   * 5XX responses as a percentage of invocations, per minute, over which the update rolls back.
   * @default 1
   */
  readonly errorRatePercent?: number;
  /**
   * p99 `ModelLatency` over which the update rolls back.
   * @default Duration.seconds(1)
   */
  readonly p99ModelLatency?: Duration;
}

/** Guarded rollout of endpoint updates. */
export interface DeploymentOptions {
  /**
   * Blue/green traffic shifting. Cannot be combined with `rollingUpdate`.
   * @default TrafficRouting.canary(10, Duration.minutes(5)) unless `rollingUpdate` is set
   */
  readonly trafficRouting?: TrafficRouting;
  /**
   * A rolling update instead of blue/green (instance variants only; not serverless).
   * @default - blue/green
   */
  readonly rollingUpdate?: RollingUpdateOptions;
  /**
   * How long the old fleet is kept after the shift (blue/green), 0 to 3600 seconds.
   * @default Duration.minutes(5)
   */
  readonly terminationWait?: Duration;
  /**
   * Longest the whole update may take, 600 to 28,800 seconds, and longer than its waits.
   * @default Duration.hours(1)
   */
  readonly maximumExecutionTimeout?: Duration;
  /**
   * The rollback alarms' thresholds (the endpoint's 5XX rate and p99 model latency).
   * @default - 1% 5XX, p99 1 second
   */
  readonly rollbackThresholds?: RollbackThresholds;
  /**
   * More alarms that roll back (at most 10 in all, with the two above).
   * @default - none
   */
  readonly additionalRollbackAlarms?: readonly cloudwatch.IAlarm[];
}

/** SageMaker accepts 1-10 auto-rollback alarms. */
export const SAGEMAKER_MAX_ROLLBACK_ALARMS = 10;

/** Seconds of waiting the update plans: steps × bake (+ termination wait for blue/green). */
function plannedWaitSeconds(options: DeploymentOptions): number {
  if (options.rollingUpdate !== undefined) {
    const wait = (options.rollingUpdate.waitInterval ?? Duration.minutes(5)).toSeconds();
    return Math.ceil(100 / Math.max(1, options.rollingUpdate.maximumBatchSizePercent)) * wait;
  }
  const routing = options.trafficRouting ?? TrafficRouting.canary(10);
  return routing.steps * routing.waitInterval.toSeconds() + (options.terminationWait ?? Duration.minutes(5)).toSeconds();
}

/** Checks a deployment config. */
export function validateDeployment(validator: PropsValidator, options: DeploymentOptions, serverless: boolean): void {
  if (options.trafficRouting !== undefined && options.rollingUpdate !== undefined) {
    validator.fail('deployment.rollingUpdate', 'set', 'unset when deployment.trafficRouting is set: cannot specify both trafficRouting (blue/green) and rollingUpdate');
  }
  if (serverless && options.rollingUpdate !== undefined) {
    validator.fail('deployment.rollingUpdate', 'set', 'unset with serverlessVariant: SageMaker rolls only instance variants');
  }
  const routing = options.trafficRouting;
  if (routing?.type === 'CANARY') validator.integerInRange('deployment.trafficRouting (canary size)', routing.percent, 1, 50, '%');
  if (routing?.type === 'LINEAR') validator.integerInRange('deployment.trafficRouting (linear step)', routing.percent, 10, 50, '%');
  if (routing !== undefined) validator.durationInRange('deployment.trafficRouting (wait interval)', routing.waitInterval, Duration.seconds(0), Duration.hours(1), 'seconds');
  if (options.rollingUpdate !== undefined) {
    validator.integerInRange('deployment.rollingUpdate.maximumBatchSizePercent', options.rollingUpdate.maximumBatchSizePercent, 5, 50, '%');
    validator.integerInRange('deployment.rollingUpdate.rollbackMaximumBatchSizePercent', options.rollingUpdate.rollbackMaximumBatchSizePercent, 5, 100, '%');
    validator.durationInRange('deployment.rollingUpdate.waitInterval', options.rollingUpdate.waitInterval, Duration.seconds(0), Duration.hours(1), 'seconds');
  }
  validator.durationInRange('deployment.terminationWait', options.terminationWait, Duration.seconds(0), Duration.hours(1), 'seconds');
  const timeout = options.maximumExecutionTimeout ?? Duration.hours(1);
  validator.durationInRange('deployment.maximumExecutionTimeout', timeout, Duration.seconds(600), Duration.seconds(28_800), 'seconds');
  const waits = plannedWaitSeconds(options);
  if (!timeout.isUnresolved() && timeout.toSeconds() <= waits) {
    validator.fail('deployment.maximumExecutionTimeout', timeout, `longer than the update's planned waits (${waits} seconds)`);
  }
  const errorRate = options.rollbackThresholds?.errorRatePercent ?? 1;
  if (!(errorRate > 0 && errorRate <= 100)) validator.fail('deployment.rollbackThresholds.errorRatePercent', errorRate, 'a percentage above 0 and at most 100');
  const p99 = options.rollbackThresholds?.p99ModelLatency;
  if (p99 !== undefined && !p99.isUnresolved() && !(p99.toMilliseconds() >= 1 && p99.toMilliseconds() <= 60_000)) {
    validator.fail('deployment.rollbackThresholds.p99ModelLatency', p99, 'from 1 millisecond to 60 seconds (the invocation limit)');
  }
  const alarms = 2 + (options.additionalRollbackAlarms?.length ?? 0);
  if (alarms > SAGEMAKER_MAX_ROLLBACK_ALARMS) {
    validator.fail('deployment.additionalRollbackAlarms', `${alarms - 2} alarms`, `at most ${SAGEMAKER_MAX_ROLLBACK_ALARMS - 2} (SageMaker takes 1-10 rollback alarms; the 5XX rate and p99 latency alarms are two)`);
  }
}

/** The endpoint's `DeploymentConfig` for these options and alarms. */
export function renderDeploymentConfig(options: DeploymentOptions, alarms: readonly cloudwatch.IAlarm[]): sagemaker.CfnEndpoint.DeploymentConfigProperty {
  const maximumExecutionTimeoutInSeconds = (options.maximumExecutionTimeout ?? Duration.hours(1)).toSeconds();
  const autoRollbackConfiguration = { alarms: alarms.map((alarm) => ({ alarmName: alarm.alarmName })) };
  if (options.rollingUpdate !== undefined) {
    const rolling = options.rollingUpdate;
    return {
      autoRollbackConfiguration,
      rollingUpdatePolicy: {
        maximumBatchSize: { type: 'CAPACITY_PERCENT', value: rolling.maximumBatchSizePercent },
        waitIntervalInSeconds: (rolling.waitInterval ?? Duration.minutes(5)).toSeconds(),
        maximumExecutionTimeoutInSeconds,
        rollbackMaximumBatchSize: { type: 'CAPACITY_PERCENT', value: rolling.rollbackMaximumBatchSizePercent ?? 100 },
      },
    };
  }
  const routing = options.trafficRouting ?? TrafficRouting.canary(10);
  const size = routing.percent === undefined ? undefined : { type: 'CAPACITY_PERCENT', value: routing.percent };
  return {
    autoRollbackConfiguration,
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: routing.type,
        waitIntervalInSeconds: routing.waitInterval.toSeconds(),
        ...(routing.type === 'CANARY' ? { canarySize: size } : {}),
        ...(routing.type === 'LINEAR' ? { linearStepSize: size } : {}),
      },
      terminationWaitInSeconds: (options.terminationWait ?? Duration.minutes(5)).toSeconds(),
      maximumExecutionTimeoutInSeconds,
    },
  };
}
