import { join } from 'node:path';
import {
  containerConfigFromEnv,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_PAYLOAD_BYTES,
  isLambdaEnvironment,
  runtimeConfigFromEnv,
  RuntimeConfigError,
} from '../../../lambda/core/runtime-config';

const SHA = 'a3122f47e2c23f26582451320035d4e0640515d4974c012795e2d6aa247cda78';
const BASE = { MODEL_BUCKET: 'my-models', MODEL_KEY: 'iris/1.0.0/model.onnx', MODEL_SHA256: SHA };

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    runtimeConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeConfigError);
    return (error as RuntimeConfigError).problems;
  }
  throw new Error('expected a RuntimeConfigError');
}

describe('runtimeConfigFromEnv', () => {
  test('the required variables, with defaults for the rest', () => {
    expect(runtimeConfigFromEnv({ ...BASE, PATH: '/usr/bin' }, { bundleDir: '/var/task' })).toEqual({
      modelBucket: 'my-models',
      modelKey: 'iris/1.0.0/model.onnx',
      modelSha256: SHA,
      manifestPath: '/var/task/model.json',
      limits: { maxBatchSize: DEFAULT_MAX_BATCH_SIZE, maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES },
      logPayloads: false,
      metricsNamespace: 'modelstack',
    });
    expect(DEFAULT_MAX_PAYLOAD_BYTES).toBe(6 * 1024 * 1024);
    expect(DEFAULT_MAX_BATCH_SIZE).toBe(1000);
  });

  test('the manifest defaults to model.json next to the handler bundle', () => {
    expect(runtimeConfigFromEnv(BASE).manifestPath).toBe(join(__dirname, '..', '..', '..', 'lambda', 'core', 'model.json'));
  });

  test('every optional variable', () => {
    const config = runtimeConfigFromEnv(
      {
        ...BASE,
        MODEL_SHA256: SHA.toUpperCase(),
        MODEL_MANIFEST: 'models/iris.json',
        MAX_BATCH_SIZE: '64',
        MAX_PAYLOAD_BYTES: ' 1048576 ',
        LOG_PAYLOADS: 'TRUE',
        POWERTOOLS_METRICS_NAMESPACE: 'ml-prod',
      },
      { bundleDir: '/var/task' },
    );
    expect(config).toMatchObject({
      modelSha256: SHA,
      manifestPath: '/var/task/models/iris.json',
      limits: { maxBatchSize: 64, maxPayloadBytes: 1048576 },
      logPayloads: true,
      metricsNamespace: 'ml-prod',
    });
    expect(runtimeConfigFromEnv({ ...BASE, MODEL_MANIFEST: '/opt/model.json' }).manifestPath).toBe('/opt/model.json');
    for (const [value, expected] of [['false', false], ['0', false], ['no', false], ['1', true], ['yes', true], ['', false]] as const) {
      expect(runtimeConfigFromEnv({ ...BASE, LOG_PAYLOADS: value }).logPayloads).toBe(expected);
    }
  });

  test('missing required variables are named', () => {
    expect(problemsOf({})).toEqual([
      'MODEL_BUCKET: is required',
      'MODEL_KEY: is required',
      'MODEL_SHA256: is required',
    ]);
    // Empty counts as unset.
    expect(problemsOf({ ...BASE, MODEL_BUCKET: '' })).toEqual(['MODEL_BUCKET: is required (it is set but empty)']);
  });

  test.each([
    ['MODEL_SHA256', 'abc123', 'MODEL_SHA256: must be 64 hexadecimal characters (the SHA-256 of model.onnx) (got "abc123")'],
    ['MODEL_BUCKET', 'My_Bucket', 'MODEL_BUCKET: must be an S3 bucket name (3-63 lower-case letters, digits, dots or hyphens) (got "My_Bucket")'],
    ['MAX_BATCH_SIZE', 'lots', 'MAX_BATCH_SIZE: must be a positive whole number (got "lots")'],
    ['MAX_BATCH_SIZE', '0', 'MAX_BATCH_SIZE: must be a whole number between 1 and 1000000 (got "0")'],
    ['MAX_PAYLOAD_BYTES', '-5', 'MAX_PAYLOAD_BYTES: must be a positive whole number (got "-5")'],
    ['MAX_PAYLOAD_BYTES', '1.5', 'MAX_PAYLOAD_BYTES: must be a positive whole number (got "1.5")'],
    ['LOG_PAYLOADS', 'maybe', 'LOG_PAYLOADS: must be true or false (got "maybe")'],
  ])('a bad %s (%s) is named with its value', (name, value, problem) => {
    expect(problemsOf({ ...BASE, [name]: value })).toEqual([problem]);
  });

  test('a problem inside MODEL_EVALUATION names its path in the JSON, with zod\'s English message', () => {
    const figures = { verdict: 'maybe', keyMetric: 'macroF1', metrics: {}, rows: 1.5, dataSha256: 'a'.repeat(64), evaluatedAt: '2026-01-01' };
    const problems = problemsOf({ ...BASE, MODEL_EVALUATION: JSON.stringify(figures) });
    expect(problems).toEqual([
      expect.stringMatching(/^MODEL_EVALUATION\.verdict: Invalid option: expected one of "pass"\|"fail" \(got /),
      expect.stringMatching(/^MODEL_EVALUATION\.rows: Invalid input: expected int, received number \(got /),
    ]);
  });

  test('MODEL_EVALUATION that is not JSON says what it must be', () => {
    expect(problemsOf({ ...BASE, MODEL_EVALUATION: '{nope' })).toEqual([
      'MODEL_EVALUATION: must be JSON (the evaluation key figures the stack writes) (got "{nope")',
    ]);
  });

  test('the error message lists every problem', () => {
    expect(() => runtimeConfigFromEnv({ ...BASE, MODEL_SHA256: 'x', MAX_BATCH_SIZE: 'y' })).toThrow(
      'invalid runtime configuration (environment variables):\n' +
        '  - MODEL_SHA256: must be 64 hexadecimal characters (the SHA-256 of model.onnx) (got "x")\n' +
        '  - MAX_BATCH_SIZE: must be a positive whole number (got "y")',
    );
  });
});

test('isLambdaEnvironment', () => {
  expect(isLambdaEnvironment({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toBe(true);
  expect(isLambdaEnvironment({})).toBe(false);
  expect(isLambdaEnvironment({ AWS_LAMBDA_RUNTIME_API: '' })).toBe(false);
});

describe('Given the container host\'s MODELSTACK_DYNAMIC_BATCHING', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['true', true],
    ['false', false],
    ['off', false],
  ])('When it is %p, then dynamic batching is %p', (value, expected) => {
    const env = value === undefined ? { MODEL_SHA256: SHA } : { MODEL_SHA256: SHA, MODELSTACK_DYNAMIC_BATCHING: value };
    expect(containerConfigFromEnv(env).dynamicBatching).toBe(expected);
  });

  it('When it is not true or false, then the error names it and its value', () => {
    expect(() => containerConfigFromEnv({ MODEL_SHA256: SHA, MODELSTACK_DYNAMIC_BATCHING: 'sometimes' })).toThrow(
      'MODELSTACK_DYNAMIC_BATCHING: must be true or false (got "sometimes")',
    );
  });
});
