/**
 * The quality job's metrics as CloudWatch metrics, from the names, units and dimensions it emits them with
 * (`lambda/records/quality-metric-names.ts`): the alarms and the dashboard read these, never names typed again.
 */
import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { QUALITY_METRICS } from '../../lambda/records/quality-metric-names';
import { QUALITY_DIMENSIONS } from '../../lambda/records/quality-metric-names';

/** One of the quality job's metrics. */
export type QualityMetricDefinition = (typeof QUALITY_METRICS)[keyof typeof QUALITY_METRICS];

/** Where a model's quality metrics are. */
export interface QualityMetricSource {
  /** CloudWatch namespace. */
  readonly namespace: string;
  /** The model name (the `service` dimension). */
  readonly service: string;
  /** One data point per window. */
  readonly period: Duration;
}

/** A quality metric of `source`, with the extra dimension (`label` or `feature`) it needs. */
export function qualityMetric(source: QualityMetricSource, definition: QualityMetricDefinition, extra: Readonly<Record<string, string>> = {}, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  const expected = definition.dimensions as readonly string[];
  const given = Object.keys(extra);
  if (given.length !== expected.length || !given.every((d) => expected.includes(d))) {
    throw new RangeError(`${definition.name} has the dimensions ${[QUALITY_DIMENSIONS.service, ...expected].join(', ')}; got ${[QUALITY_DIMENSIONS.service, ...given].join(', ')}`);
  }
  return new cloudwatch.Metric({
    namespace: source.namespace,
    metricName: definition.name,
    dimensionsMap: { [QUALITY_DIMENSIONS.service]: source.service, ...extra },
    statistic: definition.statistic,
    period: source.period,
    ...options,
  });
}

/**
 * `IF(gate >= min, value, otherwise)`: the value of a window with at least `min` of `gate` (labelled or all
 * predictions), else a value that cannot breach, so a window with too few labels never fires an alarm.
 */
export function gated(value: cloudwatch.IMetric, gate: cloudwatch.IMetric, min: number, otherwise: number, label: string, period: Duration): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `IF(gate >= ${min}, value, ${otherwise})`,
    usingMetrics: { value, gate },
    period,
    label,
  });
}
