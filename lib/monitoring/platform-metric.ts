/**
 * What a serving platform tells monitoring about itself beyond the common {@link IInferenceEndpoint} metrics:
 * named platform metrics (Lambda concurrency, SageMaker CPU, ...) with the thresholds the platform recommends.
 * `Monitoring` turns each one into a dashboard graph and, where a threshold is given, an alarm per severity.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** How urgent an alarm is, as cdk-monitoring-constructs keys them: `warning` e-mails, `critical` pages and rolls back. */
export type AlarmSeverity = 'warning' | 'critical';

/** Every severity, least urgent first. */
export const ALARM_SEVERITIES: readonly AlarmSeverity[] = ['warning', 'critical'];

/** Which dashboard row a platform metric belongs to. */
export type PlatformMetricGroup = 'traffic' | 'errors' | 'latency' | 'capacity';

/** Recommended thresholds of a platform metric, by severity; a severity that is absent gets no alarm. */
export type PlatformThresholds = Partial<Readonly<Record<AlarmSeverity, number>>>;

/**
 * One platform metric worth watching. The metric carries its own period (and, for rates, its own
 * `IF(requests >= n, ...)` guard), so the platform decides the window that makes sense for it.
 */
export interface PlatformMetric {
  /**
   * Stable PascalCase id, e.g. `ConcurrencyPercentOfReserved`: alarm names and construct ids derive from it, and
   * the config's `alarms.<severity>.platform` overrides thresholds by it. Renaming it replaces the alarms.
   */
  readonly id: string;

  /** Short title for the dashboard and the alarm description, with its unit, e.g. `Concurrent executions (% of reserved)`. */
  readonly title: string;

  /** The metric or math expression, with its period and statistic set. At most 10 metrics per expression. */
  readonly metric: cloudwatch.IMetric;

  /**
   * Thresholds the platform recommends, by severity.
   * @default - none: the metric is graphed on the dashboard but not alarmed
   */
  readonly thresholds?: PlatformThresholds;

  /**
   * How the value is compared with the threshold.
   * @default cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
   */
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;

  /**
   * Periods evaluated.
   * @default 3
   */
  readonly evaluationPeriods?: number;

  /**
   * Breaching periods (of {@link evaluationPeriods}) that set the alarm off.
   * @default - all of evaluationPeriods
   */
  readonly datapointsToAlarm?: number;

  /**
   * What a period without data means. Decide it per metric: no traffic is not an error, but a metric that is
   * always emitted while the endpoint is up (instance CPU) going missing may be.
   * @default cloudwatch.TreatMissingData.NOT_BREACHING
   */
  readonly treatMissingData?: cloudwatch.TreatMissingData;

  /** One sentence: what a breach means. Goes into the alarm description. */
  readonly meaning: string;

  /** One sentence: what to do when it fires. Goes into the alarm description and the README's runbook. */
  readonly runbook: string;

  /** The dashboard row it is graphed in. */
  readonly group: PlatformMetricGroup;
}
