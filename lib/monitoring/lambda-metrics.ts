/**
 * Lambda's platform metrics for monitoring (`LambdaInference.metricsForMonitoring()`): concurrency against the
 * reservation and provisioned-concurrency spillover, with the thresholds modelstack recommends.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { PlatformMetric } from './platform-metric';

/** What the Lambda metrics are read from. */
export interface LambdaMonitoringSource {
  /** The function (its `ConcurrentExecutions` counts every version, as its reservation does). */
  readonly function: lambda.IFunction;
  /** The alias clients call. */
  readonly alias: lambda.IAlias;
  /** The function's reserved concurrency, if any. */
  readonly reservedConcurrentExecutions?: number;
  /** Whether the alias has provisioned concurrency. */
  readonly hasProvisionedConcurrency: boolean;
}

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);
/** Fewest invocations in 5 minutes for the spillover rate to count. */
const SPILLOVER_MIN_INVOCATIONS = 20;

/** The platform metrics of a Lambda endpoint. */
export function lambdaMonitoringMetrics(source: LambdaMonitoringSource): PlatformMetric[] {
  const concurrency = source.function.metric('ConcurrentExecutions', { statistic: 'Maximum', period: MINUTE, label: 'Concurrent executions (max)' });
  const metrics: PlatformMetric[] = [
    {
      id: 'ConcurrentExecutions',
      title: 'Concurrent executions (max per minute)',
      metric: concurrency,
      meaning: 'Executions running at once, every version of the function.',
      runbook: 'Graph only.',
      group: 'capacity',
    },
  ];
  const reserved = source.reservedConcurrentExecutions;
  if (reserved !== undefined) {
    metrics.push({
      id: 'ConcurrencyPercentOfReserved',
      title: 'Concurrent executions (% of reserved)',
      metric: new cloudwatch.MathExpression({
        expression: `100 * concurrency / ${reserved}`,
        usingMetrics: { concurrency },
        period: MINUTE,
        label: `Concurrent executions (% of ${reserved} reserved)`,
      }),
      thresholds: { warning: 80 },
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      meaning: `Concurrent executions are near the ${reserved} reserved (3 of 5 one-minute maxima); at the reservation further requests are throttled. No data means no executions, which is fine.`,
      runbook: 'If the traffic is legitimate raise platform.reservedConcurrency (and the provisioned maximum with it); otherwise find the caller whose traffic jumped. Latency rising with it means requests got slower, not more numerous.',
      group: 'capacity',
    });
  }
  if (source.hasProvisionedConcurrency) {
    const invocations = source.alias.metric('Invocations', { statistic: 'Sum', period: FIVE_MINUTES });
    const spillover = source.alias.metric('ProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', period: FIVE_MINUTES });
    metrics.push(
      {
        id: 'ProvisionedConcurrencyUtilization',
        title: 'Provisioned concurrency utilization (max, 0-1)',
        metric: source.alias.metric('ProvisionedConcurrencyUtilization', { statistic: 'Maximum', period: MINUTE, label: 'Utilization (max)' }),
        meaning: 'Share of the provisioned executions in use; target tracking scales on it.',
        runbook: 'Graph only.',
        group: 'capacity',
      },
      {
        id: 'ProvisionedSpilloverRate',
        title: 'Invocations beyond provisioned concurrency (% of invocations)',
        metric: new cloudwatch.MathExpression({
          expression: `IF(requests >= ${SPILLOVER_MIN_INVOCATIONS}, 100 * FILL(spillover, 0) / requests, 0)`,
          usingMetrics: { spillover, requests: invocations },
          period: FIVE_MINUTES,
          label: 'Spillover (% of invocations)',
        }),
        thresholds: { warning: 10 },
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        meaning: `More invocations than that ran on on-demand executions, with cold starts, because every provisioned one was busy (3 of 3 five-minute periods, at least ${SPILLOVER_MIN_INVOCATIONS} invocations each). No data means no traffic.`,
        runbook: 'Raise platform.scaling.maxProvisionedConcurrency or lower targetUtilizationPercent, and check that the schedules cover the busy hours; the traffic row shows whether the load jumped faster than scaling reacts (about 3 minutes).',
        group: 'capacity',
      },
    );
  }
  return metrics;
}
