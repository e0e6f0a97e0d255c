/**
 * Category features, compiled once: each feature's categories by value, what an unknown value becomes
 * (`unknownCategory`), what a missing one becomes (`missing`), and how a category is written into its tensor
 * (`encoding`: one-hot columns, the ordinal index, or the string itself).
 */
import type { InputLayout } from './input-layout';
import type { Feature } from './manifest';

/** Categories named in a problem before abbreviating. */
const MAX_LISTED_CATEGORIES = 20;

const ONE_HOT = 0;
const ORDINAL = 1;
const STRING = 2;

/** `missing` fill or `unknownCategory` target: a category's index, or one of these. */
const NONE = -1;
/** `missing: "passthrough"`: NaN (ordinal), "" (string), all zeros (one-hot). */
const PASSTHROUGH = -2;

export class CategoryRules {
  private readonly byValue: Array<ReadonlyMap<string, number> | undefined>;
  private readonly values: Array<readonly string[] | undefined>;
  private readonly encoding: Uint8Array;
  /** Per feature: the index an unknown value is sent as, or {@link NONE} (refused). */
  private readonly unknownAs: Int32Array;
  /** Per feature: the index a missing value is sent as, or {@link PASSTHROUGH}. */
  private readonly missingAs: Int32Array;
  private readonly allowedText: Array<string | undefined>;

  constructor(features: readonly Feature[], layout: InputLayout) {
    const n = features.length;
    this.byValue = new Array<ReadonlyMap<string, number> | undefined>(n);
    this.values = new Array<readonly string[] | undefined>(n);
    this.encoding = new Uint8Array(n);
    this.unknownAs = new Int32Array(n).fill(NONE);
    this.missingAs = new Int32Array(n).fill(PASSTHROUGH);
    this.allowedText = new Array<string | undefined>(n);
    features.forEach((feature, f) => {
      const categories = feature.categories;
      if (feature.type !== 'category' || categories === undefined) return;
      const byValue = new Map(categories.map((c, i) => [c, i]));
      this.byValue[f] = byValue;
      this.values[f] = categories;
      const encoding = layout.encodingOf[f];
      this.encoding[f] = encoding === 'ordinal' ? ORDINAL : encoding === 'string' ? STRING : ONE_HOT;
      const unknown = feature.unknownCategory;
      if (typeof unknown === 'object') this.unknownAs[f] = byValue.get(unknown.map) ?? NONE;
      const missing = feature.missing;
      if (typeof missing === 'object') this.missingAs[f] = byValue.get(String(missing.constant)) ?? PASSTHROUGH;
      const listed = categories.slice(0, MAX_LISTED_CATEGORIES).map((c) => JSON.stringify(c)).join(', ');
      const more = categories.length > MAX_LISTED_CATEGORIES ? `, ... (${categories.length} in all)` : '';
      this.allowedText[f] = `one of the categories ${listed}${more}`;
    });
  }

  /** What feature `f` allows, for its problems. */
  allowed(f: number): string {
    return this.allowedText[f] ?? 'a category';
  }

  /**
   * Writes the category `value` of feature `f` at cell `at` of its tensor (`numeric` or `text`, whichever it is).
   * @returns false when `value` is not a category and `unknownCategory` is `reject`: nothing is written
   */
  write(
    f: number,
    value: string,
    at: number,
    numeric: Float32Array | Float64Array | undefined,
    text: string[] | undefined,
  ): boolean {
    let index = this.byValue[f]?.get(value);
    if (index === undefined) {
      index = this.unknownAs[f];
      if (index === NONE) return false;
    }
    this.writeIndex(f, index, at, numeric, text);
    return true;
  }

  /** Writes feature `f`'s fill for a missing value (its policy is not `reject`). */
  writeMissing(f: number, at: number, numeric: Float32Array | Float64Array | undefined, text: string[] | undefined): void {
    this.writeIndex(f, this.missingAs[f], at, numeric, text);
  }

  private writeIndex(
    f: number,
    index: number,
    at: number,
    numeric: Float32Array | Float64Array | undefined,
    text: string[] | undefined,
  ): void {
    const encoding = this.encoding[f];
    if (encoding === STRING) {
      if (text !== undefined) text[at] = index >= 0 ? (this.values[f]?.[index] ?? '') : '';
    } else if (numeric !== undefined) {
      if (encoding === ORDINAL) numeric[at] = index >= 0 ? index : NaN;
      else if (index >= 0) numeric[at + index] = 1;
    }
  }
}
