/**
 * An environment's `evaluation` block: whether the promotion gate applies. Environments with protection
 * `production` always have it; `required: true` adds it to any other (a staging that must be proven too).
 */
import { z } from 'zod';

export const EnvironmentEvaluationSchema = z
  .strictObject({
    /**
     * Refuse to synthesize unless the model has a fresh, passing `evaluation.json`.
     * @default false (true in effect with protection "production")
     */
    required: z.boolean().default(false),
  })
  .optional();

export type EnvironmentEvaluationConfig = z.output<typeof EnvironmentEvaluationSchema>;
