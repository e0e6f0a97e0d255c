/**
 * The metrics by name, as the manifest's minimums, `--metric` and the verdict refer to them, and which way is
 * better for each. A minimum on an error metric (`logLoss`, `rmse`, ...) is a ceiling.
 */
import type { ClassificationMetrics, ClassScores } from './classification-metrics';
import type { RegressionMetrics } from './regression-metrics';

export type Metrics = ClassificationMetrics | RegressionMetrics;

/** Whole-model classification metrics by name. */
export const CLASSIFICATION_METRICS = [
  'accuracy',
  'macroPrecision',
  'macroRecall',
  'macroF1',
  'weightedPrecision',
  'weightedRecall',
  'weightedF1',
  'logLoss',
  'brier',
  'brierPositive',
  'rocAuc',
  'prAuc',
] as const;
/** Whole-model regression metrics by name. */
export const REGRESSION_METRICS = ['mae', 'rmse', 'r2', 'mape'] as const;
/** Per-class metrics by name (`minimumPerClass`). */
export const CLASS_METRICS = ['precision', 'recall', 'f1'] as const;

export type MetricName = (typeof CLASSIFICATION_METRICS)[number] | (typeof REGRESSION_METRICS)[number];
export type ClassMetricName = (typeof CLASS_METRICS)[number];

/** Metrics where lower is better: their "minimum" is a ceiling. */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set(['logLoss', 'brier', 'brierPositive', 'mae', 'rmse', 'mape']);
/** Metrics only binary classifiers have. */
export const BINARY_ONLY: ReadonlySet<string> = new Set(['brierPositive', 'rocAuc', 'prAuc']);

/** Whether a larger value of `metric` is better. */
export function higherIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

/** The metrics a task has, by name. */
export function metricsOfTask(task: 'classification' | 'regression', binary: boolean): readonly MetricName[] {
  if (task === 'regression') return REGRESSION_METRICS;
  return binary ? CLASSIFICATION_METRICS : CLASSIFICATION_METRICS.filter((m) => !BINARY_ONLY.has(m));
}

/** Whether `name` is a whole-model metric name. */
export function isMetricName(name: string): name is MetricName {
  return (CLASSIFICATION_METRICS as readonly string[]).includes(name) || (REGRESSION_METRICS as readonly string[]).includes(name);
}

/** The value of `metric`, or undefined when the metrics do not have it (a binary metric of a multiclass model). */
export function metricValue(metrics: Metrics, metric: MetricName): number | undefined {
  if (metrics.task === 'regression') {
    switch (metric) {
      case 'mae':
        return metrics.mae;
      case 'rmse':
        return metrics.rmse;
      case 'r2':
        return metrics.r2;
      case 'mape':
        return metrics.mape ?? undefined;
      default:
        return undefined;
    }
  }
  const averages: Record<string, [ClassScores, keyof ClassScores]> = {
    macroPrecision: [metrics.macro, 'precision'],
    macroRecall: [metrics.macro, 'recall'],
    macroF1: [metrics.macro, 'f1'],
    weightedPrecision: [metrics.weighted, 'precision'],
    weightedRecall: [metrics.weighted, 'recall'],
    weightedF1: [metrics.weighted, 'f1'],
  };
  const average = averages[metric];
  if (average !== undefined) return average[0][average[1]];
  switch (metric) {
    case 'accuracy':
      return metrics.accuracy;
    case 'logLoss':
      return metrics.logLoss;
    case 'brier':
      return metrics.brier;
    case 'brierPositive':
      return metrics.binary?.brierPositive;
    case 'rocAuc':
      return metrics.binary?.rocAuc;
    case 'prAuc':
      return metrics.binary?.prAuc;
    default:
      return undefined;
  }
}

/** The default key metric for ranking, baselines and `compare`: macro F1, or RMSE for a regressor. */
export function defaultKeyMetric(task: 'classification' | 'regression'): MetricName {
  return task === 'regression' ? 'rmse' : 'macroF1';
}

/** Whether `a` is better than `b` on `metric` (strictly). */
export function isBetter(metric: string, a: number, b: number): boolean {
  return higherIsBetter(metric) ? a > b : a < b;
}
