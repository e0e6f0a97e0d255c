/**
 * Application Auto Scaling of an instance variant: target tracking on `SageMakerVariantInvocationsPerInstance`
 * (invocations per instance per minute), the target derived from what one instance can serve and a safety factor,
 * plus optional scheduled capacity (e.g. a smaller floor at night).
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Construct } from 'constructs';
import type { PropsValidator } from '../props-validation';
import type { SageMakerInstanceType } from './instance-type';

/** Capacity limits that apply on a schedule. */
export interface ScheduledCapacity {
  /** Names the scheduled action (its construct id): letters and digits. */
  readonly name: string;
  /** When the limits change, e.g. `appscaling.Schedule.cron({ hour: '20', minute: '0' })` (UTC). */
  readonly schedule: appscaling.Schedule;
  /** @default - unchanged */
  readonly minCapacity?: number;
  /** @default - unchanged */
  readonly maxCapacity?: number;
}

/** How an instance variant scales. */
export interface AutoScalingOptions {
  /**
   * Fewest instances, at least 1 and at most the variant's initial count.
   * @default 1
   */
  readonly minCapacity?: number;
  /** Most instances, at least the variant's initial count. */
  readonly maxCapacity: number;
  /** Requests per second one instance serves at acceptable latency (measure it: `npm run bench`). */
  readonly maxRequestsPerSecondPerInstance: number;
  /**
   * Fraction of `maxRequestsPerSecondPerInstance` to aim for, above 0 and at most 1: headroom for bursts while
   * new instances start (several minutes).
   * @default 0.5
   */
  readonly safetyFactor?: number;
  /**
   * Wait after a scale-in before the next one.
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * Wait after a scale-out before the next one.
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Capacity limits on a schedule.
   * @default - none
   */
  readonly schedules?: readonly ScheduledCapacity[];
}

/** Invocations per instance per minute that target tracking aims for. */
export function invocationsPerInstanceTarget(options: AutoScalingOptions): number {
  return Math.max(1, Math.floor(options.maxRequestsPerSecondPerInstance * (options.safetyFactor ?? 0.5) * 60));
}

/** Checks autoscaling against the variant it scales. */
export function validateAutoScaling(
  validator: PropsValidator,
  options: AutoScalingOptions,
  instanceType: SageMakerInstanceType,
  initialInstanceCount: number,
): void {
  const min = options.minCapacity ?? 1;
  validator.integerInRange('autoScaling.minCapacity', min, 1, initialInstanceCount);
  if (Number.isInteger(options.maxCapacity) && options.maxCapacity < initialInstanceCount) {
    validator.fail('autoScaling.maxCapacity', options.maxCapacity, `at least instanceVariant.initialInstanceCount (${initialInstanceCount}): 1 <= minCapacity <= initial <= maxCapacity`);
  } else {
    validator.integerInRange('autoScaling.maxCapacity', options.maxCapacity, Math.max(1, initialInstanceCount), 1000);
  }
  if (instanceType.isBurstable) {
    validator.fail(
      'instanceVariant.instanceType',
      instanceType.name,
      'a non-burstable type with autoScaling: ml.t* instances run on CPU credits, and once those run out the slowdown reads as load, so autoscaling would add instances that cannot help',
    );
  }
  if (!(options.maxRequestsPerSecondPerInstance > 0)) {
    validator.fail('autoScaling.maxRequestsPerSecondPerInstance', options.maxRequestsPerSecondPerInstance, 'a number above 0');
  }
  const safety = options.safetyFactor ?? 0.5;
  if (!(safety > 0 && safety <= 1)) validator.fail('autoScaling.safetyFactor', safety, 'a number above 0 and at most 1');
  validator.durationInRange('autoScaling.scaleInCooldown', options.scaleInCooldown, Duration.seconds(0), Duration.hours(1), 'seconds');
  validator.durationInRange('autoScaling.scaleOutCooldown', options.scaleOutCooldown, Duration.seconds(0), Duration.hours(1), 'seconds');
  for (const [index, schedule] of (options.schedules ?? []).entries()) {
    if (!/^[A-Za-z0-9]{1,64}$/.test(schedule.name)) validator.fail(`autoScaling.schedules[${index}].name`, schedule.name, '1-64 letters or digits');
    validator.integerInRange(`autoScaling.schedules[${index}].minCapacity`, schedule.minCapacity, 0, options.maxCapacity);
    validator.integerInRange(`autoScaling.schedules[${index}].maxCapacity`, schedule.maxCapacity, Math.max(1, schedule.minCapacity ?? 1), 1000);
  }
}

/** Properties of a {@link VariantAutoScaling}. */
export interface VariantAutoScalingProps extends AutoScalingOptions {
  readonly endpointName: string;
  readonly variantName: string;
}

/** The scalable target of one variant, its target-tracking policy and its schedules. */
export class VariantAutoScaling extends Construct {
  /** The scalable target (construct id `Resource`). */
  public readonly scalableTarget: appscaling.ScalableTarget;
  /** Invocations per instance per minute aimed for. */
  public readonly targetInvocationsPerInstance: number;

  constructor(scope: Construct, id: string, props: VariantAutoScalingProps) {
    super(scope, id);
    // Application Auto Scaling's service-linked role for SageMaker (AWS-managed, created on first use), instead of
    // the role CDK would otherwise create with its own broad policy.
    const role = iam.Role.fromRoleArn(
      this,
      'ServiceLinkedRole',
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
      { mutable: false },
    );
    this.scalableTarget = new appscaling.ScalableTarget(this, 'Resource', {
      role,
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${props.endpointName}/variant/${props.variantName}`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: props.minCapacity ?? 1,
      maxCapacity: props.maxCapacity,
    });
    this.targetInvocationsPerInstance = invocationsPerInstanceTarget(props);
    this.scalableTarget.scaleToTrackMetric('InvocationsPerInstance', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
      targetValue: this.targetInvocationsPerInstance,
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
    });
    for (const schedule of props.schedules ?? []) {
      this.scalableTarget.scaleOnSchedule(schedule.name, {
        schedule: schedule.schedule,
        minCapacity: schedule.minCapacity,
        maxCapacity: schedule.maxCapacity,
      });
    }
  }
}
