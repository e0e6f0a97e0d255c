/**
 * The trivial baseline every model must beat: the most frequent training label with the training label
 * frequencies as probabilities (classification), or the training mean (regression), predicted for every row.
 */
import { readFile } from 'node:fs/promises';
import { parseCsv } from '../../lambda/core/csv';
import { regressionTargets, type Manifest } from '../../lambda/core/manifest';
import type { Prediction } from '../../lambda/core/types';
import { EvaluationError } from './evaluation-error';
import type { Metrics } from './metric-names';
import { labelsOf, metricsOf } from './scored-metrics';
import type { Truth } from './streaming-evaluator';

export interface TrivialBaseline {
  /** What it predicts, in words. */
  readonly description: string;
  /** Where its statistics come from: the training file, or the evaluation data when none is declared. */
  readonly source: string;
  readonly prediction: Prediction;
  readonly metrics: Metrics;
}

/** The mean of each target over the rows (`rows[i]` holds row i's cells in `names` order): a multi-output regression's constant. */
function meanValues(names: readonly string[], rows: readonly (readonly string[])[], source: string): Prediction {
  const values: Record<string, number> = {};
  names.forEach((name, j) => {
    const column = rows.map((row) => Number((row[j] ?? '').trim()));
    const bad = rows.find((row, i) => !Number.isFinite(column[i]) || (row[j] ?? '').trim() === '');
    if (bad !== undefined) throw new EvaluationError(`${source}: target ${name} ${JSON.stringify(bad[j])} is not allowed; expected a finite number`);
    values[name] = column.reduce((sum, v) => sum + v, 0) / column.length;
  });
  return { values };
}

/**
 * The constant prediction learnt from the target values of the training rows (a multi-output regression: each
 * row's target cells, in `output.targets` order).
 */
export function constantPrediction(manifest: Manifest, targets: readonly (string | readonly string[])[], source: string): Prediction {
  if (targets.length === 0) throw new EvaluationError(`${source}: has no rows to compute the trivial baseline from`);
  const names = regressionTargets(manifest);
  if (names !== undefined) return meanValues(names, targets.map((t) => (typeof t === 'string' ? [t] : t)), source);
  if (targets.some((t) => typeof t !== 'string')) throw new RangeError('a single-target baseline needs one target cell per row');
  return constantOf(manifest, targets as readonly string[], source);
}

function constantOf(manifest: Manifest, targets: readonly string[], source: string): Prediction {
  const labels = labelsOf(manifest);
  if (labels === undefined) {
    const values = targets.map((t) => Number(t.trim()));
    const bad = targets.find((_, i) => !Number.isFinite(values[i]) || targets[i].trim() === '');
    if (bad !== undefined) throw new EvaluationError(`${source}: target ${JSON.stringify(bad)} is not allowed; expected a finite number`);
    return { value: values.reduce((sum, v) => sum + v, 0) / values.length };
  }
  const counts = new Map<string, number>(labels.map((label) => [label, 0]));
  for (const target of targets) {
    const count = counts.get(target.trim());
    if (count === undefined) throw new EvaluationError(`${source}: target ${JSON.stringify(target)} is not allowed; expected one of ${labels.join(', ')}`);
    counts.set(target.trim(), count + 1);
  }
  const probabilities = Object.fromEntries(labels.map((label) => [label, (counts.get(label) ?? 0) / targets.length]));
  // The first label in manifest order wins a tie, as the runtime's argmax.
  const label = labels.reduce((best, l) => (probabilities[l] > probabilities[best] ? l : best), labels[0]);
  return { label, probabilities };
}

/** Reads the target column of a CSV file (the training data). */
export async function readTargets(path: string, manifest: Manifest, target: string): Promise<Array<string | string[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EvaluationError(`evaluation.training: ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected the training CSV with the target column`);
  }
  const rows = parseCsv(text, manifest);
  if (rows.length > 0 && !(target in rows[0])) {
    throw new EvaluationError(`${path}: has no column ${JSON.stringify(target)}; its columns are ${Object.keys(rows[0]).join(', ')}`);
  }
  const names = regressionTargets(manifest);
  if (names !== undefined) {
    const missing = rows.length === 0 ? undefined : names.find((n) => !(n in rows[0]));
    if (missing !== undefined) throw new EvaluationError(`${path}: has no column ${JSON.stringify(missing)}; its columns are ${Object.keys(rows[0]).join(', ')}`);
    return rows.map((row) => names.map((n) => row[n]));
  }
  return rows.map((row) => row[target]);
}

/** Scores the constant prediction on the evaluated rows. */
export function trivialBaseline(manifest: Manifest, prediction: Prediction, truth: readonly Truth[], source: string): TrivialBaseline {
  const description =
    'value' in prediction
      ? `predicts the training mean (${prediction.value.toPrecision(6)}) for every row`
      : 'values' in prediction
        ? `predicts the training mean of each target for every row`
        : `predicts the most frequent training label "${prediction.label}" for every row, with the training label frequencies as probabilities`;
  return { description, source, prediction, metrics: metricsOf(manifest, truth, truth.map(() => prediction)) };
}
