/**
 * An alarm before it is created: what it watches, when it fires and what to do about it. `Monitoring` turns each
 * definition into one `cloudwatch.Alarm` with a deterministic name and its severity's topic as action; the README's
 * runbook table lists the same meaning and runbook sentences.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmSeverity } from './platform-metric';

/** One alarm to create. */
export interface AlarmDefinition {
  /** PascalCase id, unique per severity, e.g. `ErrorRate` or `InvalidRequestRate-bad_json`. */
  readonly id: string;
  readonly severity: AlarmSeverity;
  /** What the value is, with its unit, e.g. `Platform errors (% of invocations)`. */
  readonly title: string;
  /** The metric or math expression, with its period. */
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** Why missing data is treated so, for the README and reviews. */
  readonly missingDataReason: string;
  /** One sentence: what a breach means. */
  readonly meaning: string;
  /** One sentence: what to do. */
  readonly runbook: string;
}

/**
 * `IF(requests >= min, 100 * FILL(events, 0) / requests, 0)`: `events` as a percentage of `requests`. Periods
 * with too few requests count as 0 and periods without any as missing (no traffic is not an error), and a count
 * the runtime emits only when something happens (`FILL`) reads as 0 when it did not.
 */
export function percentOf(events: cloudwatch.IMetric, requests: cloudwatch.IMetric, minRequests: number, period: cloudwatch.MathExpressionProps['period'], label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `IF(requests >= ${minRequests}, 100 * FILL(events, 0) / requests, 0)`,
    usingMetrics: { events, requests },
    period,
    label,
  });
}

/** A readable threshold for descriptions: `5%`, `1,500 ms`. */
export function formatThreshold(value: number, unit: string): string {
  const shown = Number.isInteger(value) ? value.toLocaleString('en-US') : String(Number(value.toPrecision(4)));
  return unit === '%' ? `${shown}%` : `${shown} ${unit}`;
}
