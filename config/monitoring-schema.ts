/**
 * Config blocks of the running-in-production work: `alarms` (per-severity thresholds with their units in the
 * names, recipients per severity, drift), and the Lambda platform's `scaling` and `rollout`.
 *
 * Thresholds left unset take the construct defaults stated in `lib/monitoring/severity-options.ts` and
 * `lib/monitoring/drift.ts` (and in the README), so each default is written once. `null` turns one alarm off.
 */
import { z } from 'zod';
import { REJECT_REASONS } from '../lambda/serving/metric-names';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const email = z.email({ message: 'must be an e-mail address' });
const percent = z.number().gt(0).max(100);

/** One severity's alarms: thresholds (`null` turns that alarm off), recipients and window. */
export const SeverityAlarmsSchema = z
  .strictObject({
    /** Create this severity's alarms and topic at all. */
    enabled: z.boolean().optional(),
    /** Subscribers of this severity only (besides `alarms.emails`). */
    emails: z.array(email).optional(),
    errorRatePercent: percent.nullable().optional(),
    runtimeErrorRatePercent: percent.nullable().optional(),
    latencyP99PercentOfTimeout: percent.nullable().optional(),
    throttleRatePercent: percent.nullable().optional(),
    invalidRequestRatePercent: percent.nullable().optional(),
    /** Failed model loads in one period that fire the alarm. */
    modelLoadFailures: int(1, 1_000_000).nullable().optional(),
    /** Heartbeat: fewer invocations in an hour fire it (an hour without data counts). */
    minInvocationsPerHour: z.number().int().min(1).nullable().optional(),
    /** Fewest requests in a period for its rates to count. */
    minRequestsPerPeriod: z.number().int().min(1).optional(),
    periodMinutes: z
      .number()
      .int()
      .refine((minutes) => minutes >= 1 && minutes <= 60 && 60 % minutes === 0, { message: 'must be a whole number of minutes that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60)' })
      .optional(),
    evaluationPeriods: int(1, 1440).optional(),
    datapointsToAlarm: int(1, 1440).optional(),
    /** Thresholds of the platform's own metrics by id (e.g. `ConcurrencyPercentOfReserved`); `null` turns one off. */
    platform: z
      .record(z.string(), z.number().positive().nullable())
      .superRefine((thresholds, ctx) => {
        for (const id of Object.keys(thresholds)) {
          if (!/^[A-Z][A-Za-z0-9]*$/.test(id)) ctx.addIssue({ code: 'custom', path: [id], input: id, message: 'must be a platform metric id in PascalCase, e.g. ConcurrencyPercentOfReserved' });
        }
      })
      .optional(),
  })
  .superRefine((severity, ctx) => {
    const { evaluationPeriods, datapointsToAlarm, periodMinutes } = severity;
    if (evaluationPeriods !== undefined && datapointsToAlarm !== undefined && datapointsToAlarm > evaluationPeriods) {
      ctx.addIssue({ code: 'custom', path: ['datapointsToAlarm'], input: datapointsToAlarm, message: `must be at most evaluationPeriods (${evaluationPeriods})` });
    }
    if (evaluationPeriods !== undefined && periodMinutes !== undefined && evaluationPeriods * periodMinutes > 1440) {
      ctx.addIssue({ code: 'custom', path: ['evaluationPeriods'], input: evaluationPeriods, message: `times periodMinutes (${periodMinutes}) must be at most 1440 minutes (CloudWatch evaluates at most one day)` });
    }
  });

/** Prediction drift alarms. */
export const DriftAlarmsSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    severity: z.enum(['warning', 'critical']).optional(),
    /** Standard errors either side of the baseline share or mean. */
    sigmas: z.number().min(1).max(10).optional(),
    /** Narrowest half-width of a label's band, in percentage points. */
    floorPercentagePoints: z.number().min(0).max(50).optional(),
    /** Narrowest half-width of the mean's band (regression), in evaluation standard deviations. */
    floorStandardDeviations: z.number().min(0).max(5).optional(),
    minPredictionsPerWindow: z.number().int().min(1).optional(),
    windowHours: int(1, 6).optional(),
    evaluationWindows: int(1, 24).optional(),
  })
  .superRefine((drift, ctx) => {
    if (drift.windowHours !== undefined && drift.evaluationWindows !== undefined && drift.windowHours * drift.evaluationWindows > 24) {
      ctx.addIssue({ code: 'custom', path: ['evaluationWindows'], input: drift.evaluationWindows, message: `times windowHours (${drift.windowHours}) must be at most 24 hours` });
    }
  });

/** The environment's `alarms` block. */
export const AlarmsSchema = z.strictObject({
  /** Subscribers of every severity. */
  emails: z.array(email).default([]),
  warning: SeverityAlarmsSchema.optional(),
  critical: SeverityAlarmsSchema.optional(),
  drift: DriftAlarmsSchema.optional(),
  /** Reasons whose invalid-request rate is alarmed (default: all but internal_error). */
  invalidRequestReasons: z.array(z.enum(REJECT_REASONS)).optional(),
});

const cronField = z.string().regex(/^[0-9A-Za-z*?,/#LW-]{1,40}$/, { message: 'must be a cron field such as 0, 8-18, MON-FRI or *' });
const capacity = int(1, 10000);

/** A scheduled change of the provisioned-concurrency bounds. */
export const ScalingScheduleSchema = z
  .strictObject({
    /** Letters, digits and hyphens, unique among the schedules. */
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, { message: 'must be 1-64 letters, digits or hyphens, starting with a letter' }),
    /** When it applies (Application Auto Scaling cron fields; unset fields mean "every"). */
    cron: z.strictObject({ minute: cronField.optional(), hour: cronField.optional(), day: cronField.optional(), month: cronField.optional(), weekDay: cronField.optional() }),
    /** IANA time zone of the cron fields, e.g. Europe/Dublin (default UTC). */
    timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Dublin' }).optional(),
    minProvisionedConcurrency: capacity.optional(),
    maxProvisionedConcurrency: capacity.optional(),
  })
  .superRefine((schedule, ctx) => {
    const { minProvisionedConcurrency: min, maxProvisionedConcurrency: max } = schedule;
    if (min === undefined && max === undefined) {
      ctx.addIssue({ code: 'custom', path: ['minProvisionedConcurrency'], input: min, message: 'or maxProvisionedConcurrency must be set: a schedule changes at least one bound' });
    }
    if (min !== undefined && max !== undefined && min > max) {
      ctx.addIssue({ code: 'custom', path: ['maxProvisionedConcurrency'], input: max, message: `must be at least minProvisionedConcurrency (${min})` });
    }
    if (schedule.cron.day !== undefined && schedule.cron.weekDay !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron', 'weekDay'], input: schedule.cron.weekDay, message: 'cannot be set together with cron.day' });
    }
  });

/** Provisioned concurrency on the `live` alias, auto-scaled. */
export const LambdaScalingSchema = z
  .strictObject({
    /** Lowest provisioned concurrency, and what each deployment starts with. */
    minProvisionedConcurrency: capacity,
    /** Highest provisioned concurrency; at most `reservedConcurrency` when that is set. */
    maxProvisionedConcurrency: capacity,
    /** Utilization target tracking holds. */
    targetUtilizationPercent: int(10, 90).default(70),
    schedules: z.array(ScalingScheduleSchema).max(20).default([]),
  })
  .superRefine((scaling, ctx) => {
    if (scaling.minProvisionedConcurrency > scaling.maxProvisionedConcurrency) {
      ctx.addIssue({ code: 'custom', path: ['maxProvisionedConcurrency'], input: scaling.maxProvisionedConcurrency, message: `must be at least minProvisionedConcurrency (${scaling.minProvisionedConcurrency})` });
    }
    const seen = new Set<string>();
    scaling.schedules.forEach((schedule, index) => {
      if (seen.has(schedule.name)) ctx.addIssue({ code: 'custom', path: ['schedules', index, 'name'], input: schedule.name, message: 'must be unique among the schedules' });
      seen.add(schedule.name);
    });
  });

/** How a new function version reaches traffic (CodeDeploy). */
export const LambdaRolloutSchema = z.discriminatedUnion('strategy', [
  z.strictObject({ strategy: z.literal('all-at-once') }),
  z.strictObject({ strategy: z.literal('canary'), percent: int(1, 99), intervalMinutes: int(1, 2880) }),
  z.strictObject({ strategy: z.literal('linear'), percent: int(1, 99), intervalMinutes: int(1, 2880) }),
]);

/**
 * Provisioned concurrency is taken from the reserved concurrency: with both set, no bound may exceed it. For
 * `LambdaPlatformSchema.superRefine`.
 */
export function refineLambdaCapacity(platform: { reservedConcurrency?: number; scaling?: z.output<typeof LambdaScalingSchema> }, ctx: z.RefinementCtx): void {
  const reserved = platform.reservedConcurrency;
  const scaling = platform.scaling;
  if (reserved === undefined || scaling === undefined) return;
  const message = `must be at most reservedConcurrency (${reserved}): provisioned concurrency is taken from the reserved pool`;
  if (scaling.maxProvisionedConcurrency > reserved) {
    ctx.addIssue({ code: 'custom', path: ['scaling', 'maxProvisionedConcurrency'], input: scaling.maxProvisionedConcurrency, message });
  }
  scaling.schedules.forEach((schedule, index) => {
    for (const key of ['minProvisionedConcurrency', 'maxProvisionedConcurrency'] as const) {
      const value = schedule[key];
      if (value !== undefined && value > reserved) ctx.addIssue({ code: 'custom', path: ['scaling', 'schedules', index, key], input: value, message });
    }
  });
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export type AlarmsConfig = z.output<typeof AlarmsSchema>;
export type SeverityAlarmsConfig = z.output<typeof SeverityAlarmsSchema>;
export type LambdaScalingConfig = z.output<typeof LambdaScalingSchema>;
export type LambdaRolloutConfig = z.output<typeof LambdaRolloutSchema>;
