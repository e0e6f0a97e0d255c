/**
 * Classification metrics over scored rows, with scikit-learn's definitions (see `examples/README.md`,
 * "Reference metrics"): accuracy; per-class precision, recall, F1 (`zero_division=0`); macro and weighted averages
 * over every label; the confusion matrix; log loss; multiclass Brier score; and for a binary model the
 * positive-class Brier score, ROC AUC, PR AUC (average precision) and the reliability curve.
 */
import { averagePrecision, calibrationCurve, rocAuc, type CalibrationBin, type CurvePoint, prCurve, rocCurve } from './ranking-metrics';

/** Probabilities are clipped to [eps, 1 - eps] before the log, as sklearn's `log_loss`. */
export const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/** Scored rows of a classifier: the true label index and the probability row, in the manifest's label order. */
export interface ScoredClassRows {
  readonly labels: readonly string[];
  /** Index into `labels` of each row's true label. */
  readonly truth: readonly number[];
  /** Row-major `[rows, labels]` probabilities as the model returned them (float32 values read as float64). */
  readonly probabilities: Float64Array;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose true label is this class (for averages: all rows). */
  readonly support: number;
}

export interface ConfusionMatrix {
  readonly labels: readonly string[];
  /** `matrix[i][j]`: rows whose true label is `labels[i]` and predicted label `labels[j]`. */
  readonly matrix: readonly (readonly number[])[];
}

/** Binary only: the ranking and calibration figures for the positive label. */
export interface BinaryMetrics {
  readonly positiveLabel: string;
  /** Mean of (p_positive - [is positive])². */
  readonly brierPositive: number;
  readonly rocAuc: number;
  /** PR AUC as average precision (step-wise, no interpolation). */
  readonly prAuc: number;
  readonly rocCurve: readonly CurvePoint[];
  readonly prCurve: readonly CurvePoint[];
  /** Reliability curve: 10 uniform bins, non-empty bins only. */
  readonly calibration: readonly CalibrationBin[];
}

export interface ClassificationMetrics {
  readonly task: 'classification';
  readonly rows: number;
  readonly accuracy: number;
  readonly perClass: Readonly<Record<string, ClassScores>>;
  readonly macro: ClassScores;
  readonly weighted: ClassScores;
  readonly confusionMatrix: ConfusionMatrix;
  readonly logLoss: number;
  /** Mean over rows of the sum over labels of (p - one-hot)²; 0..2. */
  readonly brier: number;
  readonly binary?: BinaryMetrics;
}

/** The predicted label index: the largest probability, the first label on a tie (as the runtime predicts). */
export function argmax(probabilities: Float64Array, row: number, k: number): number {
  let best = 0;
  let bestP = -Infinity;
  for (let c = 0; c < k; c++) {
    const p = probabilities[row * k + c];
    if (p > bestP) {
      bestP = p;
      best = c;
    }
  }
  return best;
}

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);

function confusionOf(rows: ScoredClassRows): number[][] {
  const k = rows.labels.length;
  const matrix = rows.labels.map(() => new Array<number>(k).fill(0));
  rows.truth.forEach((t, row) => {
    matrix[t][argmax(rows.probabilities, row, k)]++;
  });
  return matrix;
}

function scoresOf(matrix: readonly (readonly number[])[], c: number): ClassScores {
  const tp = matrix[c][c];
  const support = matrix[c].reduce((sum, n) => sum + n, 0);
  const predicted = matrix.reduce((sum, row) => sum + row[c], 0);
  const precision = ratio(tp, predicted);
  const recall = ratio(tp, support);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { precision, recall, f1, support };
}

function averageOf(scores: readonly ClassScores[], weights: readonly number[], rows: number): ClassScores {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const mean = (pick: (s: ClassScores) => number) => ratio(scores.reduce((sum, s, i) => sum + pick(s) * weights[i], 0), total);
  return { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1), support: rows };
}

/**
 * The labels macro averages are taken over: `all` the model's labels (scikit-learn's `labels=labels`), or those
 * `present` in the rows' truth or predictions (scikit-learn without `labels=`), for slices: a slice holding one
 * class is then not averaged with classes it cannot contain.
 */
export type MacroLabels = 'all' | 'present';

/**
 * Every classification metric over `rows`. A binary model (two labels) also gets the positive-label figures;
 * the positive label is `positiveLabel`, by default the manifest's first label. Macro averages are over
 * `macroOver` labels.
 * @throws RangeError when there are no rows
 */
export function classificationMetrics(rows: ScoredClassRows, positiveLabel: string = rows.labels[0], macroOver: MacroLabels = 'all'): ClassificationMetrics {
  const n = rows.truth.length;
  if (n === 0) throw new RangeError('classification metrics need at least one row');
  const { labels, truth, probabilities } = rows;
  const k = labels.length;
  const matrix = confusionOf(rows);
  const correct = matrix.reduce((sum, row, i) => sum + row[i], 0);
  const scores = labels.map((_, c) => scoresOf(matrix, c));
  let logLoss = 0;
  let brier = 0;
  for (let row = 0; row < n; row++) {
    const p = Math.min(Math.max(probabilities[row * k + truth[row]], LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    logLoss -= Math.log(p);
    for (let c = 0; c < k; c++) brier += (probabilities[row * k + c] - (c === truth[row] ? 1 : 0)) ** 2;
  }
  return {
    task: 'classification',
    rows: n,
    accuracy: correct / n,
    perClass: Object.fromEntries(labels.map((label, c) => [label, scores[c]])),
    macro: averageOf(scores, labels.map((_, c) => (macroOver === 'all' || scores[c].support > 0 || matrix.some((row) => row[c] > 0) ? 1 : 0)), n),
    weighted: averageOf(scores, scores.map((s) => s.support), n),
    confusionMatrix: { labels, matrix },
    logLoss: logLoss / n,
    brier: brier / n,
    ...(k === 2 ? { binary: binaryMetrics(rows, positiveLabel) } : {}),
  };
}

function binaryMetrics(rows: ScoredClassRows, positiveLabel: string): BinaryMetrics {
  const positive = rows.labels.indexOf(positiveLabel);
  if (positive < 0) throw new RangeError(`positive label "${positiveLabel}" is not one of the labels ${rows.labels.join(', ')}`);
  const n = rows.truth.length;
  const scores = new Float64Array(n);
  const isPositive = new Array<boolean>(n);
  let brier = 0;
  for (let row = 0; row < n; row++) {
    scores[row] = rows.probabilities[row * 2 + positive];
    isPositive[row] = rows.truth[row] === positive;
    brier += (scores[row] - (isPositive[row] ? 1 : 0)) ** 2;
  }
  return {
    positiveLabel,
    brierPositive: brier / n,
    rocAuc: rocAuc(scores, isPositive),
    prAuc: averagePrecision(scores, isPositive),
    rocCurve: rocCurve(scores, isPositive),
    prCurve: prCurve(scores, isPositive),
    calibration: calibrationCurve(scores, isPositive),
  };
}
