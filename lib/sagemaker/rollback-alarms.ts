/**
 * The alarms that roll a SageMaker update back, built from the endpoint's own metric methods: the 5XX rate and the
 * p99 model latency of the production variant, per minute. Their action is the rollback (SageMaker watches them
 * by name during the update); the monitoring stack may add notifications through `rollbackAlarms`.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { RollbackThresholds } from './deployment';

/** The metric methods the alarms are built from. */
export interface RollbackMetricSource {
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

const PERIOD = Duration.minutes(1);

/** Creates the 5XX-rate and p99-latency alarms in `scope` (ids `ErrorRateAlarm`, `LatencyAlarm`). */
export function createRollbackAlarms(scope: Construct, source: RollbackMetricSource, thresholds: RollbackThresholds = {}): cloudwatch.Alarm[] {
  const errorRatePercent = thresholds.errorRatePercent ?? 1;
  const p99 = thresholds.p99ModelLatency ?? Duration.seconds(1);
  const errorRate = new cloudwatch.MathExpression({
    expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
    usingMetrics: { errors: source.metricInvocation5XXErrors({ period: PERIOD }), invocations: source.metricInvocations({ period: PERIOD }) },
    label: '5XX rate (%)',
    period: PERIOD,
  });
  const alarms = [
    errorRate.createAlarm(scope, 'ErrorRateAlarm', {
      alarmDescription: `Rolls back an endpoint update: 5XX responses above ${errorRatePercent}% of invocations for 2 of 2 minutes`,
      threshold: errorRatePercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    source.metricModelLatency({ statistic: 'p99', period: PERIOD }).createAlarm(scope, 'LatencyAlarm', {
      alarmDescription: `Rolls back an endpoint update: p99 ModelLatency above ${p99.toMilliseconds()} ms for 2 of 2 minutes`,
      // ModelLatency is reported in microseconds.
      threshold: p99.toMilliseconds() * 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
  return alarms;
}
