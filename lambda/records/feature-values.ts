/**
 * The raw feature values of instances, before the preparer fills missing values, scales and encodes: what the
 * training profile is computed from and what live drift is compared on. A number (`number`, `integer` features),
 * a category as text (`category`, and `boolean` as `"true"`/`"false"`), or `undefined` for a missing value.
 *
 * Instances take the runtime's own forms: objects keyed by feature name or arrays in feature order (JSON), or CSV
 * cells (text, as `parseCsv` returns them). The request is checked by the runtime's preparer first, so a value the
 * runtime would refuse never reaches a profile.
 */
import type { Feature, Manifest } from '../core/manifest';

/** One raw value: a number, a category, or missing. */
export type RawValue = number | string | undefined;

/** Whether the feature is profiled over quantile bins (numbers) or over its categories. */
export function isNumericFeature(feature: Feature): boolean {
  return feature.type === 'number' || feature.type === 'integer';
}

const BOOLEAN_TEXT: Readonly<Record<string, string>> = { true: 'true', false: 'false', '1': 'true', '0': 'false' };

/** The raw value of one cell of `feature` (a JSON value or CSV text). */
export function rawValue(feature: Feature, value: unknown): RawValue {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  if (isNumericFeature(feature)) {
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const text = String(value);
  if (feature.type === 'boolean') return BOOLEAN_TEXT[text.trim().toLowerCase()] ?? text;
  return text;
}

/**
 * Per feature (manifest order), the raw value of each instance. Objects are read by feature name; arrays by
 * position in the manifest's feature order.
 */
export function featureColumns(manifest: Manifest, instances: readonly unknown[]): RawValue[][] {
  const features = manifest.input.features;
  return features.map((feature, f) =>
    instances.map((instance) => {
      if (Array.isArray(instance)) return rawValue(feature, instance[f]);
      if (instance !== null && typeof instance === 'object') return rawValue(feature, (instance as Record<string, unknown>)[feature.name]);
      return undefined;
    }),
  );
}
