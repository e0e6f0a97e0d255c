/**
 * The evaluation's key figures as the stack hands them to the runtime (the `MODEL_EVALUATION` variable, JSON),
 * for the model metadata document. They come from `evaluation.json`, checked fresh at synth.
 */
import { z } from 'zod';

export const EvaluationFiguresSchema = z.strictObject({
  verdict: z.enum(['pass', 'fail']),
  /** The metric baselines and ranking use, e.g. `macroF1`. */
  keyMetric: z.string().min(1),
  /** Whole-model metrics by name (`accuracy`, `rocAuc`, `rmse`, ...). */
  metrics: z.record(z.string(), z.number()),
  /** Rows evaluated. */
  rows: z.number().int().min(0),
  dataSha256: z.string().regex(/^[0-9a-f]{64}$/, { message: 'must be 64 lower-case hexadecimal characters' }),
  /** ISO 8601. */
  evaluatedAt: z.string().min(1),
});

/** The evaluation's key figures. */
export type EvaluationKeyFigures = z.output<typeof EvaluationFiguresSchema>;
