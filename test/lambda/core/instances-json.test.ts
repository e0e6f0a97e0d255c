/**
 * The fast path of a JSON `{"instances": [...]}` body (lambda/core/instances-json.ts): the batches it decodes are
 * the general path's (JSON.parse, the envelope, prepare) bit for bit, and every body it does not fully understand
 * falls back (one test per reason). Properties: numbers as JSON.stringify and Python write them, and random bodies
 * valid and broken, are either left to the general path or decoded to exactly its batch.
 */
import fc from 'fast-check';
import { createPreparer, type Preparer } from '../../../lambda/core/prepare';
import { jsonNumber, type InstancesJsonLimits } from '../../../lambda/core/instances-json';
import { bodyText, checkBatchSize, DEFAULT_MAX_JSON_OBJECT_KEYS, isJsonObject, parseJson } from '../../../lambda/serving/bodies';
import { manifestOf, mixed, type FeatureInput } from '../../support/preparation';

const LIMITS: InstancesJsonLimits = { maxInstances: 100, maxObjectKeys: DEFAULT_MAX_JSON_OBJECT_KEYS };

/** Scaled, bounded integer, boolean, and names beyond ASCII letters (a space, UTF-8, an Object.prototype member). */
const FEATURES: FeatureInput[] = [
  { name: 'a', scale: { mean: 10, std: 4 } },
  { name: 'b', type: 'integer', min: 0, max: 120 },
  { name: 'c', type: 'boolean' },
  { name: 'mean radius', min: -1e300 },
  { name: 'größe' },
  { name: 'constructor', missing: { constant: 1 } },
];
const preparer = createPreparer(manifestOf(FEATURES));
const NAMES = FEATURES.map((f) => f.name);

type Outcome = { count: number; bits: string } | 'error';

function outcome(batch: { count: number; data: Float32Array }): Outcome {
  return { count: batch.count, bits: Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength).toString('hex') };
}

/** What /invocations' general path makes of the body: its batch, or that it answers an error. */
function generalPath(p: Preparer, body: Uint8Array | string, limits = LIMITS): Outcome {
  try {
    const value = parseJson(bodyText(typeof body === 'string' ? body : Buffer.from(body)));
    if (!isJsonObject(value) || !Array.isArray(value.instances)) return 'error';
    checkBatchSize(value.instances.length, limits.maxInstances);
    return outcome(p.prepare(value.instances));
  } catch {
    return 'error';
  }
}

function fastPath(p: Preparer, body: Uint8Array | string, limits = LIMITS): Outcome | undefined {
  const batch = p.prepareInstancesJson(body, limits);
  return batch === undefined ? undefined : outcome(batch);
}

/** The fast path decodes the body, to the general path's batch; from a string and from bytes alike. */
function expectDecoded(body: string, p: Preparer = preparer): void {
  const general = generalPath(p, body);
  expect(general).not.toBe('error');
  expect(fastPath(p, body)).toEqual(general);
  expect(fastPath(p, Buffer.from(body))).toEqual(general);
}

/** The fast path leaves the body to the general path. */
function expectFallback(body: string | Uint8Array, p: Preparer = preparer, limits = LIMITS): void {
  expect(fastPath(p, body, limits)).toBeUndefined();
  if (typeof body === 'string') expect(fastPath(p, Buffer.from(body), limits)).toBeUndefined();
}

const ROW = { a: 14, b: 3, c: 1, 'mean radius': 17.99, größe: -0.5, constructor: 2 };
const ROW_ARRAY = NAMES.map((name) => ROW[name as keyof typeof ROW]);
const body = (instances: unknown[]) => JSON.stringify({ instances });

describe('InstancesDecoder: bodies it decodes, bit for bit as the general path', () => {
  it('decodes objects keyed by feature name, scaled as prepare scales them', () => {
    expectDecoded(body([ROW, { ...ROW, a: 10.3 }]));
    const batch = preparer.prepareInstancesJson(body([ROW]), LIMITS);
    expect(Array.from(batch?.data ?? [])).toEqual([1, 3, 1, Math.fround(17.99), -0.5, 2]);
  });

  it('decodes objects whose keys come in any order', () => {
    const reversed = Object.fromEntries(Object.entries(ROW).reverse());
    expectDecoded(body([reversed, ROW]));
  });

  it('decodes arrays in feature order, and objects and arrays mixed', () => {
    expectDecoded(body([ROW_ARRAY, ROW, ROW_ARRAY]));
  });

  it('decodes JSON whitespace of every kind between tokens (Python json.dumps, indented, CRLF, tabs)', () => {
    const text = body([ROW, ROW_ARRAY]);
    expectDecoded(JSON.stringify(JSON.parse(text), null, 2));
    expectDecoded(JSON.stringify(JSON.parse(text), null, '\t').replace(/\n/g, '\r\n'));
    expectDecoded(text.replace(/([,:])/g, '$1 '));
    expectDecoded(` \n\t\r${text.replace(/([[{,:])/g, '$1 \t').replace(/([\]}])/g, ' \r\n$1')}\n `);
  });

  it('skips one leading byte order mark, as the general path does', () => {
    expectDecoded(`\uFEFF${body([ROW])}`);
  });

  it('decodes bytes that are a view into a larger buffer', () => {
    const text = body([ROW]);
    const larger = Buffer.from(`xyz${text}xyz`);
    expect(fastPath(preparer, larger.subarray(3, 3 + Buffer.byteLength(text)))).toEqual(generalPath(preparer, text));
  });

  it('reads numbers exactly as JSON.parse: negative zero, exponents, long mantissas, subnormals', () => {
    const values = ['-0', '-0.0', '0e5', '1E2', '1e+2', '12.5e-1', '0.1', '0.30000000000000004', '123456789012345678901234', '5e-324', '3.4e38', '2.5e-300'];
    for (const text of values) expectDecoded(`{"instances":[[14,3,1,${text},0,1]]}`);
  });

  it('decodes up to maxInstances instances, the batch limit', () => {
    expectDecoded(body(Array.from({ length: LIMITS.maxInstances }, () => ROW)));
  });

  it('decodes a batch larger than any before it (the cells grow)', () => {
    expectDecoded(body(Array.from({ length: 3 }, () => ROW)));
    expectDecoded(body(Array.from({ length: 90 }, (_, i) => ({ ...ROW, a: i }))));
    expectDecoded(body([ROW]));
  });

  it('decodes a batch larger than the cells it keeps between requests, and the next one after it', () => {
    const limits = { ...LIMITS, maxInstances: 20_000 };
    const large = body(Array.from({ length: 12_000 }, (_, i) => ({ ...ROW, a: i })));
    expect(fastPath(preparer, large, limits)).toEqual(generalPath(preparer, large, limits));
    expectDecoded(body([ROW, ROW]));
  });
});

describe('InstancesDecoder: falls back to the general path', () => {
  const row = (fields: string) => `{"instances":[{${fields}}]}`;
  const valid = '"a":14,"b":3,"c":1,"mean radius":17.99,"größe":0,"constructor":2';

  it.each([
    ['a missing feature (even one with a fill)', row(valid.replace(',"constructor":2', ''))],
    ['a repeated key', row(`${valid},"a":14`)],
    ['an unknown key', row(`${valid},"d":1`)],
    ['an escaped key', row(valid.replace('"a"', '"\\u0061"'))],
    ['a key with a control character', row(valid.replace('"a"', '"a\t"'))],
    ['a key that is not a string', row(valid.replace('"a"', 'a'))],
    ['null', row(valid.replace('14', 'null'))],
    ['a string value', row(valid.replace('14', '"14"'))],
    ['true for a boolean feature', row(valid.replace('"c":1', '"c":true'))],
    ['a nested array', row(valid.replace('14', '[14]'))],
    ['a nested object', row(valid.replace('14', '{"x":14}'))],
    ['a value under the minimum', row(valid.replace('"b":3', '"b":-1'))],
    ['a fraction for an integer feature', row(valid.replace('"b":3', '"b":3.5'))],
    ['2 for a boolean feature', row(valid.replace('"c":1', '"c":2'))],
    ['a number too large for a double (1e999)', row(valid.replace('14', '1e999'))],
    ['a number finite as a double but not as float32', row(valid.replace('"größe":0', '"größe":1e39'))],
    ['an empty object', '{"instances":[{}]}'],
    ['an object with a trailing comma', row(`${valid},`)],
  ])('for an instance with %s', (_reason, text) => expectFallback(text));

  it.each([
    ['too few values', '{"instances":[[14,3,1,17.99,0]]}'],
    ['too many values', '{"instances":[[14,3,1,17.99,0,2,7]]}'],
    ['a trailing comma', '{"instances":[[14,3,1,17.99,0,2,]]}'],
    ['a value that is not a number', '{"instances":[[14,3,1,17.99,0,"2"]]}'],
  ])('for an array instance with %s', (_reason, text) => expectFallback(text));

  it.each(['01', '1.', '.5', '+1', '-', '1e', '1e+', '-.5', 'NaN', 'Infinity', '0x10', '1_0', '١'])(
    'for a number JSON does not allow: %s',
    (text) => expectFallback(`{"instances":[[14,3,1,${text},0,1]]}`),
  );

  it.each([
    ['an empty body', ''],
    ['a body that is not an object', '[[14,3,1,17.99,0,2]]'],
    ['a key other than instances', `{"instances":[${JSON.stringify(ROW_ARRAY)}],"parameters":{}}`],
    ['a key before instances', `{"x":1,"instances":[${JSON.stringify(ROW_ARRAY)}]}`],
    ['instances repeated', `{"instances":[],"instances":[${JSON.stringify(ROW_ARRAY)}]}`],
    ['instances escaped', `{"\\u0069nstances":[${JSON.stringify(ROW_ARRAY)}]}`],
    ['no instances', '{"rows":[]}'],
    ['instances that are not an array', '{"instances":{}}'],
    ['an empty batch', '{"instances":[]}'],
    ['an instance that is a number', '{"instances":[1]}'],
    ['an instance that is null', '{"instances":[null]}'],
    ['text after the body', `${body([ROW])}x`],
    ['a second body after the first', `${body([ROW])}${body([ROW])}`],
    ['an unclosed body', body([ROW]).slice(0, -1)],
    ['two byte order marks', `\uFEFF\uFEFF${body([ROW])}`],
  ])('for an envelope with %s', (_reason, text) => expectFallback(text));

  it('for more instances than maxInstances (the general path answers 413)', () => {
    expectFallback(body([ROW, ROW, ROW]), preparer, { ...LIMITS, maxInstances: 2 });
  });

  it('for bytes that are not UTF-8 where a key would be (the general path answers 400)', () => {
    const bytes = Buffer.from(row(valid));
    const at = bytes.indexOf('größe');
    expectFallback(Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at + 1)]));
  });

  it('for a string body with a lone surrogate in a key', () => expectFallback(row(valid.replace('"a"', '"\ud800"'))));

  it('for a model with a categorical feature (one-hot, ordinal or string-encoded)', () => {
    const categorical = createPreparer(manifestOf([{ name: 'x' }, { name: 'colour', type: 'category', categories: ['red', 'blue'] }]));
    expectFallback('{"instances":[{"x":1,"colour":"red"}]}', categorical);
  });

  it.each(['quo"te', 'back\\slash', 'replacement\ufffd'])('for a model with a feature name JSON must escape or cannot match byte for byte: %j', (name) => {
    const p = createPreparer(manifestOf([{ name: 'x' }, { name }]));
    expectFallback(`{"instances":[[1,2]]}`, p);
  });

  it('for a model with more features than a JSON object may have keys (the general path answers 400)', () => {
    expectFallback(body([[14, 3, 1]]), createPreparer(mixed), { ...LIMITS, maxObjectKeys: 2 });
  });
});

/** Python's repr of a float (json.dumps writes floats with it): shortest digits, exponent form below 1e-4 or from 1e16. */
function pythonRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = x < 0 ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Any text of JSON's number grammar, with digits that stress both the exact case and `Number()`. */
const jsonNumberText = fc
  .tuple(
    fc.boolean(),
    fc.oneof(fc.constant('0'), fc.stringMatching(/^[1-9][0-9]{0,24}$/)),
    fc.option(fc.stringMatching(/^[0-9]{1,30}$/), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.stringMatching(/^[0-9]{1,4}$/)), { nil: undefined }),
  )
  .map(([negative, whole, fraction, exponent]) =>
    `${negative ? '-' : ''}${whole}${fraction === undefined ? '' : `.${fraction}`}${exponent === undefined ? '' : exponent.join('')}`,
  );

describe('jsonNumber: the decoder reads every number as JSON.parse does, to the double', () => {
  /** JSON.parse's double for the text, or NaN where it is not exactly one JSON number. */
  function parsed(text: string): number {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === 'number' && /^[-0-9]/.test(text) && !/\s$/.test(text) ? value : NaN;
    } catch {
      return NaN;
    }
  }
  const same = (text: string) => expect(jsonNumber(Buffer.from(text))).toBe(parsed(text));

  it('any double as JSON.stringify writes it', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => same(JSON.stringify(x))), { numRuns: 5000 });
  });

  it('any double as Python writes it (repr)', () => {
    fc.assert(fc.property(fc.double(), (x) => same(pythonRepr(x))), { numRuns: 5000 });
  });

  it('short decimals (the exact case) and their neighbours beyond it', () => {
    const decimal = fc
      .tuple(fc.integer({ min: -(2 ** 53) - 10, max: 2 ** 53 + 10 }), fc.integer({ min: -30, max: 30 }))
      .map(([m, e]) => `${m}e${e}`);
    fc.assert(fc.property(decimal, same), { numRuns: 5000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 25 }), (m, k) => same(`0.${'0'.repeat(k)}${m}`)), { numRuns: 3000 });
  });

  it('any text of the JSON number grammar', () => {
    fc.assert(fc.property(jsonNumberText, same), { numRuns: 5000 });
  });

  it('text that is not exactly one JSON number is NaN', () => {
    fc.assert(fc.property(fc.stringMatching(/^[-+.eE0-9 x]{0,8}$/), same), { numRuns: 5000 });
  });
});

describe('InstancesDecoder: properties', () => {
  const single = createPreparer(manifestOf([{ name: 'x' }]));
  const wide = { ...LIMITS };

  /** Every number decodes to JSON.parse's double, rounded to float32 as prepare rounds it, or falls back. */
  function expectSameNumber(text: string): void {
    const json = `{"instances":[[${text}]]}`;
    const fast = fastPath(single, Buffer.from(json), wide);
    const general = generalPath(single, json, wide);
    if (fast !== undefined) expect(fast).toEqual(general);
    // A number the general path takes is never left to it (only non-finite values are).
    if (general !== 'error') expect(fast).toEqual(general);
  }

  it('numbers written by JSON.stringify (any double)', () => {
    fc.assert(fc.property(fc.double(), (x) => expectSameNumber(JSON.stringify(x))), { numRuns: 3000 });
  });

  it('numbers written as Python writes them (repr)', () => {
    fc.assert(fc.property(fc.double(), (x) => expectSameNumber(pythonRepr(x))), { numRuns: 3000 });
  });

  it('numbers of any shape JSON allows (long mantissas, leading zeros in fractions, exponents)', () => {
    fc.assert(fc.property(jsonNumberText, expectSameNumber), { numRuns: 3000 });
  });

  it('random bodies, valid and broken: the fast path falls back or gives the general path batch', () => {
    const odd = fc.constantFrom('null', 'true', 'false', '"1"', '[]', '{}', '1e999', '-0', '2.0', '1e39', '-1', '0.5');
    const double = fc.double({ min: -200, max: 200, noNaN: true }).map((x) => JSON.stringify(x));
    /** Mostly a value the feature accepts (b: whole 0 to 120, c: 0 or 1), now and then any value. */
    const valueOf = (name: string) =>
      fc.oneof(
        { weight: 20, arbitrary: name === 'b' ? fc.integer({ min: 0, max: 120 }).map(String) : name === 'c' ? fc.constantFrom('0', '1', '1.0') : double },
        { weight: 1, arbitrary: fc.oneof(odd, double) },
      );
    const value = fc.oneof(double, odd);
    const key = fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...NAMES) },
      { weight: 1, arbitrary: fc.constantFrom('d', 'A', 'gr\\u00f6\\u00dfe', 'mean_radius') },
    );
    const objectInstance = fc
      .array(fc.tuple(key, value), { minLength: 4, maxLength: 8 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k).replace(/\\\\/g, '\\')}:${v}`).join(',')}}`);
    const completeObject = fc
      .tuple(fc.shuffledSubarray(NAMES, { minLength: NAMES.length, maxLength: NAMES.length }), fc.tuple(...NAMES.map(valueOf)))
      .map(([names, values]) => `{${names.map((k) => `${JSON.stringify(k)}:${values[NAMES.indexOf(k)]}`).join(',')}}`);
    const arrayInstance = fc.oneof(
      fc.tuple(...NAMES.map(valueOf)).map((values) => `[${values.join(',')}]`),
      fc.array(value, { minLength: 5, maxLength: 7 }).map((values) => `[${values.join(',')}]`),
    );
    const instance = fc.oneof(completeObject, completeObject, arrayInstance, objectInstance);
    const whitespace = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n  ');
    const envelope = fc
      .tuple(fc.array(instance, { minLength: 0, maxLength: 5 }), whitespace, whitespace, fc.constantFrom('', '', '\uFEFF', 'x', ',"p":1'))
      .map(([instances, w1, w2, extra]) =>
        extra === '\uFEFF' ? `\uFEFF{"instances":[${instances.join(`,${w1}`)}]${w2}}` : `{"instances":${w1}[${instances.join(`${w2},`)}]${extra}}`,
      );
    // A random edit anywhere: a byte deleted, or one inserted.
    const edited = fc
      .tuple(envelope, fc.nat(), fc.constantFrom('', '', ' ', ',', '"', '}', ']', '0', '.', 'e', '-', '\\'))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return insert === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + insert + text.slice(i);
      });
    const limits = { ...LIMITS, maxInstances: 4 };
    let decoded = 0;
    fc.assert(
      fc.property(fc.oneof(envelope, envelope, edited), (text) => {
        const general = generalPath(preparer, text, limits);
        for (const bytes of [text, Buffer.from(text)]) {
          const fast = fastPath(preparer, bytes, limits);
          if (fast !== undefined) expect(fast).toEqual(general);
          if (fast !== undefined) decoded++;
        }
      }),
      { numRuns: 4000 },
    );
    // The bodies reach the decoder's every branch only if a fair share of them is decoded.
    expect(decoded).toBeGreaterThan(200);
  });
});
