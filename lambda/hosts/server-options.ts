/** The options of the local server ({@link startServer} in `local-server.ts`) and what it hands back. */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { DynamicBatchingModel } from '../core/dynamic-batching';
import type { ServerCaptureConfig } from '../core/runtime-config';
import type { LoadedModel, RequestLimits } from '../core/types';
import type { S3CaptureSinkOptions } from '../records/s3-capture-sink';
import type { InferenceApp } from '../serving/contract';
import type { Observability } from '../serving/observability';

export interface ServerOptions {
  /** A model directory (`model.json` + `model.onnx`, as `examples/iris`) or a loaded model (the caller closes it). */
  readonly model: string | LoadedModel;
  /**
   * SHA-256 (hex) that `model.onnx` of a model directory must have; checked before any session is created
   * (the SageMaker container sets it from `MODEL_SHA256`). @default - not checked
   */
  readonly expectedSha256?: string;
  /**
   * onnxruntime intra-op threads of a model directory's session (a pool sets it so that workers × threads fits the
   * CPUs). @default 1
   */
  readonly threads?: number;
  /** @default 8080; 0 picks a free port (see {@link RunningServer.url}) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly limits?: RequestLimits;
  /**
   * Emit EMF metrics to stdout (flushed every `metricsFlushIntervalMs` and on close, and at once for a model
   * directory that fails to load). @default false
   */
  readonly metrics?: boolean;
  /** @default 10000 */
  readonly metricsFlushIntervalMs?: number;
  /** CloudWatch namespace of the metrics. @default 'modelstack' */
  readonly metricsNamespace?: string;
  /** Log request bodies. @default false */
  readonly logPayloads?: boolean;
  /** Powertools log level. @default POWERTOOLS_LOG_LEVEL, else INFO */
  readonly logLevel?: LogLevel;
  /** Replaces the logs and metrics built from the options above. */
  readonly observability?: Observability;
  /** Receives the human-readable "serving ... on ..." line. @default console.log */
  readonly announce?: (line: string) => void;
  /** How long {@link RunningServer.close} waits for in-flight requests. @default 10000 */
  readonly shutdownTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, headers and body (Node's `headersTimeout` and
   * `requestTimeout`); a request still incomplete then gets 408 and its connection is closed.
   * @default DEFAULT_REQUEST_TIMEOUT_MS (30 s)
   */
  readonly requestTimeoutMs?: number;
  /**
   * Dynamic batching (`core/dynamic-batching.ts`): the predictions of one event-loop turn run together, one
   * `session.run` for many requests, which raises the requests per second under concurrent load. Off, every
   * request runs alone, and a row's answer never depends on the other requests in flight (with batching, a matrix
   * product may differ in the last bit of a float32).
   * @default true
   */
  readonly dynamicBatching?: boolean;
  /**
   * Capture sampled predictions into a records bucket (`records/s3-capture-sink.ts`); written out at close.
   * @default - no capture
   */
  readonly capture?: ServerCapture;
}

/** Capture of a local server: what, where, and optionally the client and buffering. */
export interface ServerCapture extends ServerCaptureConfig, Pick<S3CaptureSinkOptions, 'maxRecords' | 'flushIntervalMs' | 'client' | 'onError'> {}

/** Default of {@link ServerOptions.requestTimeoutMs}. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface CloseResult {
  /** True when in-flight requests were still running at the timeout and their connections were cut. */
  readonly forced: boolean;
}

export interface RunningServer {
  /** `http://host:port`, with the actual port. */
  readonly url: string;
  readonly port: number;
  readonly model: LoadedModel;
  readonly app: InferenceApp;
  readonly observability: Observability;
  /** The model as the app runs it when dynamic batching is on (its counts of requests and runs). */
  readonly batching?: DynamicBatchingModel;
  /** Graceful shutdown; idempotent (later calls return the first call's promise). */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
}
