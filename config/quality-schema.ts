/**
 * The `quality` block of an environment: the live quality job (ground truth joined with captured predictions,
 * feature drift against the training profile) and its alarms. It needs prediction records (`capture`). Settings
 * left unset take `QualityMonitor`'s defaults (`lib/quality/quality-defaults.ts`), written once there.
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** CloudWatch evaluates an alarm over at most a day, and a quality alarm over one window. */
const MAX_WINDOW_HOURS = 24;
/** Labels later than two weeks are for `modelstack quality-report`, not an hourly job. */
const MAX_LABEL_DELAY_HOURS = 14 * 24;

export const QualitySchema = z.strictObject({
  /** Run the quality job (needs capture on). */
  enabled: z.boolean().default(true),
  /** Hours per window, and between runs (1-24). */
  windowHours: int(1, MAX_WINDOW_HOURS).optional(),
  /** Hours a label may take to arrive: a window is evaluated this long after it ends. */
  labelDelayHours: int(0, MAX_LABEL_DELAY_HOURS).optional(),
  /** How much worse than the evaluation a live figure may be (absolute for accuracy, relative for MAE and RMSE). */
  tolerance: z.number().min(0).lt(1).optional(),
  /** Labelled predictions a window needs before a quality alarm may fire. */
  minLabelledPredictions: int(1, 10_000_000).optional(),
  /** PSI past which a feature's drift alarm fires. */
  psiThreshold: z.number().gt(0).max(10).optional(),
  /** Predictions a window needs before a drift alarm may fire. */
  minDriftPredictions: int(1, 10_000_000).optional(),
});

export type QualityConfig = z.output<typeof QualitySchema>;
