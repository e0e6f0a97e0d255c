/**
 * The fast path of a JSON `{"instances": [...]}` body: reads the request bytes straight into the batch's float32
 * tensor, without `JSON.parse` building an object per instance and without decoding the body to a string. At batch
 * 64 parsing was most of a request's time, and the objects it built were read once and dropped.
 *
 * It is a strict subset of the general path (`JSON.parse`, the envelope checks, then `prepare.ts`): it takes only a
 * body it fully understands, and then writes the same cells by the same code ({@link FeatureRules.putNumber}, fed the
 * double `JSON.parse` would give). That is: one float32 tensor of plain numbers; the envelope `{"instances": [...]}`
 * with no other key; 1 to `maxInstances` instances, each an object giving every feature exactly once (unescaped
 * keys, any order) or an array of exactly one value per feature; every value a JSON number its feature accepts as it
 * is. For anything else (a missing, repeated, unknown or escaped key, null, a string, a boolean literal, a nested
 * value, a value out of range, invalid JSON, too many instances) it answers `undefined` and the general path runs,
 * so every error, and every message, is the general path's.
 */
import type { BatchBuffers, FeatureRules } from './feature-rules';
import type { PreparedBatch } from './types';

/** What the general path refuses, so the fast path must not accept it. */
export interface InstancesJsonLimits {
  /** Most instances a batch may have (more: 413). */
  readonly maxInstances: number;
  /** Most keys one JSON object may have (more: 400). */
  readonly maxObjectKeys: number;
}

/*
 * The bytes and numbers the decoder compares are `var`, not `const`: tsc keeps a module's `const` as it is, and V8
 * then checks for the temporal dead zone at every read from a function of the module, in every loop over the body's
 * bytes. Measured on the compiled code (what `serve` runs): the decoder took 1.4x as long with `const`.
 */
/* eslint-disable no-var */
var TAB = 0x09;
var LINE_FEED = 0x0a;
var CARRIAGE_RETURN = 0x0d;
var SPACE = 0x20;
var QUOTE = 0x22;
var PLUS = 0x2b;
var COMMA = 0x2c;
var MINUS = 0x2d;
var DOT = 0x2e;
var ZERO = 0x30;
var ONE = 0x31;
var NINE = 0x39;
var COLON = 0x3a;
var UPPER_E = 0x45;
var OPEN_BRACKET = 0x5b;
var BACKSLASH = 0x5c;
var CLOSE_BRACKET = 0x5d;
var LOWER_E = 0x65;
var OPEN_BRACE = 0x7b;
var CLOSE_BRACE = 0x7d;

/** The envelope's key with its quotes. */
const INSTANCES_KEY = Buffer.from('"instances"');
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];
/**
 * Clinger's exact case: a mantissa below 2^53 and a power of ten up to 22 are both exact doubles, so one
 * multiplication or division rounds once, correctly: the double `JSON.parse` gives. Other numbers go to `Number()`.
 */
var EXACT_MANTISSA = 2 ** 53;
var MAX_EXACT_POWER = 22;
var POWERS_OF_TEN = Float64Array.from({ length: MAX_EXACT_POWER + 1 }, (_, i) => 10 ** i);
/** Exponents are read as numbers up to here; past it the power is far beyond the exact case anyway. */
var MAX_READ_EXPONENT = 1e15;
/* eslint-enable no-var */
const INITIAL_ROWS = 64;
/** Most cells kept between requests (256 KiB): a batch-64 request of 1,000 features fits. */
const MAX_KEPT_CELLS = 65_536;
const NO_BYTES = Buffer.alloc(0);
const NO_VIEW = new DataView(new ArrayBuffer(0));

/** The first position from `pos` on that is not JSON whitespace. */
function skipWhitespace(b: Uint8Array, pos: number): number {
  let c = b[pos];
  while (c === SPACE || c === LINE_FEED || c === CARRIAGE_RETURN || c === TAB) c = b[++pos];
  return pos;
}

/** Where the last number {@link numberAt} read ends (a second result without allocating one). */
// eslint-disable-next-line no-var
var numberEnd = 0;

/**
 * The JSON number at `start` of `b`, the double `JSON.parse` gives for it, with {@link numberEnd} past it; NaN when
 * no JSON number starts there.
 */
function numberAt(b: Buffer, start: number): number {
  let pos = start;
  const negative = b[pos] === MINUS;
  if (negative) pos++;
  let c = b[pos];
  let mantissa = 0;
  let scale = 0;
  if (c === ZERO) {
    c = b[++pos];
  } else if (c >= ONE && c <= NINE) {
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      c = b[++pos];
    } while (c >= ZERO && c <= NINE);
  } else {
    return NaN;
  }
  if (c === DOT) {
    c = b[++pos];
    if (!(c >= ZERO && c <= NINE)) return NaN;
    do {
      mantissa = mantissa * 10 + (c - ZERO);
      scale++;
      c = b[++pos];
    } while (c >= ZERO && c <= NINE);
  }
  let exponent = 0;
  if (c === LOWER_E || c === UPPER_E) {
    c = b[++pos];
    const negativeExponent = c === MINUS;
    if (c === MINUS || c === PLUS) c = b[++pos];
    if (!(c >= ZERO && c <= NINE)) return NaN;
    do {
      if (exponent < MAX_READ_EXPONENT) exponent = exponent * 10 + (c - ZERO);
      c = b[++pos];
    } while (c >= ZERO && c <= NINE);
    if (negativeExponent) exponent = -exponent;
  }
  numberEnd = pos;
  const power = exponent - scale;
  // The mantissa was read exactly if it ends below 2^53: it only grew, and rounding never takes a sum below 2^53.
  if (mantissa < EXACT_MANTISSA && power >= -MAX_EXACT_POWER && power <= MAX_EXACT_POWER) {
    const x = power >= 0 ? mantissa * POWERS_OF_TEN[power] : mantissa / POWERS_OF_TEN[-power];
    return negative ? -x : x;
  }
  return Number(b.toString('latin1', start, pos));
}

/** The whole of `bytes` read as one JSON number as the decoder reads it; NaN unless it is exactly one. */
export function jsonNumber(bytes: Uint8Array): number {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const x = numberAt(b, 0);
  return numberEnd === b.length ? x : NaN;
}

function emptyCells(): BatchBuffers {
  return { count: 0, flat: new Float32Array(0), numeric: [], text: [] };
}

/** A feature name the decoder can match byte for byte: no character JSON must escape, no U+FFFD, well-formed. */
function matchable(name: string): boolean {
  if (Buffer.from(name, 'utf8').toString('utf8') !== name) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < SPACE || c === QUOTE || c === BACKSLASH || c === 0xfffd) return false;
  }
  return true;
}

/** Decodes `/invocations` JSON bodies for one manifest's rules. Synchronous, so one decoder serves every request. */
export class InstancesDecoder {
  /** False when the layout or a feature name is beyond what it handles: it then always answers undefined. */
  readonly usable: boolean;
  private readonly n: number;
  /** Per feature, its name's UTF-8 bytes and the closing quote; and their first bytes as little-endian 32-bit words. */
  private readonly patterns: readonly Uint8Array[];
  private readonly patternWords: readonly Int32Array[];
  /** Per feature, the object in which it was last read (a repeated key is seen in the same object). */
  private readonly seenIn: Uint32Array;
  private objectStamp = 0;
  /** Row-major cells, reused across requests and copied out at the exact size. */
  private out: BatchBuffers = emptyCells();
  private bytes: Buffer = NO_BYTES;
  private view: DataView = NO_VIEW;
  private pos = 0;

  constructor(private readonly rules: FeatureRules) {
    this.n = rules.featureCount;
    this.patterns = rules.featureNames.map((name) => Buffer.from(`${name}"`, 'utf8'));
    this.patternWords = this.patterns.map((pattern) => {
      const words = new Int32Array(pattern.length >> 2);
      const view = new DataView(pattern.buffer, pattern.byteOffset, pattern.length);
      for (let w = 0; w < words.length; w++) words[w] = view.getInt32(4 * w, true);
      return words;
    });
    this.seenIn = new Uint32Array(this.n);
    // A string-encoded or one-hot category, another tensor type or several tensors: the general path's job.
    this.usable = rules.single && this.n > 0 && rules.featureNames.every(matchable);
  }

  /** The prepared batch, or undefined when the general path must decide (it then gives the answer or the error). */
  decode(body: Uint8Array | string, limits: InstancesJsonLimits): PreparedBatch | undefined {
    if (!this.usable || this.n > limits.maxObjectKeys) return undefined;
    // A string body (Lambda's) is encoded once: lone surrogates become U+FFFD, which no matchable name contains.
    this.bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.length);
    const b = this.bytes;
    this.view = new DataView(b.buffer, b.byteOffset, b.length);
    this.pos = b[0] === BYTE_ORDER_MARK[0] && b[1] === BYTE_ORDER_MARK[1] && b[2] === BYTE_ORDER_MARK[2] ? 3 : 0;
    try {
      const count = this.envelope(limits.maxInstances);
      return count === 0 ? undefined : { data: (this.out.flat as Float32Array).slice(0, count * this.n), count };
    } finally {
      this.bytes = NO_BYTES;
      this.view = NO_VIEW;
      // Cells for an unusually large batch are not kept for the next request.
      if ((this.out.flat as Float32Array).length > MAX_KEPT_CELLS) this.out = emptyCells();
    }
  }

  /** `{"instances": [...]}` and nothing after it: the number of instances, 0 to give up. */
  private envelope(maxInstances: number): number {
    if (!this.skipTo(OPEN_BRACE)) return 0;
    const b = this.bytes;
    this.pos = skipWhitespace(b, this.pos);
    for (let i = 0; i < INSTANCES_KEY.length; i++) if (b[this.pos + i] !== INSTANCES_KEY[i]) return 0;
    this.pos += INSTANCES_KEY.length;
    if (!this.skipTo(COLON) || !this.skipTo(OPEN_BRACKET)) return 0;
    const count = this.instances(maxInstances);
    if (count === 0 || !this.skipTo(CLOSE_BRACE)) return 0;
    // Trailing whitespace read within bounds: a read past the end would make V8 recompile the hot reader.
    let end = this.pos;
    while (end < b.length && (b[end] === SPACE || b[end] === LINE_FEED || b[end] === CARRIAGE_RETURN || b[end] === TAB)) end++;
    return end === b.length ? count : 0;
  }

  /** The instances after `[`, through `]`: their number, 0 to give up (an empty batch is the general path's error). */
  private instances(maxInstances: number): number {
    const b = this.bytes;
    this.pos = skipWhitespace(b, this.pos);
    for (let row = 0; ; ) {
      if (row === maxInstances) return 0;
      this.reserve(row);
      const c = b[this.pos];
      if (c === OPEN_BRACE ? !this.object(row) : c !== OPEN_BRACKET || !this.array(row)) return 0;
      row++;
      const at = skipWhitespace(b, this.pos);
      const separator = b[at];
      this.pos = skipWhitespace(b, at + 1);
      if (separator === CLOSE_BRACKET) return row;
      if (separator !== COMMA) return 0;
    }
  }

  /** An instance keyed by feature name, every feature exactly once. */
  private object(row: number): boolean {
    const b = this.bytes;
    const n = this.n;
    const stamp = this.nextStamp();
    let pos = this.pos + 1;
    let expected = 0;
    for (let k = 0; k < n; k++) {
      pos = skipWhitespace(b, pos);
      if (b[pos] !== QUOTE) return false;
      const f = this.key(pos + 1, expected);
      if (f < 0 || this.seenIn[f] === stamp) return false;
      this.seenIn[f] = stamp;
      expected = f + 1;
      pos = skipWhitespace(b, this.pos);
      if (b[pos] !== COLON) return false;
      const x = numberAt(b, skipWhitespace(b, pos + 1));
      this.pos = numberEnd;
      if (x !== x || !this.rules.putNumber(f, x, row, this.out)) return false;
      pos = skipWhitespace(b, this.pos);
      const separator = b[pos++];
      if (separator === CLOSE_BRACE) {
        this.pos = pos;
        return k === n - 1;
      }
      if (separator !== COMMA) return false;
    }
    return false;
  }

  /** An instance as an array of exactly one value per feature, in feature order. */
  private array(row: number): boolean {
    const b = this.bytes;
    const n = this.n;
    let pos = this.pos + 1;
    for (let f = 0; f < n; f++) {
      const x = numberAt(b, skipWhitespace(b, pos));
      this.pos = numberEnd;
      if (x !== x || !this.rules.putNumber(f, x, row, this.out)) return false;
      pos = skipWhitespace(b, this.pos);
      const separator = b[pos++];
      if (separator === CLOSE_BRACKET) {
        this.pos = pos;
        return f === n - 1;
      }
      if (separator !== COMMA) return false;
    }
    return false;
  }

  /**
   * The feature named by the key starting at `at` (after its opening quote); -1 to give up, else `pos` is past the
   * closing quote. Clients send the keys in feature order, so the expected name is compared first.
   */
  private key(at: number, expected: number): number {
    const b = this.bytes;
    if (expected < this.n) {
      // The name and its closing quote, four bytes at a time, then the last few one by one.
      const pattern = this.patterns[expected];
      const length = pattern.length;
      if (at + length <= b.length) {
        const words = this.patternWords[expected];
        const view = this.view;
        let i = 0;
        for (let w = 0; w < words.length && view.getInt32(i + at, true) === words[w]; w++) i += 4;
        if (i === words.length * 4) while (i < length && b[at + i] === pattern[i]) i++;
        if (i === length) {
          this.pos = at + length;
          return expected;
        }
      }
    }
    let end = at;
    for (let c = b[end]; c !== QUOTE; c = b[++end]) {
      // An escape, a control character (invalid JSON) or the end of the body.
      if (c === BACKSLASH || !(c >= SPACE)) return -1;
    }
    this.pos = end + 1;
    // Invalid UTF-8 decodes to U+FFFD, which no matchable name has: a match is the name's own bytes.
    return this.rules.index.get(b.toString('utf8', at, end)) ?? -1;
  }

  /** Whitespace, then `byte`: true and past it, or false. */
  private skipTo(byte: number): boolean {
    const pos = skipWhitespace(this.bytes, this.pos);
    if (this.bytes[pos] !== byte) return false;
    this.pos = pos + 1;
    return true;
  }

  /** Room for row `row`; the cells are only ever written whole rows at a time, so old contents never show. */
  private reserve(row: number): void {
    const flat = this.out.flat as Float32Array;
    const needed = (row + 1) * this.n;
    if (needed <= flat.length) return;
    const grown = new Float32Array(Math.max(needed, INITIAL_ROWS * this.n, flat.length * 2));
    grown.set(flat);
    this.out = { count: grown.length / this.n, flat: grown, numeric: [], text: [] };
  }

  private nextStamp(): number {
    if (this.objectStamp === 0xffffffff) {
      this.seenIn.fill(0);
      this.objectStamp = 0;
    }
    return ++this.objectStamp;
  }
}
