/**
 * The inputs of a captured prediction, as the record format keeps them (`records/record-format.ts`): one object per
 * instance, feature name to the value the client sent, features marked `"capture": false` left out. A route only
 * notes where its validated inputs are ({@link InputForm}, a reference: nothing is copied); the objects are built
 * after the answer, and only for a request that is sampled.
 */
import type { Manifest } from '../core/manifest';

/** Where a route's validated inputs are, in the form the request brought them. */
export type InputForm =
  /** `/invocations`: objects keyed by feature name or arrays in feature order; CSV rows are objects of text cells. */
  | { readonly kind: 'instances'; readonly instances: readonly unknown[]; readonly textCells: boolean }
  /** v2, one tensor per feature (feature name to its values; `singleton`: values nested as `[[v0], [v1], ...]`). */
  | { readonly kind: 'columns'; readonly columns: Readonly<Record<string, unknown>>; readonly rows: number; readonly singleton: ReadonlySet<string> }
  /** v2, one `[rows, cols]` tensor, flat row-major or nested. */
  | { readonly kind: 'matrix'; readonly data: readonly unknown[] | Float32Array; readonly rows: number; readonly cols: number };

/** What of a manifest's features are captured, worked out once per manifest. */
export interface CapturePlan {
  /** Names of all features, in manifest order. */
  readonly names: readonly string[];
  /** Indexes (into {@link names}) of the features that are kept. */
  readonly kept: readonly number[];
  /** Per kept feature: its JSON key with the colon (`"name":`), preceded by a comma but for the first. */
  readonly keyPrefixes: readonly string[];
  /** Per feature: its value is a number when sent as numeric text (all but categories). */
  readonly numeric: readonly boolean[];
}

const plans = new WeakMap<Manifest, CapturePlan>();

/** The capture plan of a manifest (cached per manifest object). */
export function capturePlan(manifest: Manifest): CapturePlan {
  let plan = plans.get(manifest);
  if (plan === undefined) {
    const features = manifest.input.features;
    const kept = features.flatMap((f, i) => (f.capture === false ? [] : [i]));
    plan = {
      names: features.map((f) => f.name),
      kept,
      keyPrefixes: kept.map((f, k) => `${k === 0 ? '' : ','}${JSON.stringify(features[f].name)}:`),
      numeric: features.map((f) => f.type !== 'category'),
    };
    plans.set(manifest, plan);
  }
  return plan;
}

/** A value as stored, as JSON: `undefined` is `null`; numeric text of a non-category feature a number. */
function storedJson(value: unknown, numeric: boolean, textCells: boolean): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string' && numeric) {
    const trimmed = value.trim();
    if (trimmed === '' && textCells) return 'null';
    const number = trimmed === '' ? NaN : Number(trimmed);
    if (Number.isFinite(number)) return String(number);
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * One instance as a JSON object of the kept features, written as text (measured faster than building objects and
 * stringifying them; the cost is mostly formatting the numbers, which either way pays).
 */
function rowJson(plan: CapturePlan, get: (feature: number) => unknown, textCells: boolean): string {
  let out = '{';
  const { kept, keyPrefixes, numeric } = plan;
  for (let k = 0; k < kept.length; k++) {
    const f = kept[k];
    out += keyPrefixes[k] + storedJson(get(f), numeric[f], textCells);
  }
  return `${out}}`;
}

function instanceRow(plan: CapturePlan, instance: unknown, textCells: boolean): string {
  if (Array.isArray(instance)) return rowJson(plan, (f) => instance[f] as unknown, textCells);
  const object = instance as Readonly<Record<string, unknown>>;
  return rowJson(plan, (f) => (Object.hasOwn(object, plan.names[f]) ? object[plan.names[f]] : undefined), textCells);
}

function cell(values: unknown, row: number, nested: boolean): unknown {
  if (!Array.isArray(values)) return undefined;
  const value: unknown = values[row];
  return nested && Array.isArray(value) ? (value[0] as unknown) : value;
}

/** The instances of `form` as a JSON array of objects, feature name to value, kept features only. */
export function capturedInstancesJson(plan: CapturePlan, form: InputForm): string {
  const rows: string[] = [];
  switch (form.kind) {
    case 'instances':
      for (const instance of form.instances) rows.push(instanceRow(plan, instance, form.textCells));
      break;
    case 'columns':
      for (let r = 0; r < form.rows; r++) {
        rows.push(rowJson(plan, (f) => cell(form.columns[plan.names[f]], r, form.singleton.has(plan.names[f])), false));
      }
      break;
    case 'matrix': {
      const nested = form.data.length === form.rows && Array.isArray(form.data[0]);
      for (let r = 0; r < form.rows; r++) {
        const get = nested ? (f: number) => (form.data[r] as unknown[])[f] : (f: number) => form.data[r * form.cols + f];
        rows.push(rowJson(plan, get, false));
      }
      break;
    }
  }
  return `[${rows.join(',')}]`;
}
