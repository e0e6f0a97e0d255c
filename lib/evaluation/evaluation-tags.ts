/**
 * The evaluation's key figures as resource tags, so the deployed endpoint says what it was proven on:
 * `modelstack:evaluation` (pass/fail), the key metric's value, and the evaluation data's SHA-256.
 */
import type { EvaluationKeyFigures } from '../../lambda/core/evaluation-figures';

/** Tags for the key figures; none without an evaluation. Values use only characters tags allow. */
export function evaluationTags(evaluation: EvaluationKeyFigures | undefined): Record<string, string> {
  if (evaluation === undefined) return {};
  const value = evaluation.metrics[evaluation.keyMetric];
  return {
    'modelstack:evaluation': evaluation.verdict,
    'modelstack:evaluation-metric': `${evaluation.keyMetric}=${value === undefined ? 'none' : value.toFixed(4)}`,
    'modelstack:evaluation-rows': String(evaluation.rows),
    'modelstack:evaluation-data-sha256': evaluation.dataSha256,
  };
}
