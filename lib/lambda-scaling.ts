/**
 * Provisioned concurrency on the `live` alias, scaled by Application Auto Scaling: target tracking on
 * `LambdaProvisionedConcurrencyUtilization`, plus optional scheduled changes of the bounds (e.g. a higher minimum in
 * business hours). Use it through `LambdaInference.autoScaleProvisionedConcurrency()`.
 *
 * Default settings:
 * - the alias starts with `minCapacity` provisioned executions (so the utilization metric exists from the first
 *   deployment) and the scalable target waits for the alias;
 * - target 70% utilization, scaling between `minCapacity` and `maxCapacity`;
 * - schedules in UTC unless they name a time zone.
 *
 * A deployment resets the alias to `minCapacity` until the next scaling activity: Application Auto Scaling, not
 * CloudFormation, owns the value in between.
 */
import { Token, type TimeZone } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PropsValidator } from './props-validation';

/** A scheduled change of the scaling bounds. */
export interface ProvisionedConcurrencySchedule {
  /** Construct id of the scheduled action: letters, digits and hyphens, unique per alias, e.g. `BusinessHours`. */
  readonly id: string;

  /** When it applies, e.g. `appscaling.Schedule.cron({ minute: '0', hour: '8', weekDay: 'MON-FRI' })`. */
  readonly schedule: appscaling.Schedule;

  /**
   * Time zone of a cron schedule.
   * @default - UTC
   */
  readonly timeZone?: TimeZone;

  /**
   * Lowest provisioned concurrency from then on.
   * @default - unchanged
   */
  readonly minCapacity?: number;

  /**
   * Highest provisioned concurrency from then on.
   * @default - unchanged
   */
  readonly maxCapacity?: number;
}

/** How provisioned concurrency scales. */
export interface ProvisionedConcurrencyScalingProps {
  /** Lowest provisioned concurrency, and what the alias starts with: a whole number, at least 1. */
  readonly minCapacity: number;

  /** Highest provisioned concurrency: at least `minCapacity`, at most the function's reserved concurrency. */
  readonly maxCapacity: number;

  /**
   * Utilization of the provisioned executions that target tracking holds, in percent, from 10 to 90.
   * @default 70
   */
  readonly targetUtilizationPercent?: number;

  /**
   * Scheduled changes of the bounds.
   * @default []
   */
  readonly schedules?: readonly ProvisionedConcurrencySchedule[];
}

/** Properties of {@link LambdaProvisionedConcurrency}. */
export interface LambdaProvisionedConcurrencyProps extends ProvisionedConcurrencyScalingProps {
  /** The alias that gets the provisioned concurrency (the one clients call). */
  readonly alias: lambda.Alias;

  /**
   * The function's reserved concurrency: provisioned concurrency is taken from it, so no bound may exceed it.
   * @default - none: only the account's limits apply
   */
  readonly reservedConcurrentExecutions?: number;
}

const SCHEDULE_ID = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** Provisioned concurrency of an alias, auto-scaled. */
export class LambdaProvisionedConcurrency extends Construct {
  /** Lowest provisioned concurrency (and the alias's initial value). */
  public readonly minCapacity: number;
  /** Highest provisioned concurrency. */
  public readonly maxCapacity: number;
  /** The utilization target tracking holds, in percent. */
  public readonly targetUtilizationPercent: number;
  /** The alias's scalable attribute, for more scaling policies. */
  public readonly scaling: lambda.IScalableFunctionAttribute;

  constructor(scope: Construct, id: string, props: LambdaProvisionedConcurrencyProps) {
    super(scope, id);
    this.minCapacity = props.minCapacity;
    this.maxCapacity = props.maxCapacity;
    this.targetUtilizationPercent = props.targetUtilizationPercent ?? 70;
    const schedules = props.schedules ?? [];
    this.validate(props, schedules);

    const cfnAlias = props.alias.node.defaultChild as lambda.CfnAlias;
    // The alias is built by LambdaInference; its provisioned concurrency is owned here, as CodeDeploy owns its update policy.
    cfnAlias.provisionedConcurrencyConfig = { provisionedConcurrentExecutions: this.minCapacity };
    // The target's resource id is built from a Ref to the alias, so CloudFormation creates the alias first.
    this.scaling = props.alias.addAutoScaling({ minCapacity: this.minCapacity, maxCapacity: this.maxCapacity });
    this.scaling.scaleOnUtilization({ utilizationTarget: this.targetUtilizationPercent / 100 });
    for (const schedule of schedules) {
      this.scaling.scaleOnSchedule(schedule.id, {
        schedule: schedule.schedule,
        timeZone: schedule.timeZone,
        minCapacity: schedule.minCapacity,
        maxCapacity: schedule.maxCapacity,
      });
    }
  }

  private validate(props: LambdaProvisionedConcurrencyProps, schedules: readonly ProvisionedConcurrencySchedule[]): void {
    const v = new PropsValidator(this);
    const reserved = props.reservedConcurrentExecutions !== undefined && !Token.isUnresolved(props.reservedConcurrentExecutions) ? props.reservedConcurrentExecutions : undefined;
    const checkBounds = (where: string, min: number, max: number, minSet: boolean, maxSet: boolean): void => {
      if (minSet && !Token.isUnresolved(min) && (!Number.isInteger(min) || min < 1)) v.fail(`${where}minCapacity`, min, 'a whole number, at least 1');
      if (maxSet && !Token.isUnresolved(max) && !Token.isUnresolved(min)) {
        if (!Number.isInteger(max) || max < min) v.fail(`${where}maxCapacity`, max, `a whole number, at least minCapacity (${min})`);
        else if (reserved !== undefined && max > reserved) {
          v.fail(`${where}maxCapacity`, max, `at most the function's reserved concurrency (${reserved}), which provisioned concurrency is taken from`);
        }
      }
    };
    checkBounds('', props.minCapacity, props.maxCapacity, true, true);
    const target = this.targetUtilizationPercent;
    if (!Token.isUnresolved(target) && !(target >= 10 && target <= 90)) v.fail('targetUtilizationPercent', target, 'a percentage from 10 to 90');
    if ((props.alias.node.defaultChild as lambda.CfnAlias).provisionedConcurrencyConfig !== undefined) {
      v.fail('alias', props.alias.aliasName, 'an alias without provisioned concurrency of its own (this construct sets it)');
    }
    const ids = new Set<string>();
    schedules.forEach((schedule, index) => {
      const where = `schedules[${index}].`;
      if (!SCHEDULE_ID.test(schedule.id)) v.fail(`${where}id`, schedule.id, '1-64 letters, digits or hyphens, starting with a letter');
      else if (ids.has(schedule.id)) v.fail(`${where}id`, schedule.id, 'unique among the schedules');
      ids.add(schedule.id);
      if (schedule.minCapacity === undefined && schedule.maxCapacity === undefined) {
        v.fail(`${where}minCapacity`, 'unset, and so is maxCapacity', 'set, or maxCapacity set: a schedule changes at least one bound');
      }
      const min = schedule.minCapacity ?? props.minCapacity;
      const max = schedule.maxCapacity ?? props.maxCapacity;
      checkBounds(where, min, max, schedule.minCapacity !== undefined, schedule.maxCapacity !== undefined);
      if (schedule.maxCapacity === undefined && schedule.minCapacity !== undefined && schedule.minCapacity > max) {
        v.fail(`${where}minCapacity`, schedule.minCapacity, `at most maxCapacity (${max}), or set this schedule's maxCapacity too`);
      }
    });
    v.throwIfInvalid();
  }
}
