/**
 * The evaluation's key figures as the stack hands them to the runtime (the `MODEL_EVALUATION` variable, JSON),
 * for the model metadata document. They come from `evaluation.json`, checked fresh at synth.
 *
 * zod's lighter entry (`zod/mini`): this schema is read at every cold start, with the runtime configuration.
 */
import * as z from 'zod/mini';
import { DATA_SHA256_PATTERN, EVALUATION_VERDICTS } from './runtime-config-contract';

export const EvaluationFiguresSchema = z.strictObject({
  verdict: z.enum(EVALUATION_VERDICTS),
  /** The metric baselines and ranking use, e.g. `macroF1`. */
  keyMetric: z.string().check(z.minLength(1)),
  /** Whole-model metrics by name (`accuracy`, `rocAuc`, `rmse`, ...). */
  metrics: z.record(z.string(), z.number()),
  /** Rows evaluated. */
  rows: z.int().check(z.minimum(0)),
  dataSha256: z.string().check(z.regex(DATA_SHA256_PATTERN, { message: 'must be 64 lower-case hexadecimal characters' })),
  /** ISO 8601. */
  evaluatedAt: z.string().check(z.minLength(1)),
});

/** The evaluation's key figures. */
export type EvaluationKeyFigures = z.output<typeof EvaluationFiguresSchema>;
