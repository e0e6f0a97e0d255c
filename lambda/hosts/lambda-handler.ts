/**
 * The Lambda function URL handler (payload format 2.0) around the serving app (`serving/app.ts`).
 *
 * Cold start: in Lambda, importing this module starts loading at once (module scope, during the init phase):
 * configuration from the environment (`plain-runtime-config.ts`; zod's schemas load only to name the problems of
 * a bad one), the manifest bundled next to the handler, the model bytes from S3, the SHA-256 check, the onnxruntime
 * session. Requests that arrive while it loads wait for it.
 *
 * Failed loads, and what happens next:
 * - Permanent failures stay failed for the life of the execution environment: invalid configuration, an invalid
 *   manifest, a SHA-256 mismatch, bytes onnxruntime cannot load, a manifest that does not fit the model. Retrying
 *   cannot fix them; a new deployment does. Every request gets 503 with a stable message; the cause is logged once.
 * - Anything else (S3 unreachable, hung, slow, throttled, access denied, object missing) may heal, so it is
 *   retried, but never per request blindly: the next attempt is made by the first request after a backoff (1 s,
 *   doubling, at most 60 s, plus up to half again of random jitter); requests before that get 503 at once, with
 *   `Retry-After` and a message saying the load is retried. An attempt is bounded by the S3 timeouts
 *   (`S3DownloadTimeouts` in core/model-source.ts); a request waits for the attempt in progress at most `maxWaitForModelMs`, then gets
 *   503 too. Each failed attempt is logged as one ERROR line saying what happens next.
 *
 * Metrics are always on here and are flushed at the end of every invocation, so a failed load attempt (made at
 * init, or by the request that retries it) reaches CloudWatch with the first invocation that follows it.
 */
import { performance } from 'node:perf_hooks';
import type { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logLineSink } from '../records/log-line-sink';
import { createInferenceApp } from '../serving/app';
import type { HttpRequest, InferenceApp, ModelStatus } from '../serving/contract';
import type { Manifest } from '../core/manifest';
import { ManifestError } from '../core/manifest-error';
import { readStampedManifest } from '../core/manifest-file';
import { loadModel, ModelIntegrityError, ModelLoadError, ModelMismatchError } from '../core/model';
import { readModelFromS3 } from '../core/model-source';
import { initOnnxRuntime } from '../core/onnx-session';
import { jsonResponse } from '../serving/contract';
import { notReadyError, RetryableLoadFailure } from '../serving/errors';
import { createObservability, FALLBACK_SERVICE_NAME } from '../serving/observability';
import type { Observability } from '../serving/observability';
import type { CaptureSink } from '../serving/prediction-capture';
import { readRuntimeConfig } from '../core/plain-runtime-config';
import { isLambdaEnvironment, RuntimeConfigError } from '../core/runtime-config-contract';
import type { RuntimeConfig } from '../core/runtime-config-contract';
import type { LoadedModel } from '../core/types';

/** A function URL handler; `context` is optional so tests can call it with an event alone. */
export type FunctionUrlHandler = ((
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>) & {
  /** Resolves when the current load attempt settles, with the model's status. */
  readonly ready: () => Promise<ModelStatus>;
};

/** What a model source tells the load while it downloads. */
export interface ModelSourceEvents {
  /** The request is on its way: the wait is the server's from now on. */
  readonly requestSent: () => void;
}

/** Where the model bytes come from; a source that cannot tell when its request is out may leave `events` alone. */
export type ModelSource = (config: RuntimeConfig, events?: ModelSourceEvents) => Promise<Uint8Array>;

export interface RetryPolicy {
  /** Delay after the first transient failure. @default 1000 */
  readonly initialDelayMs?: number;
  /** Cap of the doubling delay. @default 60000 */
  readonly maxDelayMs?: number;
  /** Random number in [0, 1) for the jitter (each wait is the delay times 1 to 1.5). @default Math.random */
  readonly random?: () => number;
}

/** Default of {@link HandlerDeps.maxWaitForModelMs}. */
export const DEFAULT_MAX_WAIT_FOR_MODEL_MS = 10_000;

export interface HandlerDeps {
  /** The environment the configuration is read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The configuration itself (skips the environment). */
  readonly config?: RuntimeConfig;
  /** @default S3 at `MODEL_BUCKET`/`MODEL_KEY` (with `s3Client`) */
  readonly modelSource?: ModelSource;
  /** The client of the default model source. @default createModelS3Client with the configuration's timeouts */
  readonly s3Client?: S3Client;
  /**
   * Longest time a request waits for a load attempt in progress before it is answered 503 (the attempt goes on).
   * @default DEFAULT_MAX_WAIT_FOR_MODEL_MS
   */
  readonly maxWaitForModelMs?: number;
  /** @default readStampedManifest: as the stack validated it at synth, or validated in full */
  readonly readManifest?: (path: string) => Promise<Manifest>;
  /** Builds the logs and metrics once the model name is known. @default Powertools, metrics on */
  readonly observability?: (serviceName: string, config: RuntimeConfig | undefined) => Observability;
  readonly retry?: RetryPolicy;
  /**
   * onnxruntime's own initialization, run while the model download is in flight (synchronous; idempotent).
   * @default initOnnxRuntime
   */
  readonly initRuntime?: () => void;
  /** Start loading now rather than at the first request. @default true */
  readonly eager?: boolean;
  /** Clock (ms) for the retry backoff. @default performance.now */
  readonly now?: () => number;
  /** Where captured predictions go, when the configuration turns capture on. @default one line each on stdout */
  readonly captureSink?: CaptureSink;
}

/** Errors that a new attempt cannot fix. */
export function isPermanentLoadError(error: unknown): boolean {
  return (
    error instanceof RuntimeConfigError ||
    error instanceof ManifestError ||
    error instanceof ModelIntegrityError ||
    error instanceof ModelMismatchError ||
    error instanceof ModelLoadError
  );
}

interface Attempt {
  /** Set before {@link settled} resolves. */
  app: InferenceApp | undefined;
  observability: Observability | undefined;
  failed: boolean;
  /** Settles (never rejects) when the attempt is over. */
  settled: Promise<void>;
}

function defaultObservability(serviceName: string, config: RuntimeConfig | undefined): Observability {
  return createObservability({
    serviceName,
    metrics: true,
    ...(config === undefined ? {} : { namespace: config.metricsNamespace, logPayloads: config.logPayloads }),
  });
}

/** Header names of function URL events are lower-case already; this guards other callers. */
function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): HttpRequest['headers'] {
  if (headers === undefined || headers === null) return {};
  for (const name in headers) {
    if (name !== name.toLowerCase()) {
      const lowered: Record<string, string | undefined> = {};
      for (const key in headers) lowered[key.toLowerCase()] = headers[key];
      return lowered;
    }
  }
  return headers;
}

/** The function URL event as the serving contract's request. */
export function requestFromEvent(event: APIGatewayProxyEventV2, context?: Context): HttpRequest {
  const raw = event.body ?? '';
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? '/',
    headers: lowerCaseHeaders(event.headers),
    body: event.isBase64Encoded === true ? Buffer.from(raw, 'base64') : raw,
    requestId: context?.awsRequestId ?? event.requestContext?.requestId,
  };
}

/**
 * Creates a function URL handler; loading starts now (unless `eager: false`).
 * Tests inject the model source, configuration and observability.
 */
export function createHandler(deps: HandlerDeps = {}): FunctionUrlHandler {
  const now = deps.now ?? (() => performance.now());
  const initialDelay = deps.retry?.initialDelayMs ?? 1000;
  const maxDelay = deps.retry?.maxDelayMs ?? 60_000;
  const random = deps.retry?.random ?? Math.random;
  const maxWait = deps.maxWaitForModelMs ?? DEFAULT_MAX_WAIT_FOR_MODEL_MS;
  const makeObservability = deps.observability ?? defaultObservability;
  const readManifestFn = deps.readManifest ?? readStampedManifest;
  const initRuntime = deps.initRuntime ?? initOnnxRuntime;
  let captureSink = deps.captureSink;

  let config: RuntimeConfig | undefined = deps.config;
  let configError: unknown;
  if (config === undefined) {
    try {
      config = readRuntimeConfig(deps.env ?? process.env);
    } catch (error) {
      configError = error;
    }
  }
  const source: string = config === undefined ? '(no configuration)' : `s3://${config.modelBucket}/${config.modelKey}`;
  const modelSource: ModelSource =
    deps.modelSource ??
    ((c, events) =>
      readModelFromS3({
        bucket: c.modelBucket,
        key: c.modelKey,
        ...(deps.s3Client ? { client: deps.s3Client } : {}),
        ...(c.s3Timeouts === undefined ? {} : { timeouts: c.s3Timeouts }),
        ...(events === undefined ? {} : { onRequestSent: events.requestSent }),
      }));

  // The manifest and the observability are set up once; only the model download and session are retried.
  let manifest: Manifest | undefined;
  let observability: Observability | undefined;
  let attempt: Attempt | undefined;
  let delay = initialDelay;
  let nextAttemptAt = 0;
  let permanent = false;

  const startAttempt = (): Attempt => {
    const started = now();
    const current: Attempt = { app: undefined, observability: undefined, failed: false, settled: Promise.resolve() };
    let resolveModel: (model: LoadedModel) => void = () => undefined;
    let rejectModel: (error: unknown) => void = () => undefined;
    const model = new Promise<LoadedModel>((resolve, reject) => {
      resolveModel = resolve;
      rejectModel = reject;
    });
    /** The app answers 503 until `model` settles; its reactions run before anyone awaiting `settled` resumes. */
    const serve = (obs: Observability): Observability => {
      current.observability = obs;
      current.app = createInferenceApp({
        model,
        ...(manifest === undefined ? {} : { manifest }),
        ...(config === undefined ? {} : { limits: config.limits }),
        ...(config?.evaluation === undefined ? {} : { evaluation: config.evaluation }),
        ...(config?.capture === undefined ? {} : { capture: { ...config.capture, sink: (captureSink ??= logLineSink()) } }),
        // Not onModelLoadFailed: the failure is logged once below, with what happens next.
        hooks: { onRequest: obs.hooks.onRequest },
      });
      return obs;
    };
    const run = async (): Promise<void> => {
      try {
        if (config === undefined) throw configError;
        // The download starts first, then the manifest's file read; onnxruntime's own initialization (synchronous,
        // most of a first session's time) runs as soon as the request is out, so S3 answers while it works.
        let requestSent: () => void = () => undefined;
        const sent = new Promise<void>((resolve) => (requestSent = resolve));
        const download = modelSource(config, { requestSent });
        // A download that ends (or fails) before saying so releases the wait; its outcome is read below.
        download.then(requestSent, requestSent);
        // A manifest that cannot be read fails the attempt at once, without waiting for the request.
        const [, read] = await Promise.all([sent, manifest ?? readManifestFn(config.manifestPath)]);
        initRuntime();
        manifest ??= read;
        observability ??= makeObservability(manifest.name, config);
        const obs = serve(observability);
        const bytes = await download;
        const loaded = await loadModel({ bytes, manifest, expectedSha256: config.modelSha256, source });
        obs.recordModelLoad(loaded, now() - started, source);
        delay = initialDelay;
        resolveModel(loaded);
      } catch (error) {
        current.failed = true;
        // Before the manifest names the service, logs and metrics go out under FALLBACK_SERVICE_NAME.
        const obs = current.observability ?? serve(observability ?? makeObservability(FALLBACK_SERVICE_NAME, config));
        permanent = config === undefined || isPermanentLoadError(error);
        if (permanent) {
          obs.recordModelLoadFailure(error, now() - started, source, {
            next: 'the model will not be loaded again in this execution environment; requests get 503',
          });
          rejectModel(error);
        } else {
          const wait = Math.round(delay * (1 + 0.5 * random()));
          nextAttemptAt = now() + wait;
          obs.recordModelLoadFailure(error, now() - started, source, {
            next: 'the load will be retried by the first request after the delay; requests until then get 503',
            retryInMs: wait,
          });
          delay = Math.min(delay * 2, maxDelay);
          rejectModel(new RetryableLoadFailure(error, () => Math.ceil((nextAttemptAt - now()) / 1000)));
        }
      }
    };
    current.settled = run();
    return current;
  };

  const currentAttempt = async (): Promise<Attempt> => {
    if (attempt === undefined || (attempt.failed && !permanent && now() >= nextAttemptAt)) {
      attempt = startAttempt();
    }
    const active = attempt;
    await active.settled;
    return active;
  };

  /** The current attempt once it settles, or undefined when it is still running after `maxWait`. */
  const settledAttempt = async (): Promise<Attempt | undefined> => {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), maxWait)));
    try {
      return await Promise.race([currentAttempt(), waited]);
    } finally {
      clearTimeout(timer);
    }
  };

  if (deps.eager ?? true) attempt = startAttempt();

  const handler = async (
    event: APIGatewayProxyEventV2,
    context?: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const active = await settledAttempt();
    if (active === undefined) {
      const busy = notReadyError('loading');
      const { status, headers } = jsonResponse(busy.status, '', busy.headers);
      return { statusCode: status, headers, body: JSON.stringify({ error: busy.message }), isBase64Encoded: false };
    }
    const app = active.app as InferenceApp;
    const obs = active.observability as Observability;
    if (context !== undefined) obs.logger.addContext(context);
    const response = await app.handle(requestFromEvent(event, context));
    try {
      obs.flush();
    } catch {
      // Metrics must never fail a response.
    }
    // Binary tensors (Open Inference Protocol) go back base64-encoded, as function URLs require of bytes.
    const binary = typeof response.body !== 'string';
    const body = binary ? response.body.toString('base64') : response.body;
    return { statusCode: response.status, headers: response.headers, body, isBase64Encoded: binary };
  };
  return Object.assign(handler, {
    ready: async (): Promise<ModelStatus> => ((await currentAttempt()).app as InferenceApp).status(),
  });
}

/**
 * The function's entry point (`handler.handler`). In Lambda the model starts loading when the module is imported;
 * elsewhere (tests, tools importing this module) at the first request.
 */
export const handler: FunctionUrlHandler = createHandler({ eager: isLambdaEnvironment(process.env) });
