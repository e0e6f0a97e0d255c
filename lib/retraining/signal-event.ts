/**
 * The retraining signal: the EventBridge event modelstack publishes when an alarm that says "the model may be
 * stale" (prediction drift, live quality) goes into ALARM, or when a retraining schedule comes due. A training
 * system subscribes with a rule on `source` and `detail-type`. docs/retraining-signals.md documents the schema;
 * a test checks the page's example against what the state machine emits.
 */

/** The event's `source`. */
export const RETRAINING_SIGNAL_SOURCE = 'modelstack';
/** The event's `detail-type`. */
export const RETRAINING_SIGNAL_DETAIL_TYPE = 'Model Retraining Signal';
/** The detail's schema version; a breaking change to the detail bumps it. */
export const RETRAINING_SIGNAL_VERSION = '1';
/** `metric` of a scheduled signal, which no alarm raised. */
export const SCHEDULE_METRIC = 'schedule';

/** How long a value was watched before the alarm fired. */
export interface AlarmWindow {
  /** Seconds per datapoint. */
  readonly periodSeconds: number;
  /** Datapoints the alarm looks at. */
  readonly evaluationPeriods: number;
  /** Of those, how many must breach. */
  readonly datapointsToAlarm: number;
}

/** `window` of a scheduled signal: the schedule that came due. */
export interface ScheduleWindow {
  /** The EventBridge Scheduler expression, e.g. `rate(30 days)` or `cron(0 6 1 * ? *)`. */
  readonly schedule: string;
}

/** The alarm that raised a signal. */
export interface SignalAlarm {
  readonly name: string;
  readonly arn: string;
  /** CloudWatch's human-readable reason for the state change. */
  readonly reason: string;
}

/** The event's `detail`. */
export interface RetrainingSignalDetail {
  readonly version: typeof RETRAINING_SIGNAL_VERSION;
  /** `alarm`: an alarm fired; `schedule`: the retraining schedule came due. */
  readonly kind: 'alarm' | 'schedule';
  /** The manifest's model name. */
  readonly model: string;
  /** The environment whose endpoint raised it. */
  readonly environment: string;
  /** What was measured: the alarm's id (e.g. `PredictionShareDrift-malignant`), or `schedule`. */
  readonly metric: string;
  /** One line: what the value is, with its unit. */
  readonly description: string;
  /** The newest evaluated datapoint of the alarm; null for a schedule or when CloudWatch reported none. */
  readonly value: number | null;
  /** The alarm's threshold; null for a schedule. */
  readonly threshold: number | null;
  /** The alarm's comparison (`GreaterThanThreshold`, ...); null for a schedule. */
  readonly comparison: string | null;
  readonly window: AlarmWindow | ScheduleWindow;
  /** null for a schedule. */
  readonly alarm: SignalAlarm | null;
  /** The alarm's new state (`ALARM`), or `DUE` for a schedule. */
  readonly state: string;
  /** When the alarm changed state, or the schedule's time (ISO 8601). */
  readonly time: string;
}
