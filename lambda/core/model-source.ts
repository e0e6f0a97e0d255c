/**
 * Where the model's bytes come from: a local file (tests, the local server, the SageMaker container) or S3 (the
 * Lambda function at cold start). Also the one integrity check (SHA-256), which `loadModel` applies before any
 * session exists.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { GetObjectCommand as GetObject, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { CheckFailure } from './modelstack-error';
import type * as S3ObjectGet from './s3-object-get';

/** The model's bytes could not be read; `source` names the file or `s3://bucket/key`, `cause` the underlying error. */
export class ModelSourceError extends CheckFailure {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelSourceError';
  }
}

/** The model's bytes do not have the SHA-256 they were deployed with: the model is not served. */
export class ModelIntegrityError extends CheckFailure {
  constructor(
    readonly source: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
  ) {
    super(
      `Model integrity check failed for ${source}: expected SHA-256 ${expectedSha256} but the bytes read have ` +
        `SHA-256 ${actualSha256}. The model will not be served.`,
    );
    this.name = 'ModelIntegrityError';
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Lower-case hex SHA-256 of the bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Hashes the bytes and compares with `expectedSha256` (hex, any case).
 * @returns the actual SHA-256 (lower-case hex)
 * @throws ModelIntegrityError on a mismatch; Error when `expectedSha256` is not 64 hex digits (a configuration bug
 *   that would otherwise read as a tampered model)
 */
export function verifySha256(bytes: Uint8Array, expectedSha256: string, source: string): string {
  const expected = expectedSha256.trim().toLowerCase();
  if (!SHA256_HEX.test(expected)) {
    throw new Error(`expectedSha256 for ${source} must be 64 hex digits (got ${JSON.stringify(expectedSha256)})`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== expected) throw new ModelIntegrityError(source, expected, actual);
  return actual;
}

/**
 * Reads a model file.
 * @throws ModelSourceError naming the path and the reason
 */
export async function readModelFromFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'the file does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : String((error as Error).message);
    throw new ModelSourceError(path, `Cannot read the model file ${path}: ${reason}${code ? ` (${code})` : ''}`, {
      cause: error,
    });
  }
}

/**
 * How long one attempt to download the model may take. Without bounds, an S3 endpoint that accepts the connection
 * and never answers would hold the download, and every request waiting for the model, forever.
 */
export interface S3DownloadTimeouts {
  /** Longest wait for the TCP connection to S3. @default DEFAULT_S3_TIMEOUTS.connectTimeoutMs (3 s) */
  readonly connectTimeoutMs?: number;
  /**
   * Longest silence on the connection once it is open: no response, or a body that stops.
   * @default DEFAULT_S3_TIMEOUTS.readTimeoutMs (5 s)
   */
  readonly readTimeoutMs?: number;
  /**
   * Longest whole attempt, body included (a body that trickles in never trips the read timeout).
   * @default DEFAULT_S3_TIMEOUTS.attemptTimeoutMs (60 s)
   */
  readonly attemptTimeoutMs?: number;
}

/**
 * Defaults of {@link S3DownloadTimeouts}: short enough that a Lambda init (10 s) sees a hung S3 fail and answers 503
 * rather than hanging; long enough for S3's usual first byte (tens of ms) and a model of a few hundred MB.
 */
export const DEFAULT_S3_TIMEOUTS: Required<S3DownloadTimeouts> = {
  connectTimeoutMs: 3000,
  readTimeoutMs: 5000,
  attemptTimeoutMs: 60_000,
};

/**
 * The S3 client of the model download: the timeouts on its request handler, and one attempt per call (the caller
 * retries with backoff and logs each attempt; the SDK's own retries would multiply the time an attempt takes).
 * `config` adds or overrides client settings (region, endpoint, credentials).
 */
export function createModelS3Client(timeouts: S3DownloadTimeouts = {}, config: S3ClientConfig = {}): S3Client {
  const { S3Client: Client } = s3Sdk();
  return new Client({
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: timeouts.connectTimeoutMs ?? DEFAULT_S3_TIMEOUTS.connectTimeoutMs,
      socketTimeout: timeouts.readTimeoutMs ?? DEFAULT_S3_TIMEOUTS.readTimeoutMs,
    },
    ...config,
  });
}

/**
 * The S3 client library, loaded at first use rather than at import: the SDK is a large share of start-up, and only
 * a model in S3 needs it (not `serve`). A `require`, not `import()`: left external in the Lambda bundle, the
 * runtime's SDK resolves through NODE_PATH, which ESM resolution ignores.
 */
function s3Sdk(): { GetObjectCommand: typeof GetObject; S3Client: typeof S3Client } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@aws-sdk/client-s3') as { GetObjectCommand: typeof GetObject; S3Client: typeof S3Client };
}

/** The signed GET (and its signer), loaded at first use like the client: only a model in S3 needs it. */
function s3ObjectGet(): typeof S3ObjectGet {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./s3-object-get') as typeof S3ObjectGet;
}

/** Where a model lives in S3. */
export interface S3ModelLocation {
  readonly bucket: string;
  readonly key: string;
  /** A specific object version (versioned buckets). */
  readonly versionId?: string;
  /**
   * When given, the bytes are verified here (and `loadModel` need not be given it again).
   * @see verifySha256
   */
  readonly expectedSha256?: string;
  /** @default createModelS3Client(timeouts): the environment's region, endpoint and credentials */
  readonly client?: S3Client;
  /**
   * Bounds of the attempt; `attemptTimeoutMs` applies to a given `client` too, the others only to the default one.
   * @default DEFAULT_S3_TIMEOUTS
   */
  readonly timeouts?: S3DownloadTimeouts;
  /**
   * Called once, when the GET is on its way (written to the connection; with a `client`, when it is handed to the
   * client), so the caller can use the thread while S3 answers. Not called when the attempt fails before that.
   * @default - nothing is called
   */
  readonly onRequestSent?: () => void;
}

/**
 * Downloads a model from S3 into memory.
 * @throws ModelSourceError naming `s3://bucket/key` and the cause (missing object or bucket, access denied,
 *   truncated download, network)
 * @throws ModelIntegrityError when `expectedSha256` is given and does not match
 */
export async function readModelFromS3(location: S3ModelLocation): Promise<Uint8Array> {
  const { bucket, key, versionId } = location;
  const source = `s3://${bucket}/${key}${versionId === undefined ? '' : `?versionId=${versionId}`}`;
  const attemptTimeoutMs = location.timeouts?.attemptTimeoutMs ?? DEFAULT_S3_TIMEOUTS.attemptTimeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), attemptTimeoutMs);
  // Without a client of the caller's, the environment's credentials sign one GET (s3-object-get.ts), as the SDK would.
  const signedGet = location.client === undefined ? s3ObjectGet() : undefined;
  const lean = signedGet?.leanS3Settings(process.env);
  const ownClient = lean === undefined && location.client === undefined ? createModelS3Client(location.timeouts) : undefined;
  let bytes: Uint8Array;
  try {
    const { body, contentLength } =
      lean === undefined
        ? await sendGetObject(location.client ?? (ownClient as S3Client), location, deadline.signal)
        : await (signedGet as typeof S3ObjectGet).getS3Object({
            bucket,
            key,
            ...(versionId === undefined ? {} : { versionId }),
            ...lean,
            connectTimeoutMs: location.timeouts?.connectTimeoutMs ?? DEFAULT_S3_TIMEOUTS.connectTimeoutMs,
            readTimeoutMs: location.timeouts?.readTimeoutMs ?? DEFAULT_S3_TIMEOUTS.readTimeoutMs,
            signal: deadline.signal,
            ...(location.onRequestSent === undefined ? {} : { onSent: location.onRequestSent }),
          });
    bytes = await collect(body, contentLength, deadline.signal);
  } catch (error) {
    if (error instanceof ModelSourceError) throw error;
    const reason = deadline.signal.aborted
      ? `the download did not finish within ${attemptTimeoutMs} ms (attemptTimeoutMs)`
      : describeS3Error(error, bucket, key);
    throw new ModelSourceError(source, `Cannot read the model from ${source}: ${reason}`, { cause: error });
  } finally {
    clearTimeout(timer);
    ownClient?.destroy();
  }
  if (location.expectedSha256 !== undefined) verifySha256(bytes, location.expectedSha256, source);
  return bytes;
}

/** The GetObject of the SDK's client. */
async function sendGetObject(
  client: S3Client,
  location: S3ModelLocation,
  signal: AbortSignal,
): Promise<{ readonly body: unknown; readonly contentLength?: number }> {
  const { GetObjectCommand } = s3Sdk();
  const sending = client.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, VersionId: location.versionId }), {
    abortSignal: signal,
  });
  location.onRequestSent?.();
  const response = await sending;
  const body: unknown = response.Body;
  if (body === undefined || body === null) throw new Error('S3 returned no body');
  return { body, ...(response.ContentLength === undefined ? {} : { contentLength: response.ContentLength }) };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function hasTransformToByteArray(value: unknown): value is { transformToByteArray(): Promise<Uint8Array> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { transformToByteArray?: unknown }).transformToByteArray === 'function'
  );
}

/**
 * Streams the body into one buffer. With a known length the buffer is allocated once, so a large model does not
 * briefly need twice its size (chunks plus their concatenation) in a memory-limited function.
 */
async function collect(body: unknown, contentLength: number | undefined, signal: AbortSignal): Promise<Uint8Array> {
  // The SDK's abort covers the request; a body already streaming is stopped here.
  const destroyable = body as { destroy?: (error?: Error) => void };
  signal.addEventListener('abort', () => destroyable.destroy?.(new Error('aborted at the attempt deadline')), { once: true });
  if (!isAsyncIterable(body)) {
    if (hasTransformToByteArray(body)) return checkLength(await body.transformToByteArray(), contentLength);
    throw new Error('S3 returned a body that cannot be read as a stream');
  }
  const known = contentLength !== undefined && contentLength >= 0;
  const out = known ? Buffer.allocUnsafe(contentLength) : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for await (const chunk of body) {
      if (out !== undefined) {
        if (received + chunk.byteLength > out.byteLength) {
          throw new Error(`the object is larger than its Content-Length (${out.byteLength} bytes)`);
        }
        out.set(chunk, received);
      } else {
        chunks.push(chunk);
      }
      received += chunk.byteLength;
    }
  } catch (error) {
    const of = known ? ` of ${contentLength}` : '';
    throw new Error(`the download failed after ${received}${of} bytes: ${(error as Error).message}`, { cause: error });
  }
  return out !== undefined ? checkLength(out.subarray(0, received), contentLength) : Buffer.concat(chunks);
}

function checkLength(bytes: Uint8Array, contentLength: number | undefined): Uint8Array {
  if (contentLength !== undefined && bytes.byteLength !== contentLength) {
    throw new Error(`the download was cut short: got ${bytes.byteLength} of ${contentLength} bytes`);
  }
  return bytes;
}

function describeS3Error(error: unknown, bucket: string, key: string): string {
  const name = (error as { name?: unknown }).name;
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NoSuchKey':
    case 'NotFound':
      return `the object does not exist (${name}): no key "${key}" in bucket "${bucket}"`;
    case 'NoSuchBucket':
      return `the bucket "${bucket}" does not exist (NoSuchBucket)`;
    case 'NoSuchVersion':
      return `the requested version of the object does not exist (NoSuchVersion)`;
    case 'AccessDenied':
    case 'Forbidden':
      return (
        `access denied (${name}): the function's role needs s3:GetObject on arn:aws:s3:::${bucket}/${key} ` +
        `(and kms:Decrypt if the bucket uses a KMS key). S3 also answers AccessDenied for a missing object ` +
        `when the role lacks s3:ListBucket.`
      );
    case 'TimeoutError':
      return `S3 did not answer in time (${message}); see S3DownloadTimeouts`;
    default:
      return typeof name === 'string' && name !== 'Error' ? `${name}: ${message}` : message;
  }
}
