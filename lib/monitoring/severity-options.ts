/**
 * Thresholds, recipients and evaluation windows of one alarm severity, and the defaults of each severity.
 *
 * Windows, and why: `warning` looks at 5-minute periods and needs 3 of 3 (a sustained problem for 15 minutes, so
 * a single slow cold start or a short burst of bad requests does not mail anyone); `critical` looks at 1-minute
 * periods and needs 3 of 5, so it fires within about 3 minutes: inside a 5-minute canary, which it must roll back.
 */
import { Duration } from 'aws-cdk-lib';
import type { AlarmSeverity } from './platform-metric';

/** What one severity alarms on, and who hears about it. `null` turns that alarm off at this severity. */
export interface SeverityAlarmOptions {
  /**
   * Create this severity's alarms and topic at all.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Addresses subscribed (by e-mail) to this severity's topic, besides `MonitoringProps.emails`.
   * @default []
   */
  readonly emails?: readonly string[];

  /**
   * Platform errors (Lambda function errors, SageMaker 5XX) as a percentage of invocations.
   * @default 1 (warning), 5 (critical)
   */
  readonly errorRatePercent?: number | null;

  /**
   * Requests the runtime answered with a 500 (an unexpected error) as a percentage of invocations. On Lambda
   * these are successful invocations, so they never show in the function's `Errors`.
   * @default 1 (warning), 5 (critical)
   */
  readonly runtimeErrorRatePercent?: number | null;

  /**
   * p99 of the platform's latency as a percentage of the request timeout.
   * @default 50 (warning), 80 (critical)
   */
  readonly latencyP99PercentOfTimeout?: number | null;

  /**
   * Throttled requests as a percentage of all requests (invocations plus throttles); platforms that do not
   * throttle (`metricThrottles()` is undefined) get no such alarm.
   * @default 1 (warning), 5 (critical)
   */
  readonly throttleRatePercent?: number | null;

  /**
   * Requests the runtime rejected for one reason (`bad_json`, `invalid_input`, ...) as a percentage of
   * invocations: one alarm per reason.
   * @default 5 (warning), null (critical: client mistakes do not page anyone)
   */
  readonly invalidRequestRatePercent?: number | null;

  /**
   * Failed model loads in one period that set the alarm off (one period, 1 of 1: any failure counts).
   * @default null (warning), 1 (critical)
   */
  readonly modelLoadFailures?: number | null;

  /**
   * Heartbeat: fewer invocations than this in an hour sets the alarm off, and an hour without any data counts
   * as a breach. Only for endpoints that always have traffic.
   * @default null (no heartbeat alarm)
   */
  readonly minInvocationsPerHour?: number | null;

  /**
   * Fewest requests in a period for its rates to count; below it a rate is reported as 0, so a few requests
   * (one error in two requests) cannot raise an alarm.
   * @default 20 (warning), 10 (critical)
   */
  readonly minRequestsPerPeriod?: number;

  /**
   * Length of one evaluated period of the rate and latency alarms: 1 minute or a multiple of 1 minute up to 1 hour
   * that divides it, e.g. 1, 5, 10, 15, 30 or 60 minutes.
   * @default Duration.minutes(5) (warning), Duration.minutes(1) (critical)
   */
  readonly period?: Duration;

  /**
   * Periods evaluated by the rate and latency alarms.
   * @default 3 (warning), 5 (critical)
   */
  readonly evaluationPeriods?: number;

  /**
   * Breaching periods, out of {@link evaluationPeriods}, that set a rate or latency alarm off.
   * @default 3
   */
  readonly datapointsToAlarm?: number;

  /**
   * Thresholds of the endpoint's platform metrics (`metricsForMonitoring()`), by metric id, overriding the ones
   * the platform recommends; `null` turns that alarm off at this severity.
   * @default {} (the platform's recommendations)
   */
  readonly platformThresholds?: Readonly<Record<string, number | null>>;
}

/** {@link SeverityAlarmOptions} with every default applied. */
export type ResolvedSeverityOptions = Required<Omit<SeverityAlarmOptions, 'platformThresholds'>> & {
  readonly platformThresholds: Readonly<Record<string, number | null>>;
};

/** The defaults of each severity (documented on {@link SeverityAlarmOptions}). */
export const SEVERITY_DEFAULTS: Readonly<Record<AlarmSeverity, ResolvedSeverityOptions>> = {
  warning: {
    enabled: true,
    emails: [],
    errorRatePercent: 1,
    runtimeErrorRatePercent: 1,
    latencyP99PercentOfTimeout: 50,
    throttleRatePercent: 1,
    invalidRequestRatePercent: 5,
    modelLoadFailures: null,
    minInvocationsPerHour: null,
    minRequestsPerPeriod: 20,
    period: Duration.minutes(5),
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    platformThresholds: {},
  },
  critical: {
    enabled: true,
    emails: [],
    errorRatePercent: 5,
    runtimeErrorRatePercent: 5,
    latencyP99PercentOfTimeout: 80,
    throttleRatePercent: 5,
    invalidRequestRatePercent: null,
    modelLoadFailures: 1,
    minInvocationsPerHour: null,
    minRequestsPerPeriod: 10,
    period: Duration.minutes(1),
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    platformThresholds: {},
  },
};

/** Applies the severity's defaults to whatever `options` leaves unset. */
export function resolveSeverityOptions(severity: AlarmSeverity, options: SeverityAlarmOptions = {}): ResolvedSeverityOptions {
  const defaults = SEVERITY_DEFAULTS[severity];
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined };
}

/** `Warning` / `Critical`, for alarm names and construct ids. */
export function severityTitle(severity: AlarmSeverity): string {
  return severity === 'warning' ? 'Warning' : 'Critical';
}
