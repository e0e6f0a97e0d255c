/**
 * Data preparation: validates a batch of instances against the manifest and turns it into the tensors the model
 * takes (usually one float32 `[count, features]`), with missing values filled, scaling applied and categories
 * encoded.
 *
 * This is the hot path (every request, thousands a second), so everything that depends only on the manifest is
 * worked out once per manifest (`feature-rules.ts`) in a {@link Preparer}. This file holds the instance form
 * (objects keyed by feature name, or arrays in feature order); `tensor-forms.ts` the Open Inference Protocol's
 * column and matrix forms. Problems are collected across the whole batch (`invalid-input.ts`) so one response
 * tells the caller everything to fix.
 */
import { FeatureRules } from './feature-rules';
import type { BatchBuffers, StringMode } from './feature-rules';
import { InstancesDecoder } from './instances-json';
import type { InstancesJsonLimits } from './instances-json';
import { formatValue } from './issues';
import { emptyBatch, INSTANCE_FIELD, InvalidInputError, ProblemSink } from './invalid-input';
import type { Manifest } from './manifest';
import { prepareColumns, prepareMatrix } from './tensor-forms';
import type { ModelSignature, PreparedBatch } from './types';

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
  /** Number of features (of raw values per instance; one-hot features take several tensor columns). */
  readonly featureCount: number;
  /** Feature names in manifest order. */
  readonly featureNames: readonly string[];
  /** Feature name to its index in `featureNames`. */
  readonly featureIndex: ReadonlyMap<string, number>;
  /** Names of the category features (their values are strings: BYTES in the Open Inference Protocol). */
  readonly categoryFeatures: ReadonlySet<string>;
  /**
   * Instances as objects keyed by feature name, or as arrays of exactly `featureCount` values in feature order.
   * @throws InvalidInputError listing every problem in the batch
   */
  prepare(instances: readonly unknown[], options?: PrepareOptions): PreparedBatch;
  /**
   * The fast path of a JSON body `{"instances": [...]}`, read from its bytes (`instances-json.ts`): the batch
   * {@link prepare} would give for the parsed instances, or undefined when the body is anything but the plain case
   * it fully understands (then parse and {@link prepare} as usual: they give the answer or the error).
   */
  prepareInstancesJson(body: Uint8Array | string, limits: InstancesJsonLimits): PreparedBatch | undefined;
  /**
   * Column form (the Open Inference Protocol's one tensor per feature): `{ feature: [v0, v1, ...] }`, all columns
   * the same length. An absent column is missing for every instance. Column-level problems have `instance: -1`.
   * @throws InvalidInputError
   */
  prepareColumns(columns: Readonly<Record<string, unknown>>, options?: PrepareOptions, singletonCells?: ReadonlySet<string>): PreparedBatch;
  /**
   * Matrix form (the Open Inference Protocol's single `[rows, cols]` tensor): `data` row-major, flat
   * (`rows * cols` values) or nested (`rows` arrays of `cols`); `cols` must equal `featureCount`.
   * @throws InvalidInputError
   */
  prepareMatrix(data: readonly unknown[] | Float32Array, rows: number, cols: number, options?: PrepareOptions): PreparedBatch;
}

class ManifestPreparer implements Preparer {
  readonly featureCount: number;
  readonly featureNames: readonly string[];
  readonly featureIndex: ReadonlyMap<string, number>;
  readonly categoryFeatures: ReadonlySet<string>;
  private readonly rules: FeatureRules;
  /** Made on the first JSON body, so a preparer that never sees one does not pay for it. */
  private decoder: InstancesDecoder | undefined;

  constructor(
    readonly manifest: Manifest,
    signature?: ModelSignature,
  ) {
    this.rules = new FeatureRules(manifest, signature);
    this.featureCount = this.rules.featureCount;
    this.featureNames = this.rules.featureNames;
    this.featureIndex = this.rules.index;
    this.categoryFeatures = new Set(manifest.input.features.filter((f) => f.type === 'category').map((f) => f.name));
  }

  prepare(instances: readonly unknown[], options?: PrepareOptions): PreparedBatch {
    if (!Array.isArray(instances)) {
      throw new InvalidInputError(
        [{ instance: -1, field: 'instances', value: formatValue(instances), allowed: 'an array of instances' }],
      );
    }
    const count = instances.length;
    if (count === 0) throw emptyBatch();
    const rules = this.rules;
    const strings = rules.stringMode(options?.textCells === true);
    const n = this.featureCount;
    const out = rules.allocate(count);
    const sink = new ProblemSink();
    for (let row = 0; row < count; row++) {
      const instance: unknown = instances[row];
      if (Array.isArray(instance)) {
        if (instance.length !== n) {
          sink.add(row, INSTANCE_FIELD, instance, `${rules.arrayShape}: ${rules.knownFeatures}`);
          continue;
        }
        for (let f = 0; f < n; f++) rules.put(f, instance[f], strings, row, out, sink);
      } else if (instance !== null && typeof instance === 'object') {
        this.putObject(instance as Readonly<Record<string, unknown>>, strings, row, out, sink);
      } else {
        sink.add(row, INSTANCE_FIELD, instance, rules.instanceShape);
      }
    }
    sink.throwIfAny();
    return rules.finish(out);
  }

  prepareInstancesJson(body: Uint8Array | string, limits: InstancesJsonLimits): PreparedBatch | undefined {
    this.decoder ??= new InstancesDecoder(this.rules);
    return this.decoder.decode(body, limits);
  }

  prepareColumns(columns: Readonly<Record<string, unknown>>, options?: PrepareOptions, singletonCells?: ReadonlySet<string>): PreparedBatch {
    return prepareColumns(this.rules, columns, this.rules.stringMode(options?.textCells === true), singletonCells);
  }

  prepareMatrix(data: readonly unknown[] | Float32Array, rows: number, cols: number, options?: PrepareOptions): PreparedBatch {
    return prepareMatrix(this.rules, data, rows, cols, this.rules.stringMode(options?.textCells === true));
  }

  private putObject(
    instance: Readonly<Record<string, unknown>>,
    strings: StringMode,
    row: number,
    out: BatchBuffers,
    sink: ProblemSink,
  ): void {
    const rules = this.rules;
    const n = rules.featureCount;
    let present = 0;
    let f = 0;
    // Fast path: clients usually send every instance with the keys in feature order. Walking the keys with for...in
    // reads each value straight from the object's layout, where `instance[name]` is a lookup by name. At the first
    // key out of order, the loop below takes over from that feature on, by name: the values read, the problems and
    // their order are the same either way.
    let keysInOrder = true;
    for (const key in instance) {
      if (f === n || key !== rules.featureNames[f]) {
        keysInOrder = false;
        break;
      }
      const value = rules.ownOnly[f] === 1 && !Object.hasOwn(instance, key) ? undefined : instance[key];
      if (value !== undefined) present++;
      rules.put(f, value, strings, row, out, sink);
      f++;
    }
    for (; f < n; f++) {
      const name = rules.featureNames[f];
      // An inherited member such as Object.prototype.constructor is not a value the caller sent.
      const value = rules.ownOnly[f] === 1 && !Object.hasOwn(instance, name) ? undefined : instance[name];
      if (value !== undefined) present++;
      rules.put(f, value, strings, row, out, sink);
    }
    // Every key was a feature, in order: no unknown field to look for.
    if (!rules.rejectUnknown || keysInOrder) return;
    // Counting keys allocates nothing; only when there are more keys than features found do we look for the
    // unknown ones (a key holding `undefined` also lands here, and is then simply not reported).
    let keys = 0;
    for (const _key in instance) keys++;
    if (keys === present) return;
    for (const key of Object.keys(instance)) {
      if (!rules.index.has(key) && instance[key] !== undefined) {
        sink.add(row, key, instance[key], rules.unknownAllowed(key));
      }
    }
  }
}

const preparers = new WeakMap<Manifest, Preparer>();
const preparersByModel = new WeakMap<ModelSignature, WeakMap<Manifest, Preparer>>();

/**
 * The preparer for a manifest and the model it feeds: `signature` gives each input tensor's element type and rank
 * (without it, every tensor is float32, or string for string-encoded categories). Plans are built once per
 * manifest (and signature) object and cached, so calling this per request is cheap, though holding on to the result
 * is simpler still.
 */
export function createPreparer(manifest: Manifest, signature?: ModelSignature): Preparer {
  let cache = preparers;
  if (signature !== undefined) {
    cache = preparersByModel.get(signature) ?? new WeakMap<Manifest, Preparer>();
    preparersByModel.set(signature, cache);
  }
  let preparer = cache.get(manifest);
  if (preparer === undefined) {
    preparer = new ManifestPreparer(manifest, signature);
    cache.set(manifest, preparer);
  }
  return preparer;
}
