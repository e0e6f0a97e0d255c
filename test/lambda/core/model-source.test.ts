import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InferenceSession } from 'onnxruntime-node';
import { readManifest } from '../../../lambda/core/manifest';
import { ModelIntegrityError, loadModel } from '../../../lambda/core/model';
import {
  ModelSourceError,
  readModelFromFile,
  readModelFromS3,
  sha256Hex,
  verifySha256,
} from '../../../lambda/core/model-source';
import { createPreparer } from '../../../lambda/core/prepare';
import type { ClassPrediction } from '../../../lambda/core/types';


// s3rver ships no type declarations; this is the part of its API the tests use.
interface S3rverOptions {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types; typed by the cast
const S3rver = require('s3rver') as new (options: S3rverOptions) => S3rverServer;

const IRIS = join(__dirname, '../../../examples/iris');
const KEY = 'iris/1.0.0/model.onnx';

function clientFor(port: number, credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials,
    // s3rver predates the SDK's default flexible checksums. It works with the defaults today (it ignores the
    // checksum headers and returns none), but pinning WHEN_REQUIRED keeps a future SDK default from tripping on it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Failures are the point of several tests: no retries, no backoff.
    maxAttempts: 1,
  });
}

async function sourceError(promise: Promise<unknown>): Promise<ModelSourceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof ModelSourceError) return error;
  throw new Error(`expected a ModelSourceError, got ${String(error)}`);
}

describe('readModelFromS3, against a real S3-compatible server (s3rver) on loopback', () => {
  let directory: string;
  let server: S3rverServer;
  let client: S3Client;
  let port: number;
  let bytes: Buffer;
  let sha256: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 's3rver-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory,
      configureBuckets: [{ name: 'models', configs: [] }],
    });
    ({ port } = await server.run());
    client = clientFor(port);
    bytes = await readFile(join(IRIS, 'model.onnx'));
    sha256 = createHash('sha256').update(bytes).digest('hex');
    await client.send(new PutObjectCommand({ Bucket: 'models', Key: KEY, Body: bytes }));
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  afterEach(() => jest.restoreAllMocks());

  it('downloads the model byte for byte; loaded and verified, it predicts', async () => {
    const downloaded = await readModelFromS3({ bucket: 'models', key: KEY, client });
    expect(Buffer.from(downloaded).equals(bytes)).toBe(true);

    const manifest = await readManifest(join(IRIS, 'model.json'));
    const model = await loadModel({ bytes: downloaded, manifest, expectedSha256: sha256, source: `s3://models/${KEY}` });
    const expected = JSON.parse(await readFile(join(IRIS, 'expected.json'), 'utf8')) as {
      instances: Record<string, number>[];
      float32Predictions: ClassPrediction[];
    };
    const predictions = (await model.predict(createPreparer(manifest).prepare(expected.instances))) as ClassPrediction[];
    expect(predictions.map((p) => p.label)).toEqual(expected.float32Predictions.map((p) => p.label));
    predictions.forEach((p, i) => {
      for (const [label, probability] of Object.entries(expected.float32Predictions[i].probabilities)) {
        expect(Math.abs(p.probabilities[label] - probability)).toBeLessThanOrEqual(1e-5);
      }
    });
    await model.close();
  });

  it('verifies expectedSha256 when given one', async () => {
    await expect(readModelFromS3({ bucket: 'models', key: KEY, client, expectedSha256: sha256 })).resolves.toHaveLength(bytes.length);
    const wrong = '0'.repeat(64);
    await expect(readModelFromS3({ bucket: 'models', key: KEY, client, expectedSha256: wrong })).rejects.toThrow(
      `Model integrity check failed for s3://models/${KEY}: expected SHA-256 ${wrong} but the bytes read have SHA-256 ${sha256}. The model will not be served.`,
    );
  });

  it('a wrong SHA-256 stops loadModel before any session is created', async () => {
    const create = jest.spyOn(InferenceSession, 'create');
    const downloaded = await readModelFromS3({ bucket: 'models', key: KEY, client });
    const manifest = await readManifest(join(IRIS, 'model.json'));
    const error = await loadModel({ bytes: downloaded, manifest, expectedSha256: 'a'.repeat(64), source: `s3://models/${KEY}` }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ModelIntegrityError);
    expect((error as Error).message).toContain(`s3://models/${KEY}`);
    expect(create).not.toHaveBeenCalled();
  });

  it('names bucket and key when the object does not exist', async () => {
    const error = await sourceError(readModelFromS3({ bucket: 'models', key: 'iris/9.9.9/model.onnx', client }));
    expect(error.message).toBe(
      'Cannot read the model from s3://models/iris/9.9.9/model.onnx: the object does not exist (NoSuchKey): no key "iris/9.9.9/model.onnx" in bucket "models"',
    );
    expect(error.source).toBe('s3://models/iris/9.9.9/model.onnx');
    expect((error.cause as Error).name).toBe('NoSuchKey');
  });

  it('names the bucket when it does not exist', async () => {
    const error = await sourceError(readModelFromS3({ bucket: 'nothere', key: KEY, client }));
    expect(error.message).toBe(`Cannot read the model from s3://nothere/${KEY}: the bucket "nothere" does not exist (NoSuchBucket)`);
  });

  it('passes on what S3 said about bad credentials', async () => {
    const stranger = clientFor(port, { accessKeyId: 'NOBODY', secretAccessKey: 'nothing' });
    const error = await sourceError(readModelFromS3({ bucket: 'models', key: KEY, client: stranger }));
    expect(error.message).toMatch(new RegExp(`^Cannot read the model from s3://models/${KEY}: InvalidAccessKeyId: `));
    stranger.destroy();
  });
});

describe('readModelFromS3, against loopback servers that misbehave like S3 can', () => {
  const servers: Array<HttpServer | TcpServer> = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function listen(server: HttpServer | TcpServer): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  it('explains AccessDenied: the permission the function needs', async () => {
    const port = await listen(
      createHttpServer((_request, response) => {
        response.writeHead(403, { 'content-type': 'application/xml' });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>');
      }),
    );
    const client = clientFor(port);
    const error = await sourceError(readModelFromS3({ bucket: 'models', key: 'm/model.onnx', client }));
    expect(error.message).toBe(
      'Cannot read the model from s3://models/m/model.onnx: access denied (AccessDenied): the function\'s role needs ' +
        's3:GetObject on arn:aws:s3:::models/m/model.onnx (and kms:Decrypt if the bucket uses a KMS key). ' +
        'S3 also answers AccessDenied for a missing object when the role lacks s3:ListBucket.',
    );
    client.destroy();
  });

  it('refuses a download cut short of its Content-Length', async () => {
    const port = await listen(
      createTcpServer((socket) => {
        // Answer only once the whole request is in, so the client sees a short body rather than a reset.
        let request = '';
        socket.on('data', (chunk: Buffer) => {
          request += chunk.toString('latin1');
          if (!request.includes('\r\n\r\n')) return;
          socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n' + 'x'.repeat(10));
        });
      }),
    );
    const client = clientFor(port);
    const error = await sourceError(readModelFromS3({ bucket: 'models', key: 'short.onnx', client }));
    // Node's HTTP client notices the early close ("aborted"); had it not, the length check would have.
    expect(error.message).toMatch(
      /^Cannot read the model from s3:\/\/models\/short\.onnx: (the download failed after 10 of 1000 bytes: aborted|the download was cut short: got 10 of 1000 bytes)$/,
    );
    client.destroy();
  });

  it('names the endpoint failure when nothing listens', async () => {
    const closed = createTcpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    servers.splice(servers.indexOf(closed), 1);
    const client = clientFor(port);
    const error = await sourceError(readModelFromS3({ bucket: 'models', key: 'm.onnx', client }));
    expect(error.message).toMatch(/^Cannot read the model from s3:\/\/models\/m\.onnx: .*ECONNREFUSED/);
    client.destroy();
  });
});

describe('readModelFromFile', () => {
  it('reads the file', async () => {
    const bytes = await readModelFromFile(join(IRIS, 'model.onnx'));
    expect(sha256Hex(bytes)).toBe(createHash('sha256').update(await readFile(join(IRIS, 'model.onnx'))).digest('hex'));
  });

  it('names the path and the reason', async () => {
    const missing = join(IRIS, 'missing.onnx');
    const error = await sourceError(readModelFromFile(missing));
    expect(error.message).toBe(`Cannot read the model file ${missing}: the file does not exist (ENOENT)`);
    expect((await sourceError(readModelFromFile(IRIS))).message).toBe(`Cannot read the model file ${IRIS}: it is a directory (EISDIR)`);
  });
});

describe('verifySha256', () => {
  const bytes = new TextEncoder().encode('model');
  const actual = createHash('sha256').update(bytes).digest('hex');

  it('returns the actual hash; accepts upper case and surrounding space', () => {
    expect(verifySha256(bytes, ` ${actual.toUpperCase()} `, 'm')).toBe(actual);
  });

  it('refuses a mismatch with both hashes, and a malformed expectation', () => {
    expect(() => verifySha256(bytes, 'b'.repeat(64), 'model.onnx')).toThrow(
      `Model integrity check failed for model.onnx: expected SHA-256 ${'b'.repeat(64)} but the bytes read have SHA-256 ${actual}. The model will not be served.`,
    );
    expect(() => verifySha256(bytes, 'sha256:abc', 'model.onnx')).toThrow(
      'expectedSha256 for model.onnx must be 64 hex digits (got "sha256:abc")',
    );
  });
});
