/**
 * What operates on an endpoint per platform, from its config: provisioned-concurrency scaling (applied by the
 * Lambda builder, before monitoring reads the endpoint's platform metrics) and the rollout (built after
 * monitoring, since it rolls back on the critical alarms). A SageMaker endpoint gets its case here too.
 */
import { Duration, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { LambdaRolloutConfig, LambdaScalingConfig } from '../../config/monitoring-schema';
import type { Protection } from '../../config/schema';
import type { IInferenceEndpoint } from '../inference-endpoint';
import { LambdaInference } from '../lambda-inference';
import { LambdaRollout, RolloutStrategy } from '../lambda-rollout';
import type { ProvisionedConcurrencyScalingProps } from '../lambda-scaling';
import { acknowledgeRule } from '../private/nag-rules';
import { SageMakerInference } from '../sagemaker-inference';
import type { PlatformContext } from './platform-context';

/** The scaling props a validated `platform.scaling` describes. */
export function lambdaScalingProps(scaling: LambdaScalingConfig): ProvisionedConcurrencyScalingProps {
  return {
    minCapacity: scaling.minProvisionedConcurrency,
    maxCapacity: scaling.maxProvisionedConcurrency,
    targetUtilizationPercent: scaling.targetUtilizationPercent,
    schedules: scaling.schedules.map((schedule) => ({
      id: schedule.name,
      schedule: appscaling.Schedule.cron(schedule.cron),
      timeZone: schedule.timeZone === undefined ? undefined : TimeZone.of(schedule.timeZone),
      minCapacity: schedule.minProvisionedConcurrency,
      maxCapacity: schedule.maxProvisionedConcurrency,
    })),
  };
}

/**
 * The strategy a validated `platform.rollout` describes; unset, it follows protection: canary 10% for 5 minutes
 * with `production`, all at once otherwise.
 */
export function lambdaRolloutStrategy(rollout: LambdaRolloutConfig | undefined, protection: Protection): RolloutStrategy {
  const chosen = rollout ?? (protection === 'production' ? { strategy: 'canary', percent: 10, intervalMinutes: 5 } : { strategy: 'all-at-once' });
  switch (chosen.strategy) {
    case 'all-at-once':
      return RolloutStrategy.allAtOnce();
    case 'canary':
      return RolloutStrategy.canary(chosen.percent, Duration.minutes(chosen.intervalMinutes));
    case 'linear':
      return RolloutStrategy.linear(chosen.percent, Duration.minutes(chosen.intervalMinutes));
  }
}

/**
 * The environment's rollout of new versions, rolling back on `rollbackAlarms`; `undefined` for SageMaker, whose
 * endpoint rolls out itself (its `DeploymentConfig`, with its own rollback alarms, which notify `alarmTopic`).
 */
export function buildRollout(
  scope: Construct,
  id: string,
  context: PlatformContext,
  endpoint: IInferenceEndpoint,
  rollbackAlarms: readonly cloudwatch.IAlarm[],
  alarmTopic?: sns.ITopic,
): LambdaRollout | undefined {
  const platform = context.config.platform;
  switch (platform.type) {
    case 'lambda':
      if (!(endpoint instanceof LambdaInference)) throw new Error(`${endpoint.node.path}: a lambda platform must be served by a LambdaInference`);
      return new LambdaRollout(scope, id, { alias: endpoint.alias, strategy: lambdaRolloutStrategy(platform.rollout, context.config.protection), rollbackAlarms });
    case 'sagemaker':
      if (endpoint instanceof SageMakerInference) notifyOnRollbackAlarms(endpoint.rollbackAlarms, alarmTopic);
      return undefined;
  }
}

/**
 * SageMaker acts on its rollback alarms by itself during an update; outside one nobody would hear them. They
 * notify the most severe topic, so a rollback (or a breach between updates) reaches the people on call.
 */
function notifyOnRollbackAlarms(alarms: readonly cloudwatch.Alarm[], topic: sns.ITopic | undefined): void {
  for (const alarm of alarms) {
    if (topic !== undefined) {
      const action = new actions.SnsAction(topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    } else {
      acknowledgeRule(
        alarm,
        'CloudWatchAlarmAction',
        "Every alarm severity is disabled in this environment's config, so there is no topic to notify; the alarm's one action is SageMaker's auto-rollback, which reads it by name during an endpoint update.",
      );
    }
  }
}
