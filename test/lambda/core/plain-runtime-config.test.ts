/**
 * The plain reader of the runtime configuration (lambda/core/plain-runtime-config.ts), which the Lambda function
 * tries before loading zod: it must accept exactly what the schemas accept and give the same configuration, and
 * leave every bad value to the schemas, which name it.
 */
import fc from 'fast-check';
import { plainRuntimeConfig, readRuntimeConfig } from '../../../lambda/core/plain-runtime-config';
import { runtimeConfigFromEnv, RuntimeConfigError, type RuntimeConfig } from '../../../lambda/core/runtime-config';

const SHA = 'a3122f47e2c23f26582451320035d4e0640515d4974c012795e2d6aa247cda78';
const BASE = { MODEL_BUCKET: 'my-models', MODEL_KEY: 'iris/1.0.0/model.onnx', MODEL_SHA256: SHA };
const FIGURES = { verdict: 'pass', keyMetric: 'macroF1', metrics: { accuracy: 0.97, macroF1: 0.96 }, rows: 143, dataSha256: SHA, evaluatedAt: '2025-01-01T00:00:00Z' };
const OPTIONS = { bundleDir: '/var/task' };

/** The schemas' answer: the configuration, or the problems they name. */
function schemasRead(env: NodeJS.ProcessEnv): RuntimeConfig | readonly string[] {
  try {
    return runtimeConfigFromEnv(env, OPTIONS);
  } catch (error) {
    if (error instanceof RuntimeConfigError) return error.problems;
    throw error;
  }
}

/** Values around each rule: valid in every accepted form, and just outside it. */
const blank = fc.constantFrom('', ' ', '\t');
const wholeNumber = fc.oneof(
  fc.integer({ min: -2, max: 2_000_000 }).map(String),
  fc.constantFrom('0', '01', ' 64 ', '1.5', '1e3', '+5', '0x10', '9007199254740993', '1073741824', '1073741825', '900000', '900001', '1000000', '1000001'),
  fc.string({ maxLength: 4 }),
);
const word = fc.oneof(fc.constantFrom('true', 'false', 'TRUE', ' yes ', 'No', '1', '0', 'on', 'OFF', 'y', 'truthy', '2'), fc.string({ maxLength: 4 }));
const percent = fc.oneof(
  fc.double({ min: -1, max: 120, noNaN: true }).map(String),
  fc.constantFrom('0', '0.0', '100', '100.0', '100.01', '100.5', '101', ' 25 ', '.5', '5.', '1e-7', '-0', '50%'),
);
const bucket = fc.oneof(fc.constantFrom('my-models', 'a.b.c', 'ab', 'abc', 'My-Models', '-models', 'models-', ' my-models', 'x'.repeat(63), 'x'.repeat(64)), fc.string({ maxLength: 8 }));
const key = fc.oneof(fc.constantFrom('iris/model.onnx', ' spaced ', 'é'.repeat(512), 'é'.repeat(513), 'k'.repeat(1024), 'k'.repeat(1025)), fc.string({ maxLength: 8 }));
const sha = fc.oneof(fc.constantFrom(SHA, SHA.toUpperCase(), ` ${SHA} `, SHA.slice(1), `${SHA}0`, SHA.replace('a', 'g')), fc.string({ maxLength: 4 }));
const namespace = fc.oneof(fc.constantFrom('ml/prod', 'n'.repeat(255), 'n'.repeat(256), ' x '), fc.string({ maxLength: 8 }));
const figures = fc.oneof(
  fc.constant(FIGURES),
  fc.record({
    verdict: fc.constantFrom('pass', 'fail', 'PASS', 1),
    keyMetric: fc.constantFrom('macroF1', '', 3),
    metrics: fc.oneof(
      fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', '1')), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('0.9'))),
      fc.constantFrom([], null, 'x'),
    ),
    rows: fc.constantFrom(0, 143, -1, 1.5, 2 ** 53, '143'),
    dataSha256: fc.constantFrom(SHA, SHA.toUpperCase(), 'abc'),
    evaluatedAt: fc.constantFrom('2025-01-01T00:00:00Z', '', 0),
  }),
  fc.constantFrom({ ...FIGURES, extra: 1 }, { ...FIGURES, rows: undefined }, [], null, 5),
);
const evaluation = fc.oneof(
  figures.map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '{',
    'not json',
    ` ${JSON.stringify(FIGURES)} `,
    '{"__proto__":{"verdict":"pass"}}',
    JSON.stringify({ ...FIGURES, metrics: JSON.parse('{"__proto__":1,"accuracy":0.9}') as unknown }),
    JSON.stringify({ ...FIGURES, metrics: JSON.parse('{"__proto__":{"x":1}}') as unknown }),
  ),
);

/** Each variable unset, blank, valid (mostly), or drawn from values around its rule. */
function variable(valid: fc.Arbitrary<string>, around: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: blank },
    { weight: 12, arbitrary: valid },
    { weight: 1, arbitrary: around },
  );
}

const validNumber = (max: number) => fc.oneof(fc.integer({ min: 1, max }).map(String), fc.constantFrom(' 64 ', '0064', String(max)));
const validWord = fc.constantFrom('true', 'false', 'TRUE', ' yes ', 'No', '1', '0', 'on', 'OFF');
const validPercent = fc.oneof(fc.integer({ min: 0, max: 100 }).map(String), fc.constantFrom('2.5', ' 25 ', '100.0', '0.0'));

const environment = fc.record(
  {
    MODEL_BUCKET: variable(fc.constantFrom('my-models', 'a.b.c', 'abc', 'x'.repeat(63)), bucket),
    MODEL_KEY: variable(fc.constantFrom('iris/model.onnx', ' spaced ', 'é'.repeat(512), 'k'.repeat(1024)), key),
    MODEL_SHA256: variable(fc.constantFrom(SHA, SHA.toUpperCase(), ` ${SHA} `), sha),
    MODEL_MANIFEST: variable(fc.constantFrom('model.json', '../m.json', '/opt/m.json', ' x '), fc.string({ maxLength: 4 })),
    MAX_BATCH_SIZE: variable(validNumber(1_000_000), wholeNumber),
    MAX_PAYLOAD_BYTES: variable(validNumber(1024 * 1024 * 1024), wholeNumber),
    LOG_PAYLOADS: variable(validWord, word),
    MODEL_S3_CONNECT_TIMEOUT_MS: variable(validNumber(900_000), wholeNumber),
    MODEL_S3_READ_TIMEOUT_MS: variable(validNumber(900_000), wholeNumber),
    MODEL_S3_ATTEMPT_TIMEOUT_MS: variable(validNumber(900_000), wholeNumber),
    POWERTOOLS_METRICS_NAMESPACE: variable(fc.constantFrom('ml/prod', 'n'.repeat(255), ' x '), namespace),
    MODEL_EVALUATION: variable(fc.constant(JSON.stringify(FIGURES)), evaluation),
    CAPTURE_SAMPLING_PERCENTAGE: variable(validPercent, percent),
    CAPTURE_INPUTS: variable(validWord, word),
  },
  { requiredKeys: [] },
).map((env) => Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as NodeJS.ProcessEnv);

describe('Given any environment', () => {
  test('When both readers read it, then the plain reader gives the schemas\' configuration, or leaves it to them when they find a problem', () => {
    let plain = 0;
    let refused = 0;
    fc.assert(
      fc.property(environment, (env) => {
        const expected = schemasRead(env);
        const actual = plainRuntimeConfig(env, OPTIONS);
        if (Array.isArray(expected)) {
          refused++;
          expect(actual).toBeUndefined();
        } else {
          plain++;
          expect(actual).toEqual(expected);
          // The same keys in the same order: the metadata document serializes the evaluation as read.
          expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
        }
      }),
      { numRuns: 3000 },
    );
    // Both sides of the property were exercised, not one.
    expect(plain).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  });
});

describe('Given a valid environment', () => {
  test('When it is read, then no schema is needed and every variable is in the configuration', () => {
    const env = {
      ...BASE,
      MODEL_SHA256: ` ${SHA.toUpperCase()} `,
      MODEL_MANIFEST: 'models/iris.json',
      MAX_BATCH_SIZE: '64',
      MAX_PAYLOAD_BYTES: ' 1048576 ',
      LOG_PAYLOADS: 'Yes',
      MODEL_S3_CONNECT_TIMEOUT_MS: '500',
      POWERTOOLS_METRICS_NAMESPACE: 'ml-prod',
      MODEL_EVALUATION: JSON.stringify(FIGURES),
      CAPTURE_SAMPLING_PERCENTAGE: '2.5',
      CAPTURE_INPUTS: 'true',
    };
    expect(plainRuntimeConfig(env, OPTIONS)).toEqual({
      modelBucket: 'my-models',
      modelKey: 'iris/1.0.0/model.onnx',
      modelSha256: SHA,
      manifestPath: '/var/task/models/iris.json',
      limits: { maxBatchSize: 64, maxPayloadBytes: 1048576 },
      logPayloads: true,
      metricsNamespace: 'ml-prod',
      evaluation: FIGURES,
      s3Timeouts: { connectTimeoutMs: 500 },
      capture: { samplingPercentage: 2.5, captureInputs: true },
    });
  });
});

describe('Given an invalid environment', () => {
  test.each([
    ['a required variable missing', { MODEL_BUCKET: 'my-models', MODEL_KEY: 'k' }],
    ['a bad bucket name', { ...BASE, MODEL_BUCKET: 'My_Models' }],
    ['a bad number', { ...BASE, MAX_BATCH_SIZE: '0' }],
    ['a bad flag', { ...BASE, LOG_PAYLOADS: 'maybe' }],
    ['evaluation figures the schema refuses', { ...BASE, MODEL_EVALUATION: JSON.stringify({ ...FIGURES, rows: -1 }) }],
  ])('When it has %s, then the plain reader leaves it to the schemas, and the error is theirs', (_, env) => {
    expect(plainRuntimeConfig(env)).toBeUndefined();
    const thrown = (() => {
      try {
        readRuntimeConfig(env);
      } catch (error) {
        return error;
      }
      throw new Error('expected a RuntimeConfigError');
    })();
    expect(thrown).toBeInstanceOf(RuntimeConfigError);
    expect((thrown as RuntimeConfigError).problems).toEqual(schemasRead(env));
  });
});
