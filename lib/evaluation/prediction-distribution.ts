/**
 * What a model predicts over a data set, summarised: the share of each label (classification) or the mean and
 * standard deviation of the predicted value (regression). The evaluation report records it, and the monitoring
 * drift alarms are set around it.
 */
import type { Prediction } from '../../lambda/core/types';

/** The prediction distribution of a classifier: each label's share of the predictions. */
export interface LabelDistribution {
  readonly task: 'classification';
  /** How many predictions it summarises. */
  readonly rows: number;
  /** Share (0–1) of the predictions that are each label; every label of the manifest is present, summing to 1. */
  readonly labelShares: Readonly<Record<string, number>>;
}

/** The prediction distribution of a regressor: mean and (population) standard deviation of the predicted values. */
export interface ValueDistribution {
  readonly task: 'regression';
  /** How many predictions it summarises. */
  readonly rows: number;
  readonly mean: number;
  readonly std: number;
  /**
   * A multi-output regression: each target's mean and standard deviation (each target gets its own drift band);
   * `mean` and `std` above are then the first target's.
   */
  readonly perTarget?: Readonly<Record<string, { readonly mean: number; readonly std: number }>>;
}

export type PredictionDistribution = LabelDistribution | ValueDistribution;

/** Mean and population standard deviation. */
function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Summarises `predictions`. For a classifier, `labels` lists every label of the manifest (labels never predicted
 * get share 0); for a regressor, pass `undefined` (and a multi-output regression's `targets`).
 * @throws RangeError when there are no predictions, or a predicted label is not in `labels`
 */
export function distributionOf(predictions: readonly Prediction[], labels: readonly string[] | undefined, targets?: readonly string[]): PredictionDistribution {
  if (predictions.length === 0) throw new RangeError('a prediction distribution needs at least one prediction');
  if (targets !== undefined) {
    const perTarget = Object.fromEntries(
      targets.map((target) => {
        const values = predictions.map((p) => {
          if (!('values' in p)) throw new RangeError('a multi-output distribution needs predictions with values per target');
          return p.values[target];
        });
        return [target, meanAndStd(values)];
      }),
    );
    return { task: 'regression', rows: predictions.length, ...perTarget[targets[0]], perTarget };
  }
  if (labels === undefined) {
    const values = predictions.map((p) => {
      if (!('value' in p)) throw new RangeError('a regression distribution needs value predictions, got a label');
      return p.value;
    });
    return { task: 'regression', rows: values.length, ...meanAndStd(values) };
  }
  const counts = new Map<string, number>(labels.map((label) => [label, 0]));
  for (const p of predictions) {
    if (!('label' in p)) throw new RangeError('a classification distribution needs label predictions, got a value');
    const count = counts.get(p.label);
    if (count === undefined) throw new RangeError(`predicted label ${JSON.stringify(p.label)} is not one of the labels ${labels.join(', ')}`);
    counts.set(p.label, count + 1);
  }
  const labelShares = Object.fromEntries(labels.map((label) => [label, (counts.get(label) ?? 0) / predictions.length]));
  return { task: 'classification', rows: predictions.length, labelShares };
}
