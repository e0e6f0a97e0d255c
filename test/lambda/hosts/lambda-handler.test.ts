/**
 * The function URL handler with real payload-format-2.0 events and the real example models: loaded from a file
 * (injected model source) and, in one test, from a real S3 API (s3rver on 127.0.0.1).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { functionUrlEvent as event } from '../../support/function-url-event';
import { stampedManifestOf } from '../../support/stamped-manifest';
import { createHandler, handler as moduleHandler, isPermanentLoadError, requestFromEvent } from '../../../lambda/hosts/lambda-handler';
import type { HandlerDeps } from '../../../lambda/hosts/lambda-handler';
import { FAILED_MESSAGE } from '../../../lambda/serving/errors';
import { ModelSourceError, readModelFromFile, sha256Hex } from '../../../lambda/core/model-source';
import { RUNTIME_METRICS } from '../../../lambda/serving/metric-names';
import { createObservability } from '../../../lambda/serving/observability';
import type { Observability } from '../../../lambda/serving/observability';
import { runtimeConfigFromEnv, RuntimeConfigError } from '../../../lambda/core/runtime-config';
import type { RuntimeConfig } from '../../../lambda/core/runtime-config';
import type { Prediction } from '../../../lambda/core/types';
import { captureEmf, metricNames } from '../../support/emf';


const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const IRIS = join(EXAMPLES, 'iris');
const irisBytes = readFileSync(join(IRIS, 'model.onnx'));
const IRIS_SHA = sha256Hex(irisBytes);
// As the bundle carries it: validated and stamped at synth.
const IRIS_MANIFEST = stampedManifestOf(IRIS);
afterAll(() => rmSync(dirname(IRIS_MANIFEST), { recursive: true, force: true }));
const expected = JSON.parse(readFileSync(join(IRIS, 'expected.json'), 'utf8')) as {
  instances: Array<Record<string, number>>;
  float32Predictions: Prediction[];
};

const config: RuntimeConfig = runtimeConfigFromEnv({
  MODEL_BUCKET: 'models',
  MODEL_KEY: 'iris/model.onnx',
  MODEL_SHA256: IRIS_SHA,
  MODEL_MANIFEST: IRIS_MANIFEST,
});

function context(awsRequestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'modelstack-iris',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:modelstack-iris',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/modelstack-iris',
    logStreamName: '2026/11/21/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Silent logs (spied on), metrics off unless asked. */
function quiet(metrics = false): { factory: NonNullable<HandlerDeps['observability']>; loggers: Logger[] } {
  const loggers: Logger[] = [];
  const factory = (serviceName: string, c: RuntimeConfig | undefined): Observability => {
    const logger = new Logger({ serviceName, logLevel: 'SILENT' });
    jest.spyOn(logger, 'error');
    jest.spyOn(logger, 'warn');
    jest.spyOn(logger, 'info');
    loggers.push(logger);
    return createObservability({ serviceName, logger, metrics, ...(c ? { namespace: c.metricsNamespace } : {}) });
  };
  return { factory, loggers };
}

function predictionsOf(body: string | undefined): Prediction[] {
  return (JSON.parse(body ?? '') as { predictions: Prediction[] }).predictions;
}

function expectIris(predictions: readonly Prediction[], wanted = expected.float32Predictions): void {
  expect(predictions).toHaveLength(wanted.length);
  predictions.forEach((p, i) => {
    const want = wanted[i] as { label: string; probabilities: Record<string, number> };
    const got = p as { label: string; probabilities: Record<string, number> };
    expect(got.label).toBe(want.label);
    for (const label of Object.keys(want.probabilities)) {
      expect(Math.abs(got.probabilities[label] - want.probabilities[label])).toBeLessThanOrEqual(1e-5);
    }
  });
}

const fromFile = () => readModelFromFile(join(IRIS, 'model.onnx'));

describe('createHandler with the model from a file', () => {
  const { factory, loggers } = quiet();
  const handle = createHandler({ config, modelSource: fromFile, observability: factory });

  test('Open Inference Protocol binary tensors: the answer goes back base64-encoded (isBase64Encoded)', async () => {
    const tensor = Buffer.from(new Float32Array([4.4, 3.2, 1.3, 0.2]).buffer);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }], parameters: { binary_data_output: true } }));
    const request = event('POST', '/v2/models/iris/infer', undefined, { headers: { 'inference-header-content-length': String(header.length) } });
    const result = await handle({ ...request, body: Buffer.concat([header, tensor]).toString('base64'), isBase64Encoded: true });
    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers).toMatchObject({ 'content-type': 'application/octet-stream' });
    const bytes = Buffer.from(result.body ?? '', 'base64');
    const length = Number((result.headers as Record<string, string>)['inference-header-content-length']);
    const answer = JSON.parse(bytes.toString('utf8', 0, length)) as { outputs: Array<{ name: string; parameters: { binary_data_size: number } }> };
    expect(answer.outputs.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(length + answer.outputs.reduce((sum, o) => sum + o.parameters.binary_data_size, 0)).toBe(bytes.length);
  });

  test('POST /invocations with JSON', async () => {
    const result = await handle(
      event('POST', '/invocations', JSON.stringify({ instances: expected.instances }), { contentType: 'application/json' }),
      context('req-json'),
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'x-inference-id': expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(result.isBase64Encoded).toBe(false);
    expectIris(predictionsOf(result.body));
  });

  test('POST /invocations with a base64-encoded CSV body', async () => {
    const rows = expected.instances.map((i) => [i.sepal_length_cm, i.sepal_width_cm, i.petal_length_cm, i.petal_width_cm].join(','));
    const result = await handle(
      event('POST', '/invocations', `${rows.join('\r\n')}\r\n`, { contentType: 'text/csv', base64: true }),
    );
    expect(result.statusCode).toBe(200);
    expectIris(predictionsOf(result.body));
  });

  test('Open Inference Protocol infer, health, metadata', async () => {
    const infer = await handle(
      event(
        'POST',
        '/v2/models/iris/infer',
        JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [4.4, 3.2, 1.3, 0.2] }] }),
        { contentType: 'application/json' },
      ),
      context('req-v2'),
    );
    expect(infer.statusCode).toBe(200);
    // Without a client id, the prediction's own id (not the Lambda request id), also in X-Inference-Id.
    expect(JSON.parse(infer.body ?? '')).toMatchObject({ model_name: 'iris', id: infer.headers?.['x-inference-id'], outputs: [{ name: 'label', data: ['setosa'] }, { name: 'probabilities' }] });
    expect((await handle(event('GET', '/ping'))).statusCode).toBe(200);
    expect((await handle(event('GET', '/v2/health/ready'))).statusCode).toBe(200);
    expect(JSON.parse((await handle(event('GET', '/v2/models/iris'))).body ?? '')).toMatchObject({ sha256: IRIS_SHA });
    expect(await handle.ready()).toBe('ready');
  });

  test('errors: 404, 405, 400, 415 through the event', async () => {
    expect((await handle(event('GET', '/nope'))).statusCode).toBe(404);
    const wrong = await handle(event('PUT', '/invocations', '{}'));
    expect([wrong.statusCode, wrong.headers?.allow]).toEqual([405, 'POST']);
    expect((await handle(event('POST', '/invocations', '{oops', { contentType: 'application/json' }))).statusCode).toBe(400);
    expect((await handle(event('POST', '/invocations', 'x', { contentType: 'text/plain' }))).statusCode).toBe(415);
  });

  test('the model load was logged once, under the model name', () => {
    expect(loggers).toHaveLength(1);
    expect(loggers[0].info).toHaveBeenCalledWith('model loaded', expect.objectContaining({ model: 'iris', sha256: IRIS_SHA }));
  });
});

describe('Given a cold start, when the model download is in flight', () => {
  test('then onnxruntime initializes once the request is out and before the bytes arrive, and the model loads', async () => {
    const steps: string[] = [];
    let initialized: () => void = () => undefined;
    const initializedOnce = new Promise<void>((resolve) => (initialized = resolve));
    const handle = createHandler({
      config,
      observability: quiet().factory,
      initRuntime: () => {
        steps.push('onnxruntime initialized');
        initialized();
      },
      // S3 answers only once onnxruntime has initialized: a load that waited for the bytes first would never end.
      modelSource: async (_, events) => {
        steps.push('request sent');
        events?.requestSent();
        await initializedOnce;
        steps.push('bytes arrived');
        return fromFile();
      },
    });
    expect(await handle.ready()).toBe('ready');
    expect(steps).toEqual(['request sent', 'onnxruntime initialized', 'bytes arrived']);
  }, 30_000);

  test('then a manifest that cannot be read fails the load at once, without waiting for the request to go out', async () => {
    const { factory, loggers } = quiet();
    const handle = createHandler({
      config: { ...config, manifestPath: join(IRIS, 'no-such-manifest.json') },
      observability: factory,
      initRuntime: () => undefined,
      // Never sends, never answers: a hung connection.
      modelSource: () => new Promise<Uint8Array>(() => undefined),
    });
    expect(await handle.ready()).toBe('failed');
    expect(loggers[0].error).toHaveBeenCalledWith('model failed to load', expect.objectContaining({ error: expect.objectContaining({ name: 'ManifestError' }) }));
  });
});

test('requests during loading wait for the model rather than getting 503', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const handle = createHandler({
    config,
    observability: quiet().factory,
    modelSource: async () => {
      await gate;
      return fromFile();
    },
  });
  const pending = Promise.all([
    handle(event('GET', '/ping')),
    handle(event('POST', '/invocations', JSON.stringify({ instances: expected.instances.slice(0, 2) }))),
  ]);
  release();
  const [ping, predict] = await pending;
  expect(ping.statusCode).toBe(200);
  expect(predict.statusCode).toBe(200);
  expectIris(predictionsOf(predict.body), expected.float32Predictions.slice(0, 2));
});

test('a SHA-256 mismatch: 503 with a stable message, the cause logged once, no retry', async () => {
  const { factory, loggers } = quiet();
  const source = jest.fn(fromFile);
  const handle = createHandler({
    config: { ...config, modelSha256: '0'.repeat(64) },
    modelSource: source,
    observability: factory,
  });
  for (let i = 0; i < 3; i++) {
    const result = await handle(event('POST', '/invocations', '{"instances": [[1, 2, 3, 4]]}'));
    expect(result.statusCode).toBe(503);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: FAILED_MESSAGE });
  }
  expect((await handle(event('GET', '/v2/health/live'))).statusCode).toBe(200);
  expect(await handle.ready()).toBe('failed');
  expect(source).toHaveBeenCalledTimes(1);
  const logger = loggers[0];
  expect(logger.error).toHaveBeenCalledWith(
    'model failed to load',
    expect.objectContaining({
      source: 's3://models/iris/model.onnx',
      error: expect.objectContaining({ name: 'ModelIntegrityError', message: expect.stringContaining(`SHA-256 ${IRIS_SHA}`) }),
    }),
  );
  // One ERROR line for the one attempt, saying what happens next.
  expect(logger.error).toHaveBeenCalledTimes(1);
  expect(logger.error).toHaveBeenCalledWith('model failed to load', expect.objectContaining({ next: expect.stringContaining('will not be loaded again') }));
});

test('a transient failure is retried with backoff, by a request, never per request', async () => {
  let clock = 0;
  let failures = 1;
  const source = jest.fn(async (c: RuntimeConfig) => {
    if (failures-- > 0) throw new ModelSourceError(`s3://${c.modelBucket}/${c.modelKey}`, 'Cannot read the model: socket hang up');
    return fromFile();
  });
  const { factory, loggers } = quiet();
  const handle = createHandler({ config, modelSource: source, observability: factory, now: () => clock, retry: { initialDelayMs: 1000, random: () => 0 } });
  expect((await handle(event('GET', '/ping'))).statusCode).toBe(503);
  clock = 999;
  expect((await handle(event('GET', '/ping'))).statusCode).toBe(503);
  expect(source).toHaveBeenCalledTimes(1);
  expect(loggers[0].error).toHaveBeenCalledTimes(1);
  expect(loggers[0].error).toHaveBeenCalledWith('model failed to load', expect.objectContaining({ next: expect.stringContaining('retried'), retryInMs: 1000 }));
  clock = 1000;
  expect((await handle(event('GET', '/ping'))).statusCode).toBe(200);
  expect(source).toHaveBeenCalledTimes(2);
  expect((await handle(event('POST', '/invocations', '{"instances": [[4.4, 3.2, 1.3, 0.2]]}'))).statusCode).toBe(200);
});

test('invalid configuration: 503, the variable named in the log, nothing fetched', async () => {
  const { factory, loggers } = quiet();
  const source = jest.fn(fromFile);
  const handle = createHandler({ env: { MODEL_KEY: 'k' }, modelSource: source, observability: factory });
  const result = await handle(event('GET', '/ping'));
  expect(result.statusCode).toBe(503);
  expect(JSON.parse(result.body ?? '')).toEqual({ error: FAILED_MESSAGE });
  expect(source).not.toHaveBeenCalled();
  expect(loggers[0].error).toHaveBeenCalledWith(
    'model failed to load',
    expect.objectContaining({ error: expect.objectContaining({ name: 'RuntimeConfigError', message: expect.stringContaining('MODEL_BUCKET: is required') }) }),
  );
  expect(isPermanentLoadError(new RuntimeConfigError(['x']))).toBe(true);
  expect(isPermanentLoadError(new ModelSourceError('s3://b/k', 'timeout'))).toBe(false);
});

test('metrics: one EMF flush per invocation with Latency, BatchSize, Predictions per label, InvalidRequests per reason', async () => {
  const handle = createHandler({ config, modelSource: fromFile, observability: quiet(true).factory });
  await handle.ready();
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await handle(event('POST', '/invocations', JSON.stringify({ instances: expected.instances.slice(0, 3) })));
    await handle(event('POST', '/invocations', '{bad json'));
  } finally {
    spy.mockRestore();
  }
  const emf = lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> } });
  const metricNames = (doc: (typeof emf)[number]) => doc._aws.CloudWatchMetrics[0].Metrics.map((m) => m.Name);
  expect(emf.every((doc) => doc._aws.CloudWatchMetrics[0].Namespace === 'modelstack' && doc.service === 'iris')).toBe(true);
  // First invocation: the model load time (stored at cold start), latency and batch size; one document per label.
  const main = emf.filter((doc) => metricNames(doc).includes('Latency'));
  expect(main).toHaveLength(2);
  expect(main[0]).toMatchObject({ BatchSize: 3 });
  expect(metricNames(main[0])).toEqual(expect.arrayContaining(['ModelLoadTime', 'Latency', 'BatchSize']));
  const perLabel = emf.filter((doc) => metricNames(doc).includes('Predictions'));
  const counts = new Map<string, number>();
  for (const p of expected.float32Predictions.slice(0, 3)) {
    const label = (p as { label: string }).label;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  expect(perLabel.map((doc) => [doc.label, doc.Predictions]).sort()).toEqual([...counts.entries()].sort());
  expect(perLabel[0]._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['service', 'label']));
  const invalid = emf.filter((doc) => metricNames(doc).includes('InvalidRequests'));
  expect(invalid.map((doc) => [doc.reason, doc.InvalidRequests])).toEqual([['bad_json', 1]]);
});

test('metrics: a failed load attempt at init is counted once (ModelLoadFailures) and flushed by the next invocation', async () => {
  const source = jest.fn(() => Promise.reject(new ModelSourceError('s3://models/iris/model.onnx', 'throttled')));
  const handle = createHandler({ config, modelSource: source, observability: quiet(true).factory });
  // The attempt made at init (eager) has failed by now; the invocations flush what it recorded.
  expect(await handle.ready()).toBe('failed');
  const emf = await captureEmf(async () => {
    expect((await handle(event('GET', '/ping'))).statusCode).toBe(503);
    expect((await handle(event('GET', '/ping'))).statusCode).toBe(503);
  });
  expect(source).toHaveBeenCalledTimes(1);
  const failures = emf.filter((doc) => metricNames(doc).includes(RUNTIME_METRICS.modelLoadFailures.name));
  expect(failures.map((doc) => [doc.service, doc[RUNTIME_METRICS.modelLoadFailures.name]])).toEqual([['iris', 1]]);
});

test('requestFromEvent: methods, paths, base64, header case, request ids', () => {
  const request = requestFromEvent(
    event('POST', '/invocations', 'a,b', { base64: true, headers: { 'Content-Type': 'text/csv' } }),
    context('ctx-id'),
  );
  expect(request.method).toBe('POST');
  expect(request.path).toBe('/invocations');
  expect(Buffer.isBuffer(request.body) && request.body.toString()).toBe('a,b');
  expect(request.headers['content-type']).toBe('text/csv');
  expect(request.requestId).toBe('ctx-id');
  expect(requestFromEvent(event('GET', '/ping')).requestId).toBe('a1b2c3d4-0000-4000-8000-000000000001');
  expect(requestFromEvent(event('GET', '/ping')).body).toBe('');
});

test('the module-level handler is a function and, outside Lambda, loads nothing at import', () => {
  expect(typeof moduleHandler).toBe('function');
});

describe('the model from a real S3 API (s3rver)', () => {
  interface S3rverInstance {
    run(): Promise<{ port: number }>;
    close(): Promise<void>;
  }
  type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;
  // s3rver ships no types.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as S3rverConstructor;

  let server: S3rverInstance;
  let directory: string;
  let client: S3Client;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'modelstack-s3rver-'));
    server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
    const { port } = await server.run();
    client = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await client.send(new CreateBucketCommand({ Bucket: 'models' }));
    await client.send(new PutObjectCommand({ Bucket: 'models', Key: 'iris/model.onnx', Body: irisBytes }));
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  test('cold start downloads, verifies and serves the model', async () => {
    const { factory, loggers } = quiet();
    const handle = createHandler({ config, s3Client: client, observability: factory });
    const result = await handle(
      event('POST', '/invocations', JSON.stringify({ instances: expected.instances }), { contentType: 'application/json' }),
      context('req-s3'),
    );
    expect(result.statusCode).toBe(200);
    expectIris(predictionsOf(result.body));
    expect(loggers[0].info).toHaveBeenCalledWith('model loaded', expect.objectContaining({ source: 's3://models/iris/model.onnx', sha256: IRIS_SHA }));
  });

  test('a missing object is a transient failure: 503, retried later', async () => {
    const { factory, loggers } = quiet();
    const handle = createHandler({ config: { ...config, modelKey: 'iris/missing.onnx' }, s3Client: client, observability: factory });
    const result = await handle(event('GET', '/ping'));
    expect(result.statusCode).toBe(503);
    expect(loggers[0].error).toHaveBeenCalledWith(
      'model failed to load',
      expect.objectContaining({ error: expect.objectContaining({ name: 'ModelSourceError', message: expect.stringContaining('does not exist') }) }),
    );
    expect(loggers[0].error).toHaveBeenCalledWith('model failed to load', expect.objectContaining({ next: expect.stringContaining('retried') }));
  });
});
