/**
 * The function URL handler at cold start against an S3 endpoint that misbehaves, through real sockets: a loopback
 * TCP server that accepts and never answers (then recovers by forwarding to s3rver), answers 500, or is not there.
 * The default S3 client is used (endpoint and credentials from the environment, as in Lambda).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHandler } from '../../../lambda/hosts/lambda-handler';
import type { HandlerDeps } from '../../../lambda/hosts/lambda-handler';
import { sha256Hex } from '../../../lambda/core/model-source';
import { runtimeConfigFromEnv } from '../../../lambda/core/runtime-config';
import type { RuntimeConfig } from '../../../lambda/core/runtime-config';
import { FAILED_MESSAGE, RETRYING_MESSAGE } from '../../../lambda/serving/errors';
import { createObservability } from '../../../lambda/serving/observability';
import { FaultyS3 } from '../../../scripts/soak/faulty-s3';
import { functionUrlEvent as event } from '../../support/function-url-event';
import { stampedManifestOf } from '../../support/stamped-manifest';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const irisBytes = readFileSync(join(IRIS, 'model.onnx'));
// As the bundle carries it: validated and stamped at synth.
const IRIS_MANIFEST = stampedManifestOf(IRIS);
afterAll(() => rmSync(dirname(IRIS_MANIFEST), { recursive: true, force: true }));

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
// s3rver ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

const ENV_NAMES = ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

let s3rver: S3rverInstance;
let directory: string;
let faulty: FaultyS3;
let config: RuntimeConfig;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'modelstack-s3-faults-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await s3rver.run();
  const seed = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await seed.send(new CreateBucketCommand({ Bucket: 'models' }));
  await seed.send(new PutObjectCommand({ Bucket: 'models', Key: 'iris/model.onnx', Body: irisBytes }));
  seed.destroy();
  faulty = new FaultyS3(port);
  const faultyPort = await faulty.listen();
  // As in Lambda: the default client takes its endpoint and credentials from the environment.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${faultyPort}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  });
  config = runtimeConfigFromEnv({
    MODEL_BUCKET: 'models',
    MODEL_KEY: 'iris/model.onnx',
    MODEL_SHA256: sha256Hex(irisBytes),
    MODEL_MANIFEST: IRIS_MANIFEST,
    MODEL_S3_CONNECT_TIMEOUT_MS: '500',
    MODEL_S3_READ_TIMEOUT_MS: '300',
    MODEL_S3_ATTEMPT_TIMEOUT_MS: '2000',
  });
});

afterAll(async () => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await faulty?.close();
  await s3rver?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Logs kept in memory: every ERROR line with its attributes. */
function recordingLogs(): { deps: Pick<HandlerDeps, 'observability'>; errors: Array<Record<string, unknown>> } {
  const errors: Array<Record<string, unknown>> = [];
  const observability: HandlerDeps['observability'] = (serviceName, c) => {
    const logger = new Logger({ serviceName, logLevel: 'SILENT' });
    jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => {
      errors.push({ message: args[0], ...(args[1] as Record<string, unknown>) });
    });
    return createObservability({ serviceName, logger, metrics: false, ...(c ? { namespace: c.metricsNamespace } : {}) });
  };
  return { deps: { observability }, errors };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Given S3 accepts the connection and never answers at cold start', () => {
  test('Then /ping gets 503 with Retry-After within the timeouts, one ERROR line per attempt, and the model loads once S3 recovers', async () => {
    faulty.mode = 'hang';
    const { deps, errors } = recordingLogs();
    const handle = createHandler({ config, ...deps, retry: { initialDelayMs: 300, random: () => 0 } });
    const started = Date.now();
    const first = await handle(event('GET', '/ping'));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(first.statusCode).toBe(503);
    expect(JSON.parse(first.body ?? '')).toEqual({ error: RETRYING_MESSAGE });
    expect(Number(first.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'model failed to load',
      retryInMs: 300,
      error: { name: 'ModelSourceError', message: expect.stringMatching(/^Cannot read the model from s3:\/\/models\/iris\/model\.onnx: S3 did not answer in time/) },
    });
    expect(errors[0].error).not.toHaveProperty('stack');

    // The retry is due 300 ms after the failure; under load the attempt itself may take longer, so poll until the
    // model is in (each /ping meanwhile is the loading 503) rather than betting on one sleep.
    faulty.mode = 'forward';
    let recovered = await handle(event('GET', '/ping'));
    for (const deadline = Date.now() + 10_000; recovered.statusCode !== 200 && Date.now() < deadline; ) {
      await sleep(50);
      recovered = await handle(event('GET', '/ping'));
    }
    expect(recovered.statusCode).toBe(200);
    expect(errors).toHaveLength(1);
  }, 20_000);
});

describe('Given S3 answers 500 or is unreachable at cold start', () => {
  test('When it answers 500, then requests get the retrying 503 with Retry-After, not the permanent one', async () => {
    faulty.mode = 'error500';
    const { deps, errors } = recordingLogs();
    const handle = createHandler({ config, ...deps, retry: { initialDelayMs: 5000, random: () => 0 } });
    const response = await handle(event('POST', '/invocations'));
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: RETRYING_MESSAGE });
    expect(JSON.parse(response.body ?? '')).not.toEqual({ error: FAILED_MESSAGE });
    expect(response.headers?.['retry-after']).toBe('5');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ retryInMs: 5000, error: { message: expect.stringContaining('InternalError') } });
  }, 15_000);

  test('When nothing listens, then the same: retrying 503 with Retry-After, one ERROR line', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const endpoint = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
    try {
      const { deps, errors } = recordingLogs();
      const handle = createHandler({ config, ...deps, retry: { initialDelayMs: 2000, random: () => 0 } });
      const response = await handle(event('GET', '/ping'));
      expect(response.statusCode).toBe(503);
      expect(JSON.parse(response.body ?? '')).toEqual({ error: RETRYING_MESSAGE });
      expect(response.headers?.['retry-after']).toBe('2');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ error: { message: expect.stringContaining('ECONNREFUSED') } });
    } finally {
      process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    }
  }, 15_000);
});
