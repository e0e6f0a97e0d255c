/**
 * Feature drift of a window against the training profile:
 *
 * - PSI (population stability index) of a numeric feature over the training quantile bins:
 *   `sum over bins of (live - train) * ln(live / train)`, shares of the non-missing values. An empty bin on either
 *   side would make the log infinite, so a share below {@link PSI_EPSILON} counts as {@link PSI_EPSILON} (the
 *   usual practice; at 1e-4 an empty bin next to a 10% training bin adds about 0.69, enough to flag a bin that
 *   empties without letting one stray value dominate).
 * - The unseen-category share of a categorical feature: live values not seen in training, of the non-missing values.
 * - The missing share of every feature, of all live values.
 *
 * Common reading of PSI: below 0.1 stable, 0.1 to 0.2 a moderate shift, above 0.2 a significant shift (the default
 * alarm threshold).
 */
import type { Manifest } from '../core/manifest';
import { featureColumns, type RawValue } from './feature-values';
import { binShares, type TrainingProfile } from './training-profile';

/** The share an empty bin counts as in PSI. */
export const PSI_EPSILON = 1e-4;

/** Drift of one feature in one window. */
export interface FeatureDrift {
  /** Live values (missing included). */
  readonly values: number;
  /** Missing values over all live values. */
  readonly missingShare: number;
  /** Numeric features with at least one non-missing live value: PSI against the training bins. */
  readonly psi?: number;
  /** Categorical features with at least one non-missing live value: share of values unseen in training. */
  readonly unseenCategoryShare?: number;
}

/** PSI between training and live shares of the same bins (see {@link PSI_EPSILON}). */
export function populationStabilityIndex(train: readonly number[], live: readonly number[]): number {
  if (train.length !== live.length) throw new RangeError(`PSI needs the same bins on both sides, got ${train.length} and ${live.length}`);
  let psi = 0;
  for (let i = 0; i < train.length; i++) {
    const t = Math.max(train[i], PSI_EPSILON);
    const l = Math.max(live[i], PSI_EPSILON);
    psi += (l - t) * Math.log(l / t);
  }
  return psi;
}

function driftOf(profile: TrainingProfile['features'][string], column: readonly RawValue[]): FeatureDrift {
  const present = column.filter((v): v is number | string => v !== undefined);
  const base = { values: column.length, missingShare: column.length === 0 ? 0 : (column.length - present.length) / column.length };
  if (present.length === 0) return base;
  if (profile.kind === 'numeric') {
    const numbers = present.filter((v): v is number => typeof v === 'number');
    return { ...base, psi: populationStabilityIndex(profile.binShares, binShares(profile.edges, numbers)) };
  }
  const unseen = present.filter((v) => !(String(v) in profile.categoryShares)).length;
  return { ...base, unseenCategoryShare: unseen / present.length };
}

/**
 * Drift of every profiled feature over `instances` (objects keyed by feature name or arrays in feature order, or
 * CSV cells), keyed by feature name in manifest order.
 */
export function featureDrift(manifest: Manifest, profile: TrainingProfile, instances: readonly unknown[]): Record<string, FeatureDrift> {
  const columns = featureColumns(manifest, instances);
  const drift: Record<string, FeatureDrift> = {};
  manifest.input.features.forEach((feature, f) => {
    const trained = profile.features[feature.name];
    if (trained !== undefined && !notCaptured(feature.name, instances)) drift[feature.name] = driftOf(trained, columns[f]);
  });
  return drift;
}

/**
 * Whether every instance is an object without the feature's key: a feature kept out of capture, which is not
 * missing (a missing value is captured as `null`) and has no drift to measure.
 */
function notCaptured(name: string, instances: readonly unknown[]): boolean {
  return instances.length > 0 && instances.every((i) => typeof i === 'object' && i !== null && !Array.isArray(i) && !Object.hasOwn(i, name));
}
