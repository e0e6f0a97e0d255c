/**
 * The model download without a client of the caller's: one GET signed by the SDK's signer with the environment's
 * credentials (lambda/core/s3-object-get.ts), against a real S3-compatible server (s3rver) on loopback, and the
 * choice of endpoint and of the full client.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { ModelSourceError, readModelFromS3, sha256Hex } from '../../../lambda/core/model-source';
import { getS3Object, leanS3Settings, objectUrl } from '../../../lambda/core/s3-object-get';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no types; typed by the cast
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverServer;

const KEY = 'iris/1.0.0/model+v1.onnx';
const ENV_NAMES = ['AWS_ENDPOINT_URL_S3', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION'] as const;

describe('leanS3Settings: when the signed GET is used instead of the full client', () => {
  const credentials = { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 'secret' };

  test('Lambda: region and credentials from the environment, the session token included', () => {
    expect(leanS3Settings({ ...credentials, AWS_REGION: 'eu-west-1', AWS_SESSION_TOKEN: 'token' })).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' },
    });
  });

  test('the endpoint of AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, as the SDK reads them', () => {
    expect(leanS3Settings({ ...credentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://b', AWS_ENDPOINT_URL_S3: 'http://a' })?.endpoint).toBe('http://a');
    expect(leanS3Settings({ ...credentials, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://b' })?.endpoint).toBe('http://b');
  });

  test.each([
    ['no credentials in the environment (the SDK chain finds them elsewhere)', { AWS_REGION: 'us-east-1' }],
    ['no region', credentials],
    ['a region of another partition (ISO)', { ...credentials, AWS_REGION: 'us-iso-east-1' }],
  ])('the full client with %s', (_, env) => {
    expect(leanS3Settings(env)).toBeUndefined();
  });
});

describe('objectUrl', () => {
  test('virtual-hosted on S3, the key escaped segment by segment', () => {
    expect(objectUrl('models', 'a b/c+d.onnx', 'eu-west-1').href).toBe('https://models.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd.onnx');
  });

  test('path-style for a dotted bucket name, which S3 certificate does not cover as a host name', () => {
    expect(objectUrl('my.models', 'm.onnx', 'us-east-1').href).toBe('https://s3.us-east-1.amazonaws.com/my.models/m.onnx');
  });

  test('China regions on amazonaws.com.cn', () => {
    expect(objectUrl('models', 'm.onnx', 'cn-north-1').href).toBe('https://models.s3.cn-north-1.amazonaws.com.cn/m.onnx');
  });

  test('path-style on a configured endpoint', () => {
    expect(objectUrl('models', 'm.onnx', 'us-east-1', 'http://127.0.0.1:4566/').href).toBe('http://127.0.0.1:4566/models/m.onnx');
  });
});

describe('the signature (s3rver does not check SigV4 signatures: checked here, on the request as it arrives)', () => {
  test('a server recomputing SigV4 from the received request, session token and escaped key included, gets the same signature', async () => {
    const received: IncomingMessage[] = [];
    const server = createServer((request, response) => {
      received.push(request);
      response.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };
    try {
      const { body } = await getS3Object({
        bucket: 'models',
        key: "a b/(c)!*'+d.onnx",
        versionId: 'v 1',
        region: 'eu-west-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials,
        connectTimeoutMs: 1000,
        readTimeoutMs: 1000,
        signal: new AbortController().signal,
      });
      body.resume();
    } finally {
      server.close();
    }
    const request = received[0];
    expect(request.url).toBe('/models/a%20b/%28c%29%21%2A%27%2Bd.onnx?versionId=v+1');
    const authorization = String(request.headers.authorization);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1].split(';') ?? [];
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']));
    // An independent signer, fed only what arrived: the signature matches when path, query and headers were signed as sent.
    const url = new URL(request.url ?? '', 'http://placeholder');
    const stamp = String(request.headers['x-amz-date']);
    const signingDate = new Date(`${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13)}`);
    const expected = await new SignatureV4({ service: 's3', region: 'eu-west-1', credentials, sha256: Sha256, uriEscapePath: false }).sign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])])),
      },
      { signingDate },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });
});

describe('onSent: the caller may use the thread once the request is out', () => {
  test('When the request has reached the server, then onSent has been called, while the answer is still held back', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => undefined;
    const serverSawRequest = new Promise<void>((resolve) => (arrived = resolve));
    const server = createServer((_, response) => {
      arrived();
      void held.then(() => response.writeHead(200, { 'content-length': '2' }).end('ok'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sent = jest.fn();
    try {
      const answer = getS3Object({
        bucket: 'models',
        key: 'm.onnx',
        region: 'us-east-1',
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
        connectTimeoutMs: 5000,
        readTimeoutMs: 5000,
        signal: new AbortController().signal,
        onSent: sent,
      });
      await serverSawRequest;
      expect(sent).toHaveBeenCalledTimes(1);
      release();
      (await answer).body.resume();
    } finally {
      release();
      server.close();
    }
    expect(sent).toHaveBeenCalledTimes(1);
  });
});

describe('readModelFromS3 without a client: the signed GET against s3rver', () => {
  let directory: string;
  let server: S3rverServer;
  let bytes: Buffer;
  const saved: Partial<Record<(typeof ENV_NAMES)[number], string>> = {};

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 's3rver-lean-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: 'models', configs: [] }] });
    const { port } = await server.run();
    bytes = await readFile(join(__dirname, '../../../examples/iris/model.onnx'));
    const seed = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await seed.send(new PutObjectCommand({ Bucket: 'models', Key: KEY, Body: bytes }));
    seed.destroy();
    for (const name of ENV_NAMES) saved[name] = process.env[name];
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_SESSION_TOKEN: '',
      AWS_REGION: 'us-east-1',
    });
  });

  afterAll(async () => {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('downloads the object byte for byte (a key that needs escaping) and verifies its SHA-256', async () => {
    const downloaded = await readModelFromS3({ bucket: 'models', key: KEY, expectedSha256: sha256Hex(bytes) });
    expect(Buffer.from(downloaded).equals(bytes)).toBe(true);
  });

  test('a missing object is named as the client names it (NoSuchKey)', async () => {
    const error = await readModelFromS3({ bucket: 'models', key: 'iris/9.9.9/model.onnx' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelSourceError);
    expect((error as Error).message).toBe(
      'Cannot read the model from s3://models/iris/9.9.9/model.onnx: the object does not exist (NoSuchKey): no key "iris/9.9.9/model.onnx" in bucket "models"',
    );
  });

  test('a missing bucket is named (NoSuchBucket)', async () => {
    const error = await readModelFromS3({ bucket: 'nothere', key: KEY }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`Cannot read the model from s3://nothere/${KEY}: the bucket "nothere" does not exist (NoSuchBucket)`);
  });

  test("an access key S3 does not know passes on S3's own code and message", async () => {
    process.env.AWS_ACCESS_KEY_ID = 'NOBODY';
    try {
      const error = await readModelFromS3({ bucket: 'models', key: KEY }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist/);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    }
  });
});
