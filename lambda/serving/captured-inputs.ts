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
  | { readonly kind: 'matrix'; readonly data: readonly unknown[]; readonly rows: number; readonly cols: number };

/** What of a manifest's features are captured, worked out once per manifest. */
export interface CapturePlan {
  /** Names of all features, in manifest order. */
  readonly names: readonly string[];
  /** Indexes (into {@link names}) of the features that are kept. */
  readonly kept: readonly number[];
  /** Per feature: its value is a number when sent as numeric text (all but categories). */
  readonly numeric: readonly boolean[];
}

const plans = new WeakMap<Manifest, CapturePlan>();

/** The capture plan of a manifest (cached per manifest object). */
export function capturePlan(manifest: Manifest): CapturePlan {
  let plan = plans.get(manifest);
  if (plan === undefined) {
    const features = manifest.input.features;
    plan = {
      names: features.map((f) => f.name),
      kept: features.flatMap((f, i) => (f.capture === false ? [] : [i])),
      numeric: features.map((f) => f.type !== 'category'),
    };
    plans.set(manifest, plan);
  }
  return plan;
}

/** A value as stored: `undefined` becomes `null`; numeric text of a non-category feature a number. */
function stored(value: unknown, numeric: boolean, textCells: boolean): unknown {
  if (value === undefined) return null;
  if (typeof value !== 'string' || !numeric) return value;
  const trimmed = value.trim();
  if (trimmed === '') return textCells ? null : value;
  const number = Number(trimmed);
  return Number.isFinite(number) ? number : value;
}

function rowOf(plan: CapturePlan, get: (feature: number) => unknown, textCells: boolean): Record<string, unknown> {
  const row = Object.create(null) as Record<string, unknown>;
  for (const f of plan.kept) row[plan.names[f]] = stored(get(f), plan.numeric[f], textCells);
  return row;
}

function instanceRow(plan: CapturePlan, instance: unknown, textCells: boolean): Record<string, unknown> {
  if (Array.isArray(instance)) return rowOf(plan, (f) => instance[f] as unknown, textCells);
  const object = instance as Readonly<Record<string, unknown>>;
  return rowOf(plan, (f) => (Object.hasOwn(object, plan.names[f]) ? object[plan.names[f]] : undefined), textCells);
}

function cell(values: unknown, row: number, nested: boolean): unknown {
  if (!Array.isArray(values)) return undefined;
  const value: unknown = values[row];
  return nested && Array.isArray(value) ? (value[0] as unknown) : value;
}

/** The instances of `form` as captured objects (feature name to value, kept features only). */
export function capturedInstances(plan: CapturePlan, form: InputForm): Record<string, unknown>[] {
  switch (form.kind) {
    case 'instances':
      return form.instances.map((instance) => instanceRow(plan, instance, form.textCells));
    case 'columns': {
      const rows: Record<string, unknown>[] = [];
      for (let r = 0; r < form.rows; r++) {
        rows.push(rowOf(plan, (f) => cell(form.columns[plan.names[f]], r, form.singleton.has(plan.names[f])), false));
      }
      return rows;
    }
    case 'matrix': {
      const nested = form.data.length === form.rows && Array.isArray(form.data[0]);
      const rows: Record<string, unknown>[] = [];
      for (let r = 0; r < form.rows; r++) {
        const get = nested ? (f: number) => (form.data[r] as unknown[])[f] : (f: number) => form.data[r * form.cols + f];
        rows.push(rowOf(plan, get, false));
      }
      return rows;
    }
  }
}
