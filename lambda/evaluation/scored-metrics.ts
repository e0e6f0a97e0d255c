/**
 * From predictions and truths to metrics: the bridge between the runtime's predictions and the metric functions.
 */
import { regressionTargets, type Manifest } from '../core/manifest';
import type { Prediction } from '../core/types';
import { classificationMetrics, type MacroLabels } from './classification-metrics';
import type { Metrics } from './metric-names';
import { multiOutputMetrics, regressionMetrics } from './regression-metrics';

/** A row's truth: a label, a value, or a multi-output regression's values in `output.targets` order. */
export type Truth = string | number | readonly number[];

/** The labels of a classifier, or undefined for a regressor. */
export function labelsOf(manifest: Manifest): readonly string[] | undefined {
  return manifest.task === 'regression' ? undefined : manifest.output.labels;
}

/** The positive label of a binary classifier: `evaluation.positiveLabel`, else {@link defaultPositiveLabel}. */
export function positiveLabelOf(manifest: Manifest): string | undefined {
  if (manifest.task !== 'binary-classification') return undefined;
  return manifest.evaluation?.positiveLabel ?? defaultPositiveLabel(manifest.output.labels);
}

/**
 * The positive label when the manifest names none: as scikit-learn's `pos_label=1` for labels that read as 0/1
 * (or -1/1), "true" for false/true (any case); else the first label (the manifest lists it first on purpose).
 */
export function defaultPositiveLabel(labels: readonly string[]): string {
  const one = labels.find((label) => /^\+?1(?:\.0*)?$/.test(label.trim()));
  const other = labels.find((label) => label !== one);
  if (one !== undefined && other !== undefined && /^(?:0|-1)(?:\.0*)?$/.test(other.trim())) return one;
  const truthy = labels.find((label) => label.trim().toLowerCase() === 'true');
  if (truthy !== undefined && labels.some((label) => label.trim().toLowerCase() === 'false')) return truthy;
  return labels[0];
}

/**
 * Every metric of the task over the rows (`truth[i]` is the truth of `predictions[i]`).
 * @throws RangeError when a prediction does not fit the task
 */
export function metricsOf(manifest: Manifest, truth: readonly Truth[], predictions: readonly Prediction[], macroOver: MacroLabels = 'all'): Metrics {
  const targets = regressionTargets(manifest);
  if (targets !== undefined) {
    const predicted = predictions.map((p) => {
      if (!('values' in p)) throw new RangeError('a multi-output regression evaluation needs predictions with values per target');
      return targets.map((t) => p.values[t]);
    });
    const actual = truth.map((t) => {
      if (!Array.isArray(t)) throw new RangeError('a multi-output regression evaluation needs a value per target for each row');
      return t as readonly number[];
    });
    return multiOutputMetrics(targets, actual, predicted);
  }
  const labels = labelsOf(manifest);
  if (labels === undefined) {
    const predicted = predictions.map((p) => {
      if (!('value' in p)) throw new RangeError('a regression evaluation needs value predictions');
      return p.value;
    });
    return regressionMetrics(truth.map(Number), predicted);
  }
  const k = labels.length;
  const probabilities = new Float64Array(predictions.length * k);
  predictions.forEach((p, row) => {
    if (!('probabilities' in p)) throw new RangeError('a classification evaluation needs probabilities');
    labels.forEach((label, c) => (probabilities[row * k + c] = p.probabilities[label]));
  });
  const index = truth.map((t) => labels.indexOf(String(t)));
  return classificationMetrics({ labels, truth: index, probabilities }, positiveLabelOf(manifest), macroOver);
}
