/**
 * Data preparation: validates a batch of instances against the manifest and turns it into the one float32 tensor
 * the model takes, `[count, features]`, with missing values filled and scaling applied.
 *
 * This is the hot path (every request, thousands a second), so everything that depends only on the manifest is
 * worked out once per manifest in a {@link Preparer}; per value there is no closure, no intermediate array and no
 * string building unless the value is wrong. Problems are collected across the whole batch so one response tells
 * the caller everything to fix.
 */
import { formatValue } from './manifest';
import type { Feature, Manifest } from './manifest';
import type { InputProblem, PreparedBatch } from './types';

/** Problems named in an {@link InvalidInputError}'s message; the rest are counted ("and N more"). */
export const MAX_LISTED_PROBLEMS = 20;
/** Problems kept in {@link InvalidInputError.problems}; a huge bad batch must not build a huge error. */
export const MAX_KEPT_PROBLEMS = 100;
/** Known features named in an "unknown field" problem before abbreviating. */
const MAX_LISTED_FEATURES = 10;
/** `field` of a problem with the instance itself (not an object or array, or the wrong length). */
export const INSTANCE_FIELD = '(instance)';

/** How a problem reads: `instances[3].mean_radius: "abc" is not allowed; expected a finite number`. */
export function formatProblem(problem: InputProblem): string {
  // Column- and shape-level problems (Open Inference Protocol forms) have no instance: instance is -1.
  let where: string;
  if (problem.instance < 0) where = problem.field;
  else if (problem.field === INSTANCE_FIELD) where = `instances[${problem.instance}]`;
  else where = `instances[${problem.instance}].${problem.field}`;
  return `${where}: ${problem.value} is not allowed; expected ${problem.allowed}`;
}

/**
 * The request's data does not fit the manifest (a client error: HTTP 400). `problems` holds the first
 * {@link MAX_KEPT_PROBLEMS}; `problemCount` counts them all.
 */
export class InvalidInputError extends Error {
  readonly problems: readonly InputProblem[];
  readonly problemCount: number;

  /**
   * @param problems the problems found (at most {@link MAX_KEPT_PROBLEMS} are kept)
   * @param options `problemCount` when more were found than passed; `message` to replace the generated one
   */
  constructor(problems: readonly InputProblem[], options: { problemCount?: number; message?: string } = {}) {
    const kept = problems.slice(0, MAX_KEPT_PROBLEMS);
    const count = Math.max(options.problemCount ?? problems.length, problems.length);
    super(options.message ?? describeProblems(kept, count));
    this.name = 'InvalidInputError';
    this.problems = kept;
    this.problemCount = count;
  }
}

function describeProblems(problems: readonly InputProblem[], count: number): string {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${formatProblem(p)}`);
  const more = count - lines.length;
  if (more > 0) lines.push(`  - and ${more} more`);
  return `Invalid input (${count} problem${count === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** How strings are treated. */
export interface PrepareOptions {
  /**
   * The values come from a text format (CSV): a numeric string such as "3.5" is a number whatever
   * `input.coerceNumericStrings` says, and an empty (or blank) string is a missing value.
   * @default false
   */
  readonly textCells?: boolean;
}

/** Validates and transforms batches for one manifest. Create once per manifest ({@link createPreparer}). */
export interface Preparer {
  readonly manifest: Manifest;
  /** Number of features: the tensor's second dimension. */
  readonly featureCount: number;
  /** Feature names in tensor column order. */
  readonly featureNames: readonly string[];
  /**
   * Instances as objects keyed by feature name, or as arrays of exactly `featureCount` values in feature order.
   * @throws InvalidInputError listing every problem in the batch
   */
  prepare(instances: readonly unknown[], options?: PrepareOptions): PreparedBatch;
  /**
   * Column form (the Open Inference Protocol's one tensor per feature): `{ feature: [v0, v1, ...] }`, all columns
   * the same length. An absent column is missing for every instance. Column-level problems have `instance: -1`.
   * @throws InvalidInputError
   */
  prepareColumns(columns: Readonly<Record<string, unknown>>, options?: PrepareOptions): PreparedBatch;
  /**
   * Matrix form (the Open Inference Protocol's single `[rows, cols]` tensor): `data` row-major, flat
   * (`rows * cols` values) or nested (`rows` arrays of `cols`); `cols` must equal `featureCount`.
   * @throws InvalidInputError
   */
  prepareMatrix(data: readonly unknown[], rows: number, cols: number, options?: PrepareOptions): PreparedBatch;
}

// Feature kinds, as small integers so the per-value switch compares numbers.
const NUMBER = 0;
const INTEGER = 1;
const BOOLEAN = 2;

// String handling modes.
const STRINGS_REJECT = 0;
const STRINGS_COERCE = 1;
const STRINGS_TEXT = 2;
type StringMode = typeof STRINGS_REJECT | typeof STRINGS_COERCE | typeof STRINGS_TEXT;

/** Plain decimal notation only: `Number()` alone would also take "0x1f", "0b1", "Infinity" and "" (as 0). */
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const BLANK = /^\s*$/;

/** Collects problems for one batch; renders values only for the problems it keeps. */
class ProblemSink {
  readonly problems: InputProblem[] = [];
  count = 0;

  add(instance: number, field: string, value: unknown, allowed: string): void {
    this.count++;
    if (this.problems.length < MAX_KEPT_PROBLEMS) {
      this.problems.push({ instance, field, value: renderValue(value), allowed });
    }
  }

  /** `value` is already rendered (e.g. `an array of 3 values`). */
  addRendered(instance: number, field: string, value: string, allowed: string): void {
    this.count++;
    if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push({ instance, field, value, allowed });
  }

  throwIfAny(): void {
    if (this.count > 0) throw new InvalidInputError(this.problems, { problemCount: this.count });
  }
}

/** Like formatValue, but NaN and ±Infinity read as themselves rather than as JSON's `null`. */
function renderValue(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : formatValue(value);
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

class ManifestPreparer implements Preparer {
  readonly featureCount: number;
  readonly featureNames: readonly string[];
  private readonly index: ReadonlyMap<string, number>;
  private readonly normalized: ReadonlyMap<string, string>;
  private readonly kind: Uint8Array;
  /** Inclusive raw bounds; ±Infinity when unbounded, so the check needs no branch on presence. */
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  /** Scaling: `(x - offset) / divisor`; 0 and 1 without `scale`, which leaves x exactly as is. */
  private readonly offset: Float64Array;
  private readonly divisor: Float64Array;
  /** 1 when a missing value is a problem. */
  private readonly rejectMissing: Uint8Array;
  /** Already-scaled fill for missing values. */
  private readonly fill: Float64Array;
  /** 1 when the name is also an Object.prototype member ("constructor", "__proto__"): only own keys count. */
  private readonly ownOnly: Uint8Array;
  private readonly allowed: readonly string[];
  private readonly allowedNotString: readonly string[];
  private readonly allowedRequired: readonly string[];
  private readonly rejectUnknown: boolean;
  private readonly jsonStrings: StringMode;
  private readonly knownFeatures: string;
  private readonly instanceShape: string;
  private readonly arrayShape: string;

  constructor(readonly manifest: Manifest) {
    const features = manifest.input.features;
    const n = features.length;
    this.featureCount = n;
    this.featureNames = features.map((f) => f.name);
    this.index = new Map(features.map((f, i) => [f.name, i]));
    this.normalized = new Map(features.map((f) => [normalizeName(f.name), f.name]));
    this.kind = new Uint8Array(n);
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.offset = new Float64Array(n);
    this.divisor = new Float64Array(n);
    this.rejectMissing = new Uint8Array(n);
    this.fill = new Float64Array(n);
    this.ownOnly = new Uint8Array(n);
    const allowed: string[] = [];
    features.forEach((feature, i) => {
      this.kind[i] = feature.type === 'integer' ? INTEGER : feature.type === 'boolean' ? BOOLEAN : NUMBER;
      this.min[i] = feature.min ?? -Infinity;
      this.max[i] = feature.max ?? Infinity;
      this.offset[i] = feature.scale?.mean ?? 0;
      this.divisor[i] = feature.scale?.std ?? 1;
      const missing = feature.missing;
      if (missing === 'reject') {
        this.rejectMissing[i] = 1;
      } else {
        // The schema guarantees "mean" has feature.mean or scale.mean to fall back on.
        const raw = missing === 'mean' ? (feature.mean ?? feature.scale?.mean ?? 0) : missing.constant;
        this.fill[i] = (raw - this.offset[i]) / this.divisor[i];
      }
      this.ownOnly[i] = feature.name in Object.prototype ? 1 : 0;
      allowed.push(describeAllowed(feature));
    });
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

  prepare(instances: readonly unknown[], options?: PrepareOptions): PreparedBatch {
    if (!Array.isArray(instances)) {
      throw new InvalidInputError(
        [{ instance: -1, field: 'instances', value: formatValue(instances), allowed: 'an array of instances' }],
      );
    }
    const count = instances.length;
    if (count === 0) throw emptyBatch();
    const strings = this.stringMode(options);
    const n = this.featureCount;
    const data = new Float32Array(count * n);
    const sink = new ProblemSink();
    for (let row = 0; row < count; row++) {
      const instance: unknown = instances[row];
      if (Array.isArray(instance)) {
        if (instance.length !== n) {
          sink.add(row, INSTANCE_FIELD, instance, `${this.arrayShape}: ${this.knownFeatures}`);
          continue;
        }
        const base = row * n;
        for (let f = 0; f < n; f++) this.put(f, instance[f], strings, row, data, base + f, sink);
      } else if (instance !== null && typeof instance === 'object') {
        this.putObject(instance as Readonly<Record<string, unknown>>, strings, row, data, sink);
      } else {
        sink.add(row, INSTANCE_FIELD, instance, this.instanceShape);
      }
    }
    sink.throwIfAny();
    return { data, count };
  }

  prepareColumns(columns: Readonly<Record<string, unknown>>, options?: PrepareOptions): PreparedBatch {
    if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
      const allowed = 'an object of columns keyed by feature name';
      throw new InvalidInputError([{ instance: -1, field: 'inputs', value: formatValue(columns), allowed }]);
    }
    const n = this.featureCount;
    const sink = new ProblemSink();
    // The batch size is the length of the first feature column present; every other column must match it.
    const cols: Array<readonly unknown[] | undefined> = new Array<readonly unknown[] | undefined>(n);
    let count = -1;
    let countFrom = '';
    for (let f = 0; f < n; f++) {
      const name = this.featureNames[f];
      const column = this.ownOnly[f] === 1 && !Object.hasOwn(columns, name) ? undefined : columns[name];
      if (column === undefined || column === null) {
        cols[f] = undefined;
        if (this.rejectMissing[f] === 1) sink.add(-1, name, column, `a column of values (${this.allowedRequired[f]})`);
      } else if (!Array.isArray(column)) {
        sink.add(-1, name, column, 'an array of values, one per instance');
      } else if (count < 0) {
        count = column.length;
        countFrom = name;
        cols[f] = column;
      } else if (column.length !== count) {
        const allowed = `${count} values, as many as "${countFrom}" has`;
        sink.addRendered(-1, name, `a column of ${column.length} values`, allowed);
      } else {
        cols[f] = column;
      }
    }
    if (this.rejectUnknown) {
      for (const key of Object.keys(columns)) {
        if (!this.index.has(key)) sink.add(-1, key, columns[key], this.unknownAllowed(key));
      }
    }
    sink.throwIfAny();
    if (count <= 0) {
      if (count === 0) throw emptyBatch();
      const allowed = `a column for at least one of the features: ${this.knownFeatures}`;
      throw new InvalidInputError([{ instance: -1, field: 'inputs', value: 'no feature column', allowed }]);
    }
    const strings = this.stringMode(options);
    const data = new Float32Array(count * n);
    for (let f = 0; f < n; f++) {
      const column = cols[f];
      if (column === undefined) {
        // Absent column with a fill policy (reject was reported above): every row gets the fill.
        const fill = this.fill[f];
        for (let row = 0; row < count; row++) data[row * n + f] = fill;
      } else {
        for (let row = 0; row < count; row++) this.put(f, column[row], strings, row, data, row * n + f, sink);
      }
    }
    sink.throwIfAny();
    return { data, count };
  }

  prepareMatrix(data: readonly unknown[], rows: number, cols: number, options?: PrepareOptions): PreparedBatch {
    const n = this.featureCount;
    const shape = `[${formatValue(rows)}, ${formatValue(cols)}]`;
    if (!Number.isInteger(rows) || rows < 0 || cols !== n) {
      const allowed = `[N, ${n}]: one row per instance, one column per feature (${this.knownFeatures})`;
      throw new InvalidInputError([{ instance: -1, field: 'shape', value: shape, allowed }]);
    }
    if (rows === 0) throw emptyBatch();
    if (!Array.isArray(data)) {
      throw new InvalidInputError([{ instance: -1, field: 'data', value: formatValue(data), allowed: 'an array' }]);
    }
    const nested = data.length === rows && Array.isArray(data[0]);
    if (!nested && data.length !== rows * n) {
      throw new InvalidInputError([
        {
          instance: -1,
          field: 'data',
          value: `${data.length} values`,
          allowed: `${rows * n} values (shape ${shape}), flat in row-major order or as ${rows} rows of ${n}`,
        },
      ]);
    }
    const strings = this.stringMode(options);
    const out = new Float32Array(rows * n);
    const sink = new ProblemSink();
    for (let row = 0; row < rows; row++) {
      const base = row * n;
      if (nested) {
        const values: unknown = data[row];
        if (!Array.isArray(values) || values.length !== n) {
          sink.add(row, INSTANCE_FIELD, values, this.arrayShape);
          continue;
        }
        for (let f = 0; f < n; f++) this.put(f, values[f], strings, row, out, base + f, sink);
      } else {
        for (let f = 0; f < n; f++) this.put(f, data[base + f], strings, row, out, base + f, sink);
      }
    }
    sink.throwIfAny();
    return { data: out, count: rows };
  }

  private stringMode(options: PrepareOptions | undefined): StringMode {
    return options?.textCells === true ? STRINGS_TEXT : this.jsonStrings;
  }

  private putObject(
    instance: Readonly<Record<string, unknown>>,
    strings: StringMode,
    row: number,
    out: Float32Array,
    sink: ProblemSink,
  ): void {
    const n = this.featureCount;
    const base = row * n;
    let present = 0;
    let f = 0;
    // Fast path: clients usually send every instance with the keys in feature order. Walking the keys with for...in
    // reads each value straight from the object's layout, where `instance[name]` is a lookup by name. At the first
    // key out of order, the loop below takes over from that feature on, by name: the values read, the problems and
    // their order are the same either way.
    let keysInOrder = true;
    for (const key in instance) {
      if (f === n || key !== this.featureNames[f]) {
        keysInOrder = false;
        break;
      }
      const value = this.ownOnly[f] === 1 && !Object.hasOwn(instance, key) ? undefined : instance[key];
      if (value !== undefined) present++;
      this.put(f, value, strings, row, out, base + f, sink);
      f++;
    }
    for (; f < n; f++) {
      const name = this.featureNames[f];
      // An inherited member such as Object.prototype.constructor is not a value the caller sent.
      const value = this.ownOnly[f] === 1 && !Object.hasOwn(instance, name) ? undefined : instance[name];
      if (value !== undefined) present++;
      this.put(f, value, strings, row, out, base + f, sink);
    }
    // Every key was a feature, in order: no unknown field to look for.
    if (!this.rejectUnknown || keysInOrder) return;
    // Counting keys allocates nothing; only when there are more keys than features found do we look for the
    // unknown ones (a key holding `undefined` also lands here, and is then simply not reported).
    let keys = 0;
    for (const _key in instance) keys++;
    if (keys === present) return;
    for (const key of Object.keys(instance)) {
      if (!this.index.has(key) && instance[key] !== undefined) {
        sink.add(row, key, instance[key], this.unknownAllowed(key));
      }
    }
  }

  private unknownAllowed(key: string): string {
    const suggestion = this.normalized.get(normalizeName(key));
    const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
    return `one of the features: ${this.knownFeatures}${hint}`;
  }

  /** Validates one value, and writes it (filled and scaled) at `out[at]`, or records a problem. */
  private put(
    f: number,
    value: unknown,
    strings: StringMode,
    row: number,
    out: Float32Array,
    at: number,
    sink: ProblemSink,
  ): void {
    // Nearly every value is an acceptable number. That case alone is small enough for the JIT to inline into the
    // loops; the rest (strings, booleans, missing values, and every problem) takes the general path.
    if (typeof value === 'number' && this.accepts(f, value)) {
      const single = this.scaled(f, value);
      if (single !== Infinity && single !== -Infinity) {
        out[at] = single;
        return;
      }
    }
    this.putOther(f, value, strings, row, out, at, sink);
  }

  /** {@link put} for everything but an acceptable number. */
  private putOther(
    f: number,
    value: unknown,
    strings: StringMode,
    row: number,
    out: Float32Array,
    at: number,
    sink: ProblemSink,
  ): void {
    const kind = this.kind[f];
    let x: number;
    if (typeof value === 'number') {
      x = value;
    } else if (value === undefined || value === null) {
      this.putMissing(f, value, row, out, at, sink);
      return;
    } else if (typeof value === 'string') {
      if (strings === STRINGS_REJECT) {
        sink.add(row, this.featureNames[f], value, this.allowedNotString[f]);
        return;
      }
      // Cheap first-character test before the regex: most cells are not blank.
      if (strings === STRINGS_TEXT && (value.length === 0 || (value.charCodeAt(0) <= 32 && BLANK.test(value)))) {
        this.putMissing(f, value, row, out, at, sink);
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
    const single = this.scaled(f, x);
    if (single === Infinity || single === -Infinity) {
      // Finite as a double but not as float32: the model would see Infinity.
      const allowed = `${this.allowed[f]} within float32 range (about ±3.4e38 after scaling)`;
      sink.add(row, this.featureNames[f], value, allowed);
      return;
    }
    out[at] = single;
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

  /** An accepted number, scaled, as the model sees it (float32): ±Infinity if it is finite as a double only. */
  private scaled(f: number, x: number): number {
    return Math.fround((x - this.offset[f]) / this.divisor[f]);
  }

  private putMissing(f: number, value: unknown, row: number, out: Float32Array, at: number, sink: ProblemSink): void {
    if (this.rejectMissing[f] === 1) sink.add(row, this.featureNames[f], value, this.allowedRequired[f]);
    else out[at] = this.fill[f];
  }
}

function parseBoolean(text: string): number {
  const t = text.trim().toLowerCase();
  return t === 'true' ? 1 : t === 'false' ? 0 : NaN;
}

function emptyBatch(): InvalidInputError {
  return new InvalidInputError(
    [{ instance: -1, field: 'instances', value: '[]', allowed: 'at least one instance' }],
    { message: 'Invalid input: the batch is empty; send at least one instance' },
  );
}

const preparers = new WeakMap<Manifest, Preparer>();

/**
 * The preparer for a manifest. Plans are built once per manifest object and cached, so calling this per request
 * is cheap, though holding on to the result is simpler still.
 */
export function createPreparer(manifest: Manifest): Preparer {
  let preparer = preparers.get(manifest);
  if (preparer === undefined) {
    preparer = new ManifestPreparer(manifest);
    preparers.set(manifest, preparer);
  }
  return preparer;
}
