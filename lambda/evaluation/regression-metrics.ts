/**
 * Regression metrics with scikit-learn's definitions: MAE, RMSE, R² and MAPE (a fraction, over the rows whose
 * target is not 0; the skipped rows are counted, never hidden).
 */

export interface RegressionMetrics {
  readonly task: 'regression';
  readonly rows: number;
  readonly mae: number;
  readonly rmse: number;
  /** 1 - SS_res / SS_tot; when every target is the same: 1 if every prediction is exact, else 0 (sklearn's force_finite). */
  readonly r2: number;
  /** Mean of |y - ŷ| / |y| over the rows with y ≠ 0 (a fraction, not a percentage); null when every target is 0. */
  readonly mape: number | null;
  /** Rows left out of MAPE because their target is 0. */
  readonly mapeRowsSkipped: number;
  /**
   * A multi-output regression: each target's metrics; the figures above are then their unweighted means (as
   * scikit-learn's `multioutput="uniform_average"`; RMSE the mean of the targets' RMSEs, MAPE null if any is null,
   * rows skipped summed).
   */
  readonly perTarget?: Readonly<Record<string, RegressionMetrics>>;
}

/** Each target's metrics and their means: `actual[i]` and `predicted[i]` are row i's values in `targets` order. */
export function multiOutputMetrics(targets: readonly string[], actual: readonly (readonly number[])[], predicted: readonly (readonly number[])[]): RegressionMetrics {
  const perTarget = Object.fromEntries(
    targets.map((target, j) => [target, regressionMetrics(actual.map((row) => row[j]), predicted.map((row) => row[j]))]),
  );
  const each = Object.values(perTarget);
  const mean = (pick: (m: RegressionMetrics) => number): number => each.reduce((sum, m) => sum + pick(m), 0) / each.length;
  const mapes = each.map((m) => m.mape);
  return {
    task: 'regression',
    rows: actual.length,
    mae: mean((m) => m.mae),
    rmse: mean((m) => m.rmse),
    r2: mean((m) => m.r2),
    mape: mapes.some((m) => m === null) ? null : mean((m) => m.mape as number),
    mapeRowsSkipped: each.reduce((sum, m) => sum + m.mapeRowsSkipped, 0),
    perTarget,
  };
}

/** Points of the predicted-vs-actual and residual plots. */
export interface RegressionPoint {
  readonly actual: number;
  readonly predicted: number;
}

/**
 * Every regression metric over `actual` and `predicted` (same length).
 * @throws RangeError when there are no rows or the lengths differ
 */
export function regressionMetrics(actual: readonly number[], predicted: readonly number[]): RegressionMetrics {
  const n = actual.length;
  if (n === 0) throw new RangeError('regression metrics need at least one row');
  if (predicted.length !== n) throw new RangeError(`got ${predicted.length} predictions for ${n} targets`);
  const mean = actual.reduce((sum, y) => sum + y, 0) / n;
  let absolute = 0;
  let squared = 0;
  let total = 0;
  let percentage = 0;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const error = actual[i] - predicted[i];
    absolute += Math.abs(error);
    squared += error * error;
    total += (actual[i] - mean) ** 2;
    if (actual[i] === 0) skipped++;
    else percentage += Math.abs(error) / Math.abs(actual[i]);
  }
  const r2 = total === 0 ? (squared === 0 ? 1 : 0) : 1 - squared / total;
  return {
    task: 'regression',
    rows: n,
    mae: absolute / n,
    rmse: Math.sqrt(squared / n),
    r2,
    mape: skipped === n ? null : percentage / (n - skipped),
    mapeRowsSkipped: skipped,
  };
}
