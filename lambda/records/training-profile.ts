/**
 * The training profile: how each feature was distributed in the training data, the reference live drift is
 * measured against. Computed once from the training CSV by `modelstack init` and `modelstack evaluate` (never
 * typed in) and stored beside the model as `profile.json`.
 *
 * - A numeric feature (`number`, `integer`): the inner edges of its {@link DEFAULT_PROFILE_BINS} quantile bins
 *   (bin i holds values v with edges[i-1] < v <= edges[i]; the first and last bins are open), the training share
 *   of the non-missing values in each bin, and the missing share of all rows. Ties can merge quantiles: the edges
 *   are distinct, so a feature may have fewer bins.
 * - A category (`category`, `boolean`): each category's share of the non-missing values, and the missing share.
 */
import { z } from 'zod';
import type { Manifest } from '../core/manifest';
import { featureColumns, isNumericFeature, type RawValue } from './feature-values';

/** Name of the profile file beside `model.json`. */
export const PROFILE_FILE = 'profile.json';
/** Quantile bins per numeric feature, by default: deciles. */
export const DEFAULT_PROFILE_BINS = 10;

const share = z.number().min(0).max(1);

const NumericProfileSchema = z.strictObject({
  kind: z.literal('numeric'),
  /** Inner bin edges, ascending and distinct: `edges.length + 1` bins. */
  edges: z.array(z.number()),
  /** Training share of the non-missing values per bin (`edges.length + 1` entries, summing to 1). */
  binShares: z.array(share),
  missingShare: share,
});

const CategoricalProfileSchema = z.strictObject({
  kind: z.literal('categorical'),
  /** Training share of the non-missing values per category seen in training. */
  categoryShares: z.record(z.string(), share),
  missingShare: share,
});

export const FeatureProfileSchema = z.discriminatedUnion('kind', [NumericProfileSchema, CategoricalProfileSchema]);

export const TrainingProfileSchema = z.strictObject({
  schemaVersion: z.literal(1),
  /** The model the profile belongs to. */
  model: z.strictObject({ name: z.string(), version: z.string() }),
  /** The training CSV: its name as the manifest gives it, its SHA-256 and its rows. */
  data: z.strictObject({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), rows: z.number().int().min(1) }),
  bins: z.number().int().min(2),
  /** Per feature name, in manifest order. */
  features: z.record(z.string(), FeatureProfileSchema),
});

export type NumericProfile = z.output<typeof NumericProfileSchema>;
export type CategoricalProfile = z.output<typeof CategoricalProfileSchema>;
export type FeatureProfile = z.output<typeof FeatureProfileSchema>;
export type TrainingProfile = z.output<typeof TrainingProfileSchema>;

/** The bin of `value` among `edges` (see the module comment): the first edge at or above it. */
export function binOf(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The `q` quantile of sorted values, linearly interpolated (numpy's default). */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Shares of the non-missing values per bin of `edges`. */
export function binShares(edges: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) counts[binOf(edges, value)]++;
  return counts.map((count) => (values.length === 0 ? 0 : count / values.length));
}

/** Shares of each value among `values`, keys sorted. */
export function categoryShares(values: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return Object.fromEntries([...counts.keys()].sort().map((key) => [key, (counts.get(key) as number) / values.length]));
}

function profileColumn(numeric: boolean, column: readonly RawValue[], bins: number): FeatureProfile {
  const present = column.filter((v): v is number | string => v !== undefined);
  const missingShare = column.length === 0 ? 0 : (column.length - present.length) / column.length;
  if (!numeric) return { kind: 'categorical', categoryShares: categoryShares(present.map(String)), missingShare };
  const sorted = (present as number[]).slice().sort((a, b) => a - b);
  const edges = sorted.length === 0 ? [] : [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantile(sorted, (i + 1) / bins)))];
  // A top edge equal to the maximum would leave the last bin empty in training: drop it.
  if (edges.length > 0 && edges[edges.length - 1] >= sorted[sorted.length - 1]) edges.pop();
  return { kind: 'numeric', edges, binShares: binShares(edges, sorted), missingShare };
}

/** What a profile is computed from: the training rows as CSV cells, and where they came from. */
export interface ProfileInput {
  /** Rows keyed by column (CSV text), with at least the manifest's features. */
  readonly rows: readonly Readonly<Record<string, string>>[];
  /** The file as the manifest names it. */
  readonly file: string;
  /** SHA-256 of the file's bytes. */
  readonly sha256: string;
  /** @default DEFAULT_PROFILE_BINS */
  readonly bins?: number;
}

/**
 * The profile of every feature of `manifest` over the training rows.
 * @throws RangeError when there are no rows or fewer than 2 bins
 */
export function computeProfile(manifest: Manifest, input: ProfileInput): TrainingProfile {
  const bins = input.bins ?? DEFAULT_PROFILE_BINS;
  if (input.rows.length === 0) throw new RangeError(`the training data ${input.file} has no rows to profile`);
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`bins must be a whole number of at least 2, got ${bins}`);
  const columns = featureColumns(manifest, input.rows);
  const features = Object.fromEntries(manifest.input.features.map((feature, f) => [feature.name, profileColumn(isNumericFeature(feature), columns[f], bins)]));
  return {
    schemaVersion: 1,
    model: { name: manifest.name, version: manifest.version },
    data: { file: input.file, sha256: input.sha256, rows: input.rows.length },
    bins,
    features,
  };
}

/** The profile's JSON as written to `profile.json`. */
export function serializeProfile(profile: TrainingProfile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}
