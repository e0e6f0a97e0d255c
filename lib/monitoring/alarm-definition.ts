/**
 * An alarm before it is created: what it watches, when it fires and what to do about it. `Monitoring` turns each
 * definition into one `cloudwatch.Alarm` with a deterministic name and its severity's topic as action; the README's
 * runbook table lists the same meaning and runbook sentences.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { AlarmSeverity } from './platform-metric';
import { severityTitle } from './severity-options';

/** CloudWatch alarm descriptions hold at most 1024 characters. */
const MAX_DESCRIPTION = 1024;

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
 * The construct id (`<id>-<Severity>`) and the properties of the alarm of `definition`: its meaning and runbook as the
 * description (cut to CloudWatch's limit), its metric and its thresholds. The caller adds its name and actions.
 */
export function definitionAlarmProps(definition: AlarmDefinition): { readonly id: string; readonly props: cloudwatch.AlarmProps } {
  const description = `[${definition.severity}] ${definition.meaning} Runbook: ${definition.runbook}`;
  return {
    id: `${definition.id}-${severityTitle(definition.severity)}`,
    props: {
      alarmDescription: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 3)}...` : description,
      metric: definition.metric,
      threshold: definition.threshold,
      comparisonOperator: definition.comparisonOperator,
      evaluationPeriods: definition.evaluationPeriods,
      datapointsToAlarm: definition.datapointsToAlarm,
      treatMissingData: definition.treatMissingData,
    },
  };
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
