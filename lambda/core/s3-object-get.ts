/**
 * One S3 GetObject for the Lambda cold start, signed by the SDK's own SigV4 signer (`@smithy/signature-v4`) with
 * the credentials Lambda puts in the environment, and sent with `node:http(s)`.
 *
 * Why not `@aws-sdk/client-s3` here: loading the client and its first request (credential chain, endpoint rules,
 * middleware, XML) cost more than everything else in a cold start together (see docs/performance.md). This path
 * covers exactly what a Lambda function's model download needs; anything else (no credentials in the environment, a
 * region outside the partitions below, a caller's own client) goes to the full client (`model-source.ts`).
 */
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type * as Http from 'node:http';
import type { IncomingMessage } from 'node:http';

/** Credentials as Lambda sets them for the function's role. */
export interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Where and how to GET the object. */
export interface S3ObjectRequest {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly region: string;
  /** `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL` (path-style addressing), or the regional endpoint when unset. */
  readonly endpoint?: string;
  readonly credentials: EnvironmentCredentials;
  /** Longest wait for the TCP (and TLS) connection. */
  readonly connectTimeoutMs: number;
  /** Longest silence once connected. */
  readonly readTimeoutMs: number;
  /** Ends the attempt (the caller's attempt deadline). */
  readonly signal: AbortSignal;
  /** Called once the request has been handed to the operating system: from then on the wait is S3's. */
  readonly onSent?: () => void;
}

/**
 * An error named as the SDK names its own (`NoSuchKey`, `AccessDenied`, `TimeoutError`...), read by the model source's
 * descriptions; always the cause of a `ModelSourceError`, never thrown further.
 */
function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Regions of the partitions whose S3 endpoint is `s3.<region>.amazonaws.com` (aws, aws-us-gov) or `.com.cn` (aws-cn). */
const STANDARD_REGION = /^(?:[a-z]{2}|us-gov)-[a-z]+-\d+$/;

/** The environment's settings for the lean path, or `undefined` when it needs the full client. */
export function leanS3Settings(
  env: NodeJS.ProcessEnv,
): { readonly region: string; readonly endpoint?: string; readonly credentials: EnvironmentCredentials } | undefined {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (region === undefined || !STANDARD_REGION.test(region) || !accessKeyId || !secretAccessKey) return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const sessionToken = env.AWS_SESSION_TOKEN || undefined;
  return {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
  };
}

/** A path segment as S3 canonicalizes it (RFC 3986: everything but A-Z a-z 0-9 - _ . ~ escaped), as the SDK escapes keys. */
function escapeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The object's URL: path-style on a configured endpoint, virtual-hosted on S3's own (path-style for dotted names). */
export function objectUrl(bucket: string, key: string, region: string, endpoint?: string): URL {
  const path = `/${key.split('/').map(escapeSegment).join('/')}`;
  if (endpoint !== undefined) {
    const base = new URL(endpoint);
    return new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}/${encodeURIComponent(bucket)}${path}`);
  }
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  // A dotted bucket name does not match S3's wildcard certificate as a host name.
  return bucket.includes('.')
    ? new URL(`https://s3.${region}.${suffix}/${bucket}${path}`)
    : new URL(`https://${bucket}.s3.${region}.${suffix}${path}`);
}

/** S3's error document: `<Error><Code>NoSuchKey</Code><Message>...</Message></Error>`. */
function errorOf(status: number, body: string, requestId: string | undefined): Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? (status === 404 ? 'NotFound' : status === 403 ? 'Forbidden' : `HTTP${status}`);
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? `S3 answered HTTP ${status}`;
  return namedError(code, `${message}${requestId === undefined ? '' : ` (request id ${requestId})`}`);
}

async function textOf(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Sends the signed GET; resolves with the response (a readable stream of the body) once S3 answers 200.
 * @throws an Error named by S3's error code for its error answers, `TimeoutError` for the timeouts, the socket's error otherwise
 */
export async function getS3Object(request: S3ObjectRequest): Promise<{ readonly body: IncomingMessage; readonly contentLength?: number }> {
  const url = objectUrl(request.bucket, request.key, request.region, request.endpoint);
  if (request.versionId !== undefined) url.searchParams.set('versionId', request.versionId);
  const signer = new SignatureV4({ service: 's3', region: request.region, credentials: request.credentials, sha256: Sha256, uriEscapePath: false });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  // node:https only for https endpoints: plain HTTP (a local S3-compatible server) need not load TLS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = (url.protocol === 'https:' ? require('node:https') : require('node:http')) as typeof Http;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    // One request per cold start: no keep-alive socket left behind to hold the process or time out later.
    const outgoing = transport.get(url, { headers: signed.headers, signal: request.signal, agent: false }, resolve);
    outgoing.on('error', reject);
    if (request.onSent !== undefined) outgoing.once('finish', request.onSent);
    const connectTimer = setTimeout(
      () => outgoing.destroy(namedError('TimeoutError', `no connection to ${url.host} within ${request.connectTimeoutMs} ms (connectTimeoutMs)`)),
      request.connectTimeoutMs,
    );
    outgoing.on('socket', (socket) => {
      const connected = () => clearTimeout(connectTimer);
      if (socket.connecting) socket.once('connect', connected);
      else connected();
      socket.setTimeout(request.readTimeoutMs, () =>
        outgoing.destroy(namedError('TimeoutError', `no data from ${url.host} for ${request.readTimeoutMs} ms (readTimeoutMs)`)),
      );
    });
    outgoing.on('close', () => clearTimeout(connectTimer));
  });
  if (response.statusCode !== 200) {
    const requestId = response.headers['x-amz-request-id'];
    throw errorOf(response.statusCode ?? 0, await textOf(response), typeof requestId === 'string' ? requestId : undefined);
  }
  const length = Number(response.headers['content-length']);
  return { body: response, ...(Number.isSafeInteger(length) && length >= 0 ? { contentLength: length } : {}) };
}
