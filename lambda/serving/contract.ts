/**
 * The serving contract, framework-neutral: what a host (`hosts/lambda-handler.ts`, `hosts/local-server.ts`, the
 * SageMaker container) hands to an {@link InferenceApp} and gets back. The routes and statuses are in README.md,
 * "The inference contract"; `app.ts` implements it.
 */
import type { EvaluationKeyFigures } from '../core/evaluation-figures';
import type { Manifest } from '../core/manifest';
import type { LoadedModel, Prediction, RequestLimits } from '../core/types';
import type { RejectReason } from './metric-names';
import type { PredictionCaptureOptions } from './prediction-capture';

/** A request, as any front end (function URL, node:http, SageMaker) can describe it. */
export interface HttpRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path; a query string, if any, is ignored. */
  readonly path: string;
  /** Headers with lower-case names. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer | string;
  /** Correlates logs and the 500 message; generated when absent. */
  readonly requestId?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** JSON text; bytes for an Open Inference Protocol answer with binary tensors (`binary-tensors.ts`). */
  readonly body: string | Buffer;
}

/** What happened to one request, for logs and metrics. Carries no payload (the hook gets the request too). */
export interface RequestRecord {
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** Predictions returned (successful inference only). */
  readonly predictions?: readonly Prediction[];
  readonly reason?: RejectReason;
  /** The client-facing error message; may quote the payload. */
  readonly message?: string;
  /** Number of input problems (400 invalid_input). */
  readonly problemCount?: number;
  /** The unexpected error behind a 500. */
  readonly error?: unknown;
}

/** Observability hooks; exceptions they throw are swallowed (a broken hook must not fail requests). */
export interface InferenceHooks {
  /** Called once per request, after the response is built. */
  onRequest?(this: void, record: RequestRecord, request: HttpRequest): void;
  /** Called once when a model promise rejects (the app then answers 503). */
  onModelLoadFailed?(this: void, error: unknown): void;
}

/**
 * The model to serve: loaded, loading (a promise: 503 until it settles, 503 for good if it rejects), or a getter
 * (`undefined`: not loaded yet) for a caller that swaps models itself.
 */
export type ModelOption = Promise<LoadedModel> | LoadedModel | (() => LoadedModel | undefined);

export interface InferenceAppOptions {
  readonly model: ModelOption;
  /**
   * The manifest, when known before the model is loaded: the model routes (and their 404s) and metadata then work
   * while loading. @default the loaded model's manifest
   */
  readonly manifest?: Manifest;
  /** The evaluation's key figures, shown in the model metadata document. @default none */
  readonly evaluation?: EvaluationKeyFigures;
  readonly limits?: RequestLimits;
  readonly hooks?: InferenceHooks;
  /** Capture of sampled predictions (`prediction-capture.ts`). @default none */
  readonly capture?: PredictionCaptureOptions;
}

export type ModelStatus = 'loading' | 'ready' | 'failed';

export interface InferenceApp {
  /** Answers one request; never rejects. */
  handle(request: HttpRequest): Promise<HttpResponse>;
  readonly limits: Readonly<Required<RequestLimits>>;
  status(): ModelStatus;
  /** The model, once loaded. */
  model(): LoadedModel | undefined;
}

/** The media type of every response body. */
export const JSON_CONTENT_TYPE = 'application/json';

/** A response of the contract: JSON, with `extra` headers if any. */
export function jsonResponse(status: number, body: string, extra?: Readonly<Record<string, string>>): HttpResponse {
  return {
    status,
    headers: extra === undefined ? { 'content-type': JSON_CONTENT_TYPE } : { 'content-type': JSON_CONTENT_TYPE, ...extra },
    body,
  };
}
