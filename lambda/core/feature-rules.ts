/**
 * The manifest's feature rules, compiled once per manifest and model: for each feature its type, bounds, scaling,
 * categories, missing-value policy and place in the model's inputs (`input-layout.ts`) as typed arrays, and the texts
 * of its problems. {@link FeatureRules.put} validates one value and writes it, filled, scaled or encoded, into its
 * tensor: the per-value hot path of every request form (rows in `prepare.ts`, columns and matrices in
 * `tensor-forms.ts`). Per value there is no closure, no intermediate array and no string building unless the value
 * is wrong.
 */
import { CategoryRules } from './category-rules';
import type { ProblemSink } from './invalid-input';
import { inputLayout, type InputLayout } from './input-layout';
import type { Feature, Manifest } from './manifest';
import { didYouMean } from './suggest';
import type { ModelSignature, PreparedBatch, PreparedTensor } from './types';

// Feature kinds, as small integers so the per-value switch compares numbers.
const NUMBER = 0;
const INTEGER = 1;
const BOOLEAN = 2;
/** Categories, from here on: never accepted as a plain number. */
const CATEGORY = 3;

// String handling modes.
const STRINGS_REJECT = 0;
const STRINGS_COERCE = 1;
const STRINGS_TEXT = 2;
/** How strings are read: rejected (JSON), numeric strings coerced (JSON with `coerceNumericStrings`), or text cells. */
export type StringMode = typeof STRINGS_REJECT | typeof STRINGS_COERCE | typeof STRINGS_TEXT;

/** Known features named in an "unknown field" problem before abbreviating. */
const MAX_LISTED_FEATURES = 10;

/** Plain decimal notation only: `Number()` alone would also take "0x1f", "0b1", "Infinity" and "" (as 0). */
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const BLANK = /^\s*$/;

/** The per-tensor cells of a plain-number layout, which writes `flat` only: never written. */
const NO_NUMERIC: Array<Float32Array | Float64Array | undefined> = [];
const NO_TEXT: Array<string[] | undefined> = [];

/** The cells being written for one batch: per tensor, numbers (float64 and int64 tensors: Float64Array) or strings. */
export interface BatchBuffers {
  readonly count: number;
  /** The one float32 tensor of a plain-number layout ({@link FeatureRules.single}), written at `row * features + f`. */
  readonly flat: Float32Array | undefined;
  readonly numeric: Array<Float32Array | Float64Array | undefined>;
  readonly text: Array<string[] | undefined>;
}

function describeAllowed(feature: Feature): string {
  const noun = feature.type === 'integer' ? 'a whole number' : 'a finite number';
  if (feature.type === 'boolean') return 'true or false (or 1 or 0)';
  const { min, max } = feature;
  if (min !== undefined && max !== undefined) return `${noun} between ${min} and ${max}`;
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

/** Lower-case letters and digits only, so "Mean Radius" and "mean-radius" both find "mean_radius". */
function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function parseBoolean(text: string): number {
  const t = text.trim().toLowerCase();
  return t === 'true' ? 1 : t === 'false' ? 0 : NaN;
}

export class FeatureRules {
  readonly featureCount: number;
  /** Feature names in manifest order. */
  readonly featureNames: readonly string[];
  /** Feature name to its index. */
  readonly index: ReadonlyMap<string, number>;
  /** The model inputs the features feed. */
  readonly layout: InputLayout;
  /** One float32 tensor `[N, features]` of plain numbers: the batch is `data` alone, no `tensors`. */
  readonly single: boolean;
  /** 1 when a missing value is a problem. */
  readonly rejectMissing: Uint8Array;
  /** 1 when the name is also an Object.prototype member ("constructor", "__proto__"): only own keys count. */
  readonly ownOnly: Uint8Array;
  /** What is allowed for a required feature that is missing. */
  readonly allowedRequired: readonly string[];
  /** `input.unknownFields` is `reject`. */
  readonly rejectUnknown: boolean;
  /** The feature names as problems list them (abbreviated past {@link MAX_LISTED_FEATURES}). */
  readonly knownFeatures: string;
  /** What is allowed for an instance that is neither an object nor an array. */
  readonly instanceShape: string;
  /** What is allowed for an instance given as an array. */
  readonly arrayShape: string;
  private readonly normalized: ReadonlyMap<string, string>;
  private readonly kind: Uint8Array;
  /** Per feature: its tensor, the first column it writes, and its tensor's width (the row stride). */
  private readonly tensorOf: Uint16Array;
  private readonly column: Uint32Array;
  private readonly stride: Uint32Array;
  /** 1 when the feature's tensor is float32 (values are rounded to it and must fit it). */
  private readonly toSingle: Uint8Array;
  /** Inclusive raw bounds; ±Infinity when unbounded, so the check needs no branch on presence. */
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** Scaling: `(x - offset) / divisor`; 0 and 1 without `scale`, which leaves x exactly as is. */
  private readonly offset: Float64Array;
  private readonly divisor: Float64Array;
  /** Already-scaled fill for missing numbers (NaN for `passthrough`). */
  private readonly fill: Float64Array;
  private readonly categories: CategoryRules;
  private readonly allowed: readonly string[];
  private readonly allowedNotString: readonly string[];
  private readonly jsonStrings: StringMode;

  constructor(manifest: Manifest, signature?: ModelSignature) {
    const features = manifest.input.features;
    const n = features.length;
    const layout = inputLayout(manifest, signature);
    this.layout = layout;
    this.featureCount = n;
    this.featureNames = features.map((f) => f.name);
    this.index = new Map(features.map((f, i) => [f.name, i]));
    this.normalized = new Map(features.map((f) => [normalizeName(f.name), f.name]));
    this.kind = new Uint8Array(n);
    this.tensorOf = Uint16Array.from(layout.tensorOf);
    this.column = Uint32Array.from(layout.columnOf);
    this.stride = Uint32Array.from(layout.tensorOf.map((t) => layout.tensors[t].width));
    this.toSingle = Uint8Array.from(layout.tensorOf.map((t) => (layout.tensors[t].type === 'float32' ? 1 : 0)));
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.divisor = new Float64Array(n);
    this.rejectMissing = new Uint8Array(n);
    this.fill = new Float64Array(n);
    this.ownOnly = new Uint8Array(n);
    this.categories = new CategoryRules(features, layout);
    const allowed: string[] = [];
    features.forEach((feature, i) => {
      this.kind[i] =
        feature.type === 'integer' ? INTEGER : feature.type === 'boolean' ? BOOLEAN : feature.type === 'category' ? CATEGORY : NUMBER;
      // A category never passes the range test as a number: the fast path needs no test of its kind.
      this.min[i] = feature.type === 'category' ? Infinity : (feature.min ?? -Infinity);
      this.max[i] = feature.type === 'category' ? -Infinity : (feature.max ?? Infinity);
      this.offset[i] = feature.scale?.mean ?? 0;
      this.divisor[i] = feature.scale?.std ?? 1;
      const missing = feature.missing;
      if (missing === 'reject') {
        this.rejectMissing[i] = 1;
      } else if (missing === 'passthrough') {
        this.fill[i] = NaN;
      } else if (feature.type !== 'category') {
        // The schema guarantees "mean" has feature.mean or scale.mean to fall back on, and a number constant here.
        const raw = missing === 'mean' ? (feature.mean ?? feature.scale?.mean ?? 0) : Number(missing.constant);
        this.fill[i] = (raw - this.offset[i]) / this.divisor[i];
      }
      this.ownOnly[i] = feature.name in Object.prototype ? 1 : 0;
      allowed.push(feature.type === 'category' ? this.categories.allowed(i) : describeAllowed(feature));
    });
    this.single =
      layout.tensors.length === 1 &&
      layout.tensors[0].type === 'float32' &&
      layout.tensors[0].rank === 2 &&
      layout.encodingOf.every((e) => e === 'number');
    this.allowed = allowed;
    this.allowedNotString = allowed.map((a, i) =>
      features[i].type === 'boolean'
        ? `${a} (JSON true/false or a number, not a string)`
        : `${a} (a JSON number, not a string)`,
    );
    this.allowedRequired = allowed.map((a) => `${a} (the feature is required)`);
    this.rejectUnknown = manifest.input.unknownFields === 'reject';
    this.jsonStrings = manifest.input.coerceNumericStrings ? STRINGS_COERCE : STRINGS_REJECT;
    const listed = this.featureNames.slice(0, MAX_LISTED_FEATURES).join(', ');
    this.knownFeatures = n > MAX_LISTED_FEATURES ? `${listed}, ... (${n} features in all)` : listed;
    const values = `${n} value${n === 1 ? '' : 's'}`;
    this.arrayShape = `an array of exactly ${values}, in feature order`;
    this.instanceShape = `an object keyed by feature name or an array of ${values} in feature order`;
  }

  /** How strings are read: as text cells (CSV), or as the manifest says for JSON. */
  stringMode(textCells: boolean): StringMode {
    return textCells ? STRINGS_TEXT : this.jsonStrings;
  }

  /** What is allowed instead of the unknown field `key`, with a suggestion when it is a feature's near-miss. */
  unknownAllowed(key: string): string {
    // The same name spelled another way (`mean_radius` for `mean radius`), else a typo by edit distance.
    const suggestion = this.normalized.get(normalizeName(key));
    const hint = suggestion === undefined ? didYouMean(key, this.featureNames) : `; did you mean "${suggestion}"?`;
    return `one of the features: ${this.knownFeatures}${hint}`;
  }

  /** Fresh cells for `count` instances: zeros (one-hot columns stay 0 unless set), empty strings. */
  allocate(count: number): BatchBuffers {
    if (this.single) {
      const flat = new Float32Array(count * this.featureCount);
      return { count, flat, numeric: NO_NUMERIC, text: NO_TEXT };
    }
    const tensors = this.layout.tensors;
    const numeric = new Array<Float32Array | Float64Array | undefined>(tensors.length);
    const text = new Array<string[] | undefined>(tensors.length);
    for (let t = 0; t < tensors.length; t++) {
      const { type, width } = tensors[t];
      const size = count * width;
      if (type === 'string') text[t] = new Array<string>(size).fill('');
      else numeric[t] = type === 'float32' ? new Float32Array(size) : new Float64Array(size);
    }
    return { count, flat: undefined, numeric, text };
  }

  /** The written cells as the batch the model takes. */
  finish(out: BatchBuffers): PreparedBatch {
    const { count, flat } = out;
    if (flat !== undefined) return { data: flat, count };
    const first = out.numeric[0];
    const data = first instanceof Float32Array ? first : new Float32Array(0);
    const tensors = this.layout.tensors.map((tensor, t): PreparedTensor => {
      const dims = tensor.rank === 1 ? [count] : [count, tensor.width];
      const values = out.numeric[t];
      if (values === undefined) return { name: tensor.name, type: 'string', data: out.text[t] ?? [], dims };
      if (tensor.type === 'int64') {
        const ints = new BigInt64Array(values.length);
        for (let i = 0; i < values.length; i++) ints[i] = BigInt(values[i]);
        return { name: tensor.name, type: 'int64', data: ints, dims };
      }
      return tensor.type === 'float64'
        ? { name: tensor.name, type: 'float64', data: values as Float64Array, dims }
        : { name: tensor.name, type: 'float32', data: values as Float32Array, dims };
    });
    return { data, count, tensors };
  }

  /** Validates one value of feature `f` for instance `row`, and writes it (filled, scaled, encoded), or records a problem. */
  put(f: number, value: unknown, strings: StringMode, row: number, out: BatchBuffers, sink: ProblemSink): void {
    // Nearly every value is an acceptable number. That case alone is small enough for the JIT to inline into the
    // loops; the rest (strings, booleans, categories, missing values, and every problem) takes the general path.
    if (typeof value === 'number' && this.putNumber(f, value, row, out)) return;
    this.putOther(f, value, strings, row, out, sink);
  }

  /**
   * Writes the number `x` of feature `f` (scaled) when it is acceptable as it is, and says whether it did; false
   * leaves the cell alone, and {@link put} would record a problem. The request decoder (`instances-json.ts`) calls
   * this with the numbers it reads, so both paths write the same cells by the same code.
   */
  putNumber(f: number, x: number, row: number, out: BatchBuffers): boolean {
    if (!this.accepts(f, x)) return false;
    const y = this.scaled(f, x);
    if (y === Infinity || y === -Infinity) return false;
    const flat = out.flat;
    if (flat !== undefined) flat[row * this.featureCount + f] = y;
    else (out.numeric[this.tensorOf[f]] as Float32Array)[row * this.stride[f] + this.column[f]] = y;
    return true;
  }

  /** Writes feature `f`'s fill for a missing value (its policy is not `reject`). */
  putFill(f: number, row: number, out: BatchBuffers): void {
    if (out.flat !== undefined) {
      out.flat[row * this.featureCount + f] = this.fill[f];
      return;
    }
    const t = this.tensorOf[f];
    const at = row * this.stride[f] + this.column[f];
    if (this.kind[f] === CATEGORY) this.categories.writeMissing(f, at, out.numeric[t], out.text[t]);
    else (out.numeric[t] as Float32Array)[at] = this.fill[f];
  }

  /** {@link put} for everything but an acceptable number. */
  private putOther(f: number, value: unknown, strings: StringMode, row: number, out: BatchBuffers, sink: ProblemSink): void {
    const kind = this.kind[f];
    let x: number;
    if (value === undefined || value === null) {
      this.putMissing(f, value, row, out, sink);
      return;
    }
    if (kind === CATEGORY) {
      if (typeof value !== 'string') {
        sink.add(row, this.featureNames[f], value, this.allowed[f]);
      } else if (value.length === 0 || (value.charCodeAt(0) <= 32 && BLANK.test(value))) {
        this.putMissing(f, value, row, out, sink);
      } else {
        const t = this.tensorOf[f];
        const at = row * this.stride[f] + this.column[f];
        const text = strings === STRINGS_TEXT ? value.trim() : value;
        if (!this.categories.write(f, text, at, out.numeric[t], out.text[t])) {
          sink.add(row, this.featureNames[f], value, this.allowed[f]);
        }
      }
      return;
    }
    if (typeof value === 'number') {
      x = value;
    } else if (typeof value === 'string') {
      if (strings === STRINGS_REJECT) {
        sink.add(row, this.featureNames[f], value, this.allowedNotString[f]);
        return;
      }
      // Cheap first-character test before the regex: most cells are not blank.
      if (strings === STRINGS_TEXT && (value.length === 0 || (value.charCodeAt(0) <= 32 && BLANK.test(value)))) {
        this.putMissing(f, value, row, out, sink);
        return;
      }
      x = DECIMAL.test(value) ? Number(value) : kind === BOOLEAN ? parseBoolean(value) : NaN;
    } else if (typeof value === 'boolean' && kind === BOOLEAN) {
      x = value ? 1 : 0;
    } else {
      sink.add(row, this.featureNames[f], value, this.allowed[f]);
      return;
    }
    if (!this.accepts(f, x)) {
      sink.add(row, this.featureNames[f], value, this.allowed[f]);
      return;
    }
    const scaled = this.scaled(f, x);
    if (scaled === Infinity || scaled === -Infinity) {
      // Finite as a double but not as float32: the model would see Infinity.
      const allowed = `${this.allowed[f]} within float32 range (about ±3.4e38 after scaling)`;
      sink.add(row, this.featureNames[f], value, allowed);
      return;
    }
    if (out.flat !== undefined) out.flat[row * this.featureCount + f] = scaled;
    else (out.numeric[this.tensorOf[f]] as Float32Array)[row * this.stride[f] + this.column[f]] = scaled;
  }

  /** A raw number allowed for the feature: type and bounds. */
  private accepts(f: number, x: number): boolean {
    const kind = this.kind[f];
    // The range test also rejects NaN (every comparison with NaN is false); ±Infinity ("1e999") is never allowed.
    return (
      x >= this.min[f] &&
      x <= this.max[f] &&
      x !== Infinity &&
      x !== -Infinity &&
      (kind !== INTEGER || Number.isInteger(x)) &&
      (kind !== BOOLEAN || x === 0 || x === 1)
    );
  }

  /** An accepted number, scaled, as the model sees it (float32 tensors: ±Infinity if it is finite as a double only). */
  private scaled(f: number, x: number): number {
    const y = (x - this.offset[f]) / this.divisor[f];
    return this.toSingle[f] === 1 ? Math.fround(y) : y;
  }

  private putMissing(f: number, value: unknown, row: number, out: BatchBuffers, sink: ProblemSink): void {
    if (this.rejectMissing[f] === 1) sink.add(row, this.featureNames[f], value, this.allowedRequired[f]);
    else this.putFill(f, row, out);
  }
}
