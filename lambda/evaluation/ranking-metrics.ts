/**
 * Binary ranking and calibration: ROC AUC, average precision (PR AUC), the ROC and PR curves, and the reliability
 * curve, with scikit-learn's definitions (`roc_auc_score`, `average_precision_score`, `calibration_curve` with 10
 * uniform bins).
 */

/** One point of a curve: ROC (false positive rate, true positive rate) or PR (recall, precision). */
export interface CurvePoint {
  readonly x: number;
  readonly y: number;
}

/** One non-empty bin of the reliability curve. */
export interface CalibrationBin {
  /** 0-based bin: `edges[bin] < p <= edges[bin + 1]` with edges k * 0.1 (bin 0 also holds 0). */
  readonly bin: number;
  readonly count: number;
  /** Mean predicted probability of the positive label in the bin. */
  readonly meanPredicted: number;
  /** Share of the bin's rows that are positive. */
  readonly fractionPositive: number;
}

/** Number of uniform bins of the reliability curve. */
export const CALIBRATION_BINS = 10;

/** Cumulative true and false positives at each distinct score, from the highest score down. */
interface Steps {
  readonly tp: number[];
  readonly fp: number[];
  readonly positives: number;
  readonly negatives: number;
}

function stepsOf(scores: Float64Array, isPositive: readonly boolean[]): Steps {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
  const tp: number[] = [];
  const fp: number[] = [];
  let t = 0;
  let f = 0;
  order.forEach((row, i) => {
    if (isPositive[row]) t++;
    else f++;
    const next = order[i + 1];
    if (next === undefined || scores[next] !== scores[row]) {
      tp.push(t);
      fp.push(f);
    }
  });
  return { tp, fp, positives: t, negatives: f };
}

/** Area under the ROC curve (trapezoids, so tied scores count 1/2); 0 when a class is absent. */
export function rocAuc(scores: Float64Array, isPositive: readonly boolean[]): number {
  const { tp, fp, positives, negatives } = stepsOf(scores, isPositive);
  if (positives === 0 || negatives === 0) return 0;
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  tp.forEach((t, i) => {
    area += (fp[i] - prevFp) * (t + prevTp) / 2;
    prevTp = t;
    prevFp = fp[i];
  });
  return area / (positives * negatives);
}

/** Average precision: sum over thresholds of (R_n - R_{n-1}) P_n; 0 without positive rows. */
export function averagePrecision(scores: Float64Array, isPositive: readonly boolean[]): number {
  const { tp, fp, positives } = stepsOf(scores, isPositive);
  if (positives === 0) return 0;
  let ap = 0;
  let prevRecall = 0;
  tp.forEach((t, i) => {
    const recall = t / positives;
    ap += (recall - prevRecall) * (t / (t + fp[i]));
    prevRecall = recall;
  });
  return ap;
}

/** Most points kept of a curve (a report plots it; a huge data set must not make a huge evaluation.json). */
export const MAX_CURVE_POINTS = 400;

/** Keeps at most {@link MAX_CURVE_POINTS} evenly spaced points, always the first and the last. */
function thin(points: CurvePoint[]): CurvePoint[] {
  if (points.length <= MAX_CURVE_POINTS) return points;
  const step = (points.length - 1) / (MAX_CURVE_POINTS - 1);
  return Array.from({ length: MAX_CURVE_POINTS }, (_, i) => points[Math.round(i * step)]);
}

/** The ROC curve from (0, 0) to (1, 1), one point per distinct score (thinned). */
export function rocCurve(scores: Float64Array, isPositive: readonly boolean[]): CurvePoint[] {
  const { tp, fp, positives, negatives } = stepsOf(scores, isPositive);
  const points: CurvePoint[] = [{ x: 0, y: 0 }];
  tp.forEach((t, i) => points.push({ x: negatives === 0 ? 0 : fp[i] / negatives, y: positives === 0 ? 0 : t / positives }));
  return thin(points);
}

/** The precision-recall curve, from recall 0 (precision 1) up, one point per distinct score. */
export function prCurve(scores: Float64Array, isPositive: readonly boolean[]): CurvePoint[] {
  const { tp, fp, positives } = stepsOf(scores, isPositive);
  const points: CurvePoint[] = [{ x: 0, y: 1 }];
  tp.forEach((t, i) => points.push({ x: positives === 0 ? 0 : t / positives, y: t / (t + fp[i]) }));
  return thin(points);
}

/** The bin edges: numpy.linspace(0, 1, 11), i.e. k * 0.1 with the last exactly 1. */
export function calibrationEdges(): number[] {
  return Array.from({ length: CALIBRATION_BINS + 1 }, (_, k) => (k === CALIBRATION_BINS ? 1 : k * (1 / CALIBRATION_BINS)));
}

/** The reliability curve: for each non-empty bin, its mean predicted probability and share of positives. */
export function calibrationCurve(scores: Float64Array, isPositive: readonly boolean[]): CalibrationBin[] {
  const inner = calibrationEdges().slice(1, -1);
  const count = new Array<number>(CALIBRATION_BINS).fill(0);
  const sum = new Array<number>(CALIBRATION_BINS).fill(0);
  const positives = new Array<number>(CALIBRATION_BINS).fill(0);
  scores.forEach((p, row) => {
    const bin = inner.filter((edge) => edge < p).length;
    count[bin]++;
    sum[bin] += p;
    if (isPositive[row]) positives[bin]++;
  });
  return count.flatMap((n, bin) => (n === 0 ? [] : [{ bin, count: n, meanPredicted: sum[bin] / n, fractionPositive: positives[bin] / n }]));
}
