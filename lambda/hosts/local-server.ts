/**
 * The local server (`npm start`, and the SageMaker container): the same {@link InferenceApp} as the Lambda function
 * URL, on Node's own `http`.
 *
 * - The body is streamed with the size limit enforced while reading: a declared `Content-Length` over the limit
 *   gets 413 before any byte is read (also as the answer to `Expect: 100-continue`), a chunked body gets 413 as
 *   soon as it crosses the limit; the rest of an oversized body is discarded, never buffered, and the connection
 *   is closed with a lingering close ({@link lingerThenClose}), so the client reads the 413 rather than a reset.
 * - Keep-alive is on.
 * - A client that sends part of a request (headers or body) and stalls gets 408 after `requestTimeoutMs` (Node's
 *   `headersTimeout` and `requestTimeout`), recorded as reason `timeout`, and the connection is closed.
 * - {@link RunningServer.close} shuts down gracefully ({@link ConnectionDrain}): it stops accepting connections,
 *   answers requests in flight and those still arriving on open connections (with `Connection: close`), half-closes
 *   connections that stay idle, and after a timeout closes whatever is left. {@link handleShutdownSignals} wires it
 *   to SIGTERM/SIGINT.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInferenceApp } from '../serving/app';
import { ConnectionDrain } from './connection-drain';
import { lingerOnClose, lingerThenClose } from './lingering-close';
import { jsonResponse } from '../serving/contract';
import type { HttpResponse } from '../serving/contract';
import { bodyTooLargeMessage, INTERNAL_ERROR } from '../serving/errors';
import { readManifest } from '../core/manifest';
import { DynamicBatchingModel, isBatchable } from '../core/dynamic-batching';
import { loadModelFromDirectory } from '../core/model';
import { DEFAULT_MAX_BATCH_SIZE, MANIFEST_FILE_NAME } from '../core/runtime-defaults';
import { createObservability, FALLBACK_SERVICE_NAME } from '../serving/observability';
import type { Observability } from '../serving/observability';
import type { LoadedModel } from '../core/types';
import { S3CaptureSink } from '../records/s3-capture-sink';

import { DEFAULT_REQUEST_TIMEOUT_MS } from './server-options';
import type { CloseResult, RunningServer, ServerCapture, ServerOptions } from './server-options';

// The options live in their own file; callers keep importing them from here.
export { DEFAULT_REQUEST_TIMEOUT_MS };
export type { CloseResult, RunningServer, ServerCapture, ServerOptions };

/** Longest `x-request-id` taken from a client; a longer one is replaced. */
const MAX_REQUEST_ID_LENGTH = 200;

/**
 * How often Node checks for requests past their timeout (`connectionsCheckingInterval`, 30 s by default, which
 * would let a stalled request live up to twice the timeout): a tenth of the timeout, from 50 ms to 1 s.
 */
function checkingIntervalMs(timeoutMs: number): number {
  return Math.min(1000, Math.max(50, Math.floor(timeoutMs / 10)));
}

const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n';
const CLIENT_ERROR_RESPONSES: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nconnection: close\r\n\r\n',
};

/** The 408 written on the socket itself: a stalled request may have no response object yet (headers unfinished). */
function requestTimeoutResponse(timeoutMs: number, requestId: string): { message: string; raw: string } {
  const message = `the request was not received in full within ${timeoutMs} ms; send the headers and the body without pausing`;
  const body = JSON.stringify({ error: message, requestId });
  const raw =
    'HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`;
  return { message, raw };
}

/**
 * Request ids for requests that bring no `x-request-id`: a random prefix per server and a counter, unique like a
 * UUID for log correlation but cheaper on every request (`<12 hex digits>-<n>`).
 */
function requestIdSource(): (header: string | string[] | undefined) => string {
  const prefix = `${randomBytes(6).toString('hex')}-`;
  let counter = 0;
  return (header) =>
    typeof header === 'string' && header.length > 0 && header.length <= MAX_REQUEST_ID_LENGTH
      ? header
      : prefix + String(++counter);
}

/**
 * The `error` listener of every request and response, one function for all (no closure per request): a client
 * gone mid-body, or writing to a closed socket, leaves nothing to answer.
 */
function ignoreError(): void {
  // Nothing to do.
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** Loads the model (when given a directory), starts listening, and resolves once it does. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const ownsModel = typeof options.model === 'string';
  let model: LoadedModel;
  let observability: Observability;
  if (typeof options.model === 'string') {
    const started = performance.now();
    try {
      model = await loadModelFromDirectory(options.model, {
        ...(options.expectedSha256 === undefined ? {} : { expectedSha256: options.expectedSha256 }),
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      });
    } catch (error) {
      await recordLoadFailure(options, options.model, error, performance.now() - started);
      throw error;
    }
    observability = options.observability ?? buildObservability(options, model.manifest.name);
    observability.recordModelLoad(model, performance.now() - started, options.model);
  } else {
    model = options.model;
    observability = options.observability ?? buildObservability(options, model.manifest.name);
  }
  const sink = options.capture === undefined ? undefined : captureSink(options.capture, model.manifest.name);
  // A batched run holds at most as many rows as one request may send (the app checks the limit itself).
  const maxRows = options.limits?.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  const batching =
    options.dynamicBatching === false || !isBatchable(model) ? undefined : new DynamicBatchingModel(model, { maxRows });
  const app = createInferenceApp({
    model: batching ?? model,
    limits: options.limits,
    hooks: observability.hooks,
    ...(sink === undefined || options.capture === undefined ? {} : { capture: { ...options.capture, sink } }),
  });
  const limit = app.limits.maxPayloadBytes;
  const stopFlushing = observability.metricsEnabled
    ? observability.startPeriodicFlush(options.metricsFlushIntervalMs)
    : undefined;

  const requestIdOf = requestIdSource();
  // Assigned once the server exists; requests only arrive after that.
  let drain: ConnectionDrain | undefined; // eslint-disable-line prefer-const -- assigned after the handlers that read it are defined

  const send = (res: http.ServerResponse, requestId: string, response: HttpResponse, close = false): void => {
    if (res.headersSent || res.destroyed) return;
    // writeHead takes [name, value, ...] as is: no merged header object per response.
    const headers: string[] = [];
    for (const name of Object.keys(response.headers)) headers.push(name, response.headers[name]);
    headers.push('content-length', String(Buffer.byteLength(response.body)), 'x-request-id', requestId);
    if (close || drain?.closing === true) headers.push('connection', 'close');
    res.writeHead(response.status, headers);
    res.end(response.body);
  };

  /**
   * 413 without reading the body; the connection is then closed with a lingering close, which discards the rest of
   * the body (within bounds) so that the client reads the 413 rather than a reset.
   */
  const rejectTooLarge = (req: http.IncomingMessage, res: http.ServerResponse, requestId: string, size: string): void => {
    const message = bodyTooLargeMessage(size, limit);
    lingerOnClose(req.socket);
    send(res, requestId, jsonResponse(413, JSON.stringify({ error: message })), true);
    try {
      observability.hooks.onRequest?.(
        { requestId, method: req.method ?? 'POST', path: req.url ?? '/', status: 413, durationMs: 0, reason: 'too_large', message },
        { method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers, body: '', requestId },
      );
    } catch {
      // As in the app: a failing hook does not fail the request.
    }
    req.removeAllListeners('data');
    req.resume();
  };

  /** The request each socket is reading, so a timeout can be reported with its id, method and path. */
  const reading = new WeakMap<Socket, { req: http.IncomingMessage; requestId: string; started: number }>();

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    drain?.track(req, res);
    req.on('error', ignoreError);
    res.on('error', ignoreError);
    const requestId = requestIdOf(req.headers['x-request-id']);
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      rejectTooLarge(req, res, requestId, declared);
      return;
    }
    reading.set(req.socket, { req, requestId, started: performance.now() });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        rejectTooLarge(req, res, requestId, `more than ${limit} (${size} received so far)`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      reading.delete(req.socket);
      if (tooLarge) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      app
        .handle({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body, requestId })
        .then(
          (response) => send(res, requestId, response),
          () => send(res, requestId, jsonResponse(500, JSON.stringify({ error: INTERNAL_ERROR, requestId }))),
        );
    });
  };

  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      keepAlive: true,
      // Headers are part of the request: both get the same time. Node answers 408 itself only when nobody listens
      // for 'clientError'; the listener below answers it instead, so that the timeout is counted.
      headersTimeout: requestTimeoutMs,
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: checkingIntervalMs(requestTimeoutMs),
    },
    onRequest,
  );
  server.keepAliveTimeout = 65_000;
  drain = new ConnectionDrain(server);

  /** A stalled request (Node's ERR_HTTP_REQUEST_TIMEOUT): 408, reason `timeout`, connection closed. */
  const onRequestTimeout = (socket: Socket): void => {
    const current = reading.get(socket);
    reading.delete(socket);
    const requestId = current?.requestId ?? requestIdOf(undefined);
    const { message, raw } = requestTimeoutResponse(requestTimeoutMs, requestId);
    const method = current?.req.method ?? '-';
    const path = current?.req.url ?? '-';
    try {
      observability.hooks.onRequest?.(
        { requestId, method, path, status: 408, durationMs: current === undefined ? requestTimeoutMs : performance.now() - current.started, reason: 'timeout', message },
        { method, path, headers: current?.req.headers ?? {}, body: '', requestId },
      );
    } catch {
      // As in the app: a failing hook does not fail the request.
    }
    if (socket.writable && (current === undefined || !current.req.complete)) socket.write(raw);
    lingerThenClose(socket);
  };
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      onRequestTimeout(socket);
      return;
    }
    // What Node does without a listener: 400 for a malformed request (431, 413 for oversized headers or chunk
    // extensions), unless a response is under way on the socket; then close.
    if (socket.writable && (socket.bytesWritten === 0 || reading.has(socket))) socket.write(CLIENT_ERROR_RESPONSES[error.code ?? ''] ?? BAD_REQUEST);
    reading.delete(socket);
    socket.destroy();
  });
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      drain?.track(req, res);
      res.on('error', ignoreError);
      rejectTooLarge(req, res, requestIdOf(req.headers['x-request-id']), declared);
      return;
    }
    res.writeContinue();
    onRequest(req, res);
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopFlushing?.();
    if (ownsModel) await model.close();
    throw error;
  }
  server.on('error', (error) => observability.logger.error('server error', { error: String(error) }));
  const address = server.address() as AddressInfo;
  const url = urlOf(address);
  const { name, version } = model.manifest;
  (options.announce ?? console.log)(`modelstack: serving ${name} ${version} on ${url}`);

  let closed: Promise<CloseResult> | undefined;
  const close = (closeOptions: { timeoutMs?: number } = {}): Promise<CloseResult> => {
    closed ??= (async () => {
      const { forced } = await (drain).close(closeOptions.timeoutMs ?? options.shutdownTimeoutMs ?? 10_000);
      if (batching !== undefined) observability.logger.info('dynamic batching', { ...batching.stats(), batching: batching.batching });
      // After the drain: the requests it let finish are captured too.
      await sink?.close();
      stopFlushing?.();
      if (ownsModel) await model.close();
      return { forced };
    })();
    return closed;
  };

  return { url, port: address.port, model, app, observability, close, ...(batching === undefined ? {} : { batching }) };
}

function captureSink(capture: ServerCapture, modelName: string): S3CaptureSink {
  return new S3CaptureSink({
    bucket: capture.bucket,
    name: capture.name ?? modelName,
    ...(capture.client === undefined ? {} : { client: capture.client }),
    ...(capture.endpoint === undefined ? {} : { endpoint: capture.endpoint }),
    ...(capture.maxRecords === undefined ? {} : { maxRecords: capture.maxRecords }),
    ...(capture.flushIntervalMs === undefined ? {} : { flushIntervalMs: capture.flushIntervalMs }),
    ...(capture.onError === undefined ? {} : { onError: capture.onError }),
  });
}

/**
 * Records a failed load (`ModelLoadFailures`, and the cause in the logs) and flushes it, where metrics are on or an
 * observability was given; otherwise the error thrown to the caller is the whole report. The service is the
 * manifest's model name when the manifest itself could be read.
 */
async function recordLoadFailure(options: ServerOptions, dir: string, error: unknown, durationMs: number): Promise<void> {
  if (options.observability === undefined && options.metrics !== true) return;
  const serviceName = await readManifest(join(dir, MANIFEST_FILE_NAME)).then(
    (manifest) => manifest.name,
    () => FALLBACK_SERVICE_NAME,
  );
  const observability = options.observability ?? buildObservability(options, serviceName);
  try {
    observability.recordModelLoadFailure(error, durationMs, dir);
    observability.flush();
  } catch {
    // Reporting the failure must not hide it: the caller gets the load error either way.
  }
}

function buildObservability(options: ServerOptions, serviceName: string): Observability {
  return createObservability({
    serviceName,
    metrics: options.metrics ?? false,
    ...(options.metricsNamespace === undefined ? {} : { namespace: options.metricsNamespace }),
    logPayloads: options.logPayloads ?? false,
    ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
  });
}
