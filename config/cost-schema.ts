/**
 * The cost parts of an environment's config: its monthly budget and its expected traffic. Kept apart from the
 * rest of the schema so the estimator (`lib/cost/`) and `CostBudget` read one definition.
 */
import { z } from 'zod';
import { MAX_BUDGET_EMAILS, MAX_BUDGET_NOTIFICATIONS } from '../lib/cost-budget';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const percent = z.number().min(0).max(100);

export const BudgetSchema = z
  .strictObject({
    /** Monthly cost budget (USD) for the resources tagged with this environment's stack. */
    monthlyLimitUsd: z.number().positive().max(1_000_000),
    /** Percentages of the limit that, once actually spent, send an alert. */
    alertThresholdsPercent: z
      .array(int(1, 1000))
      .min(1)
      // AWS Budgets allows 5 notifications per budget, and one is the forecast alert.
      .max(MAX_BUDGET_NOTIFICATIONS - 1)
      .default([80, 100]),
    /** Percentage of the limit that, once forecast for the month, sends an alert. */
    forecastThresholdPercent: int(1, 1000).default(100),
    /** Addresses the budget alerts go to. Unset: the environment's `alarms.emails`. */
    emails: z.array(z.email({ message: 'must be an e-mail address' })).max(MAX_BUDGET_EMAILS).optional(),
  })
  .superRefine((budget, ctx) => {
    const seen = new Set<number>();
    budget.alertThresholdsPercent.forEach((threshold, index) => {
      if (seen.has(threshold)) {
        ctx.addIssue({ code: 'custom', path: ['alertThresholdsPercent', index], input: threshold, message: 'is listed twice; each threshold sends one alert' });
      }
      seen.add(threshold);
    });
  });

export const TrafficSchema = z.strictObject({
  /** Requests the endpoint serves in a month. */
  requestsPerMonth: z.number().int().min(0).default(0),
  /** Instances (rows) per request. */
  meanInstancesPerRequest: z.number().min(1).default(1),
  /** Time one request runs on the platform (milliseconds): Lambda's billed duration, SageMaker's model latency. */
  meanDurationMs: z.number().positive().default(20),
  /** Request body size (bytes). */
  meanPayloadBytes: z.number().int().min(0).default(2048),
  /** Response body size (bytes). Unset: 100 bytes per instance. */
  meanResponseBytes: z.number().int().min(0).optional(),
  /** New execution environments (cold starts) a month. Unset: `coldStartPercent` of the requests. */
  coldStartsPerMonth: z.number().int().min(0).optional(),
  /** Share of requests that start a new execution environment (percent), when `coldStartsPerMonth` is unset. */
  coldStartPercent: percent.default(1),
  /** Time one cold start spends in the INIT phase (milliseconds): billed on Lambda since 2025-08-01. */
  meanInitDurationMs: z.number().min(0).max(10_000).default(1000),
  /**
   * Share of requests SageMaker data capture stores (percent). Unset: the endpoint config's
   * `InitialSamplingPercentage`, which is what will be deployed.
   */
  capturedPercent: percent.optional(),
  /** Log bytes written per request. Unset: derived from the runtime's log lines and EMF documents. */
  logBytesPerRequest: z.number().int().min(0).optional(),
});

/** An environment's budget as validated. */
export type BudgetConfig = z.output<typeof BudgetSchema>;
/** An environment's traffic profile as validated. */
export type TrafficConfig = z.output<typeof TrafficSchema>;
