/**
 * The optional `retraining` block of an environment: publish retraining signals (lib/retraining-signals.ts,
 * docs/retraining-signals.md) when the drift (and, once wired, live-quality) alarms fire, and optionally on a
 * schedule. Unset: no signals.
 */
import { z } from 'zod';

/** EventBridge Scheduler's recurring expressions: `rate(<n> <unit>)` or `cron(<6 fields>)`. */
const SCHEDULE = /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;
const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;

export const RetrainingSchema = z.strictObject({
  /**
   * A schedule on which a "retrain due" signal goes out even without an alarm, e.g. `cron(0 6 1 * ? *)` (06:00 UTC
   * on the 1st of each month) or `rate(30 days)`. Unset: none.
   */
  schedule: z
    .string()
    .regex(SCHEDULE, { message: 'must be an EventBridge Scheduler expression: rate(1 day), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)' })
    .optional(),
  /** The bus the signals go to, by ARN (it must be in the environment's region). Unset: the account's default bus. */
  eventBusArn: z.string().regex(EVENT_BUS_ARN, { message: 'must be an event bus ARN such as arn:aws:events:eu-west-1:123456789012:event-bus/ml-training' }).optional(),
});

export type RetrainingConfig = z.output<typeof RetrainingSchema>;
