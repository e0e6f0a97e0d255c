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
}

export type PredictionDistribution = LabelDistribution | ValueDistribution;

/**
 * Summarises `predictions`. For a classifier, `labels` lists every label of the manifest (labels never predicted
 * get share 0); for a regressor, pass `undefined`.
 * @throws RangeError when there are no predictions, or a predicted label is not in `labels`
 */
export function distributionOf(predictions: readonly Prediction[], labels: readonly string[] | undefined): PredictionDistribution {
  if (predictions.length === 0) throw new RangeError('a prediction distribution needs at least one prediction');
  if (labels === undefined) {
    const values = predictions.map((p) => {
      if (!('value' in p)) throw new RangeError('a regression distribution needs value predictions, got a label');
      return p.value;
    });
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    return { task: 'regression', rows: values.length, mean, std: Math.sqrt(variance) };
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
