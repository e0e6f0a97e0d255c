/**
 * The serving app: one {@link InferenceApp} answers the Lambda function URL (`hosts/lambda-handler.ts`), the local
 * server (`hosts/local-server.ts`) and the SageMaker container alike. It follows the model's lifecycle (loading,
 * ready, failed; or a getter's current model), dispatches each request to its route, turns every error into a
 * JSON response (see `errors.ts`), and reports each request to the hooks.
 *
 * The request path is benchmarked: routes, metadata and fixed bodies are built once per model, the path is
 * matched with one Map lookup, and each response is serialized once.
 */
import { performance } from 'node:perf_hooks';
import type { EvaluationKeyFigures } from '../core/evaluation-figures';
import { formatValue } from '../core/issues';
import { InvalidInputError } from '../core/invalid-input';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES } from '../core/runtime-defaults';
import type { LoadedModel, RequestLimits } from '../core/types';
import { jsonResponse } from './contract';
import type {
  HttpRequest,
  HttpResponse,
  InferenceApp,
  InferenceAppOptions,
  InferenceHooks,
  ModelOption,
  ModelStatus,
  RequestRecord,
} from './contract';
import { HttpError, INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE, notReadyError, RetryableLoadFailure } from './errors';
import { LIVE_BODY, READY_BODY } from './health';
import { invocations } from './invocations';
import { SERVER_METADATA_BODY } from './metadata';
import type { RejectReason } from './metric-names';
import { INFERENCE_ID_HEADER } from './inference-id';
import { infer } from './open-inference';
import { PredictionCapture } from './prediction-capture';
import { requestIdOf } from './route-context';
import type { RequestState, RouteContext } from './route-context';
import { buildCatalog, findRoute, pathOf } from './router';
import type { Catalog } from './router';
import { serveModel } from './served-model';
import type { ServedModel } from './served-model';

function isThenable(value: ModelOption): value is Promise<LoadedModel> {
  return typeof (value as { then?: unknown }).then === 'function';
}

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`limits.${name} must be a positive whole number (got ${formatValue(value)})`);
  }
  return value;
}

class InferenceAppImpl implements InferenceApp, RouteContext {
  readonly limits: Readonly<Required<RequestLimits>>;
  readonly keepsInputs: boolean;
  private readonly hooks: InferenceHooks;
  private readonly getter: (() => LoadedModel | undefined) | undefined;
  private loadStatus: ModelStatus = 'loading';
  private served: ServedModel | undefined;
  /** Set when the model promise rejected with a failure that will be retried. */
  private retry: RetryableLoadFailure | undefined;
  private catalog: Catalog | undefined;
  private readonly evaluation: EvaluationKeyFigures | undefined;
  private readonly capture: PredictionCapture | undefined;

  constructor(options: InferenceAppOptions) {
    this.limits = {
      maxPayloadBytes: positiveLimit('maxPayloadBytes', options.limits?.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES),
      maxBatchSize: positiveLimit('maxBatchSize', options.limits?.maxBatchSize, DEFAULT_MAX_BATCH_SIZE),
    };
    this.hooks = options.hooks ?? {};
    this.evaluation = options.evaluation;
    this.capture = options.capture === undefined ? undefined : new PredictionCapture(options.capture);
    this.keepsInputs = options.capture !== undefined && options.capture.captureInputs && options.capture.samplingPercentage > 0;
    if (options.manifest !== undefined) this.catalog = buildCatalog(options.manifest, this.evaluation);
    const model = options.model;
    if (typeof model === 'function') {
      this.getter = model;
    } else if (isThenable(model)) {
      model.then(
        (loaded) => this.setModel(loaded),
        (error: unknown) => {
          this.loadStatus = 'failed';
          if (error instanceof RetryableLoadFailure) this.retry = error;
          this.callHook(() => this.hooks.onModelLoadFailed?.(error));
        },
      );
    } else {
      this.setModel(model);
    }
  }

  status(): ModelStatus {
    this.refresh();
    return this.loadStatus;
  }

  model(): LoadedModel | undefined {
    this.refresh();
    return this.served?.model;
  }

  ready(): ServedModel {
    const served = this.served;
    if (served === undefined) throw notReadyError(this.loadStatus, this.retry);
    return served;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const state: RequestState = { requestId: request.requestId, predictions: undefined, problemCount: undefined };
    let response: HttpResponse;
    let reason: RejectReason | undefined;
    let message: string | undefined;
    let unexpected: unknown;
    try {
      response = await this.dispatch(request, state);
      if (state.inferenceId !== undefined) this.answered(response, state, state.inferenceId);
    } catch (error) {
      if (error instanceof HttpError) {
        reason = error.reason;
        message = error.message;
        response = jsonResponse(error.status, JSON.stringify({ error: error.message }), error.headers);
      } else if (error instanceof InvalidInputError) {
        reason = 'invalid_input';
        message = error.message;
        state.problemCount = error.problemCount;
        response = jsonResponse(400, JSON.stringify({ error: error.message, problems: error.problems }));
      } else {
        reason = 'internal_error';
        unexpected = error;
        message = INTERNAL_ERROR;
        response = jsonResponse(500, JSON.stringify({ error: INTERNAL_ERROR_MESSAGE, requestId: requestIdOf(state) }));
      }
    }
    const onRequest = this.hooks.onRequest;
    if (onRequest !== undefined) {
      const record: RequestRecord = {
        requestId: requestIdOf(state),
        method: request.method,
        path: request.path,
        status: response.status,
        durationMs: performance.now() - started,
        ...(state.predictions === undefined ? {} : { predictions: state.predictions }),
        ...(reason === undefined ? {} : { reason, message }),
        ...(state.problemCount === undefined ? {} : { problemCount: state.problemCount }),
        ...(unexpected === undefined ? {} : { error: unexpected }),
      };
      this.callHook(() => onRequest(record, request));
    }
    return response;
  }

  /** A prediction's answer carries its id; a sampled one is captured (never failing the request). */
  private answered(response: HttpResponse, state: RequestState, inferenceId: string): void {
    response.headers[INFERENCE_ID_HEADER] = inferenceId;
    const capture = this.capture;
    const served = this.served;
    if (capture === undefined || state.predictions === undefined || served === undefined) return;
    this.callHook(() =>
      capture.capture({
        inferenceId,
        manifest: served.catalog.manifest,
        inputs: state.inputs,
        predictions: state.predictions ?? [],
        ...(state.outputJson === undefined ? {} : { outputJson: state.outputJson }),
      }),
    );
  }

  private callHook(call: () => void): void {
    try {
      call();
    } catch {
      // A hook failing (e.g. a logger that cannot write) must not turn into a failed request.
    }
  }

  private setModel(model: LoadedModel): void {
    const catalog =
      this.catalog !== undefined && this.catalog.manifest === model.manifest ? this.catalog : buildCatalog(model.manifest, this.evaluation);
    this.catalog = catalog;
    this.served = serveModel(model, catalog);
    this.loadStatus = 'ready';
  }

  /** With a getter, follows the model it returns. */
  private refresh(): void {
    if (this.getter === undefined) return;
    const model = this.getter();
    if (model === undefined) {
      this.served = undefined;
      this.loadStatus = 'loading';
    } else if (this.served?.model !== model) {
      this.setModel(model);
    }
  }

  private dispatch(request: HttpRequest, state: RequestState): Promise<HttpResponse> | HttpResponse {
    this.refresh();
    const path = pathOf(request.path);
    const route = findRoute(request.method, path, this.catalog, this.loadStatus);
    switch (route.kind) {
      case 'invocations':
        return invocations(request, this, state);
      case 'infer':
        return infer(request, this, state);
      case 'ping':
        return jsonResponse(200, this.ready().pingBody);
      case 'ready':
        this.ready();
        return jsonResponse(200, READY_BODY);
      case 'live':
        return jsonResponse(200, LIVE_BODY);
      case 'server':
        return jsonResponse(200, SERVER_METADATA_BODY);
      case 'model-metadata':
        return jsonResponse(200, this.served?.metadataBody ?? (this.catalog as Catalog).metadataLoading);
      case 'model-ready':
        return jsonResponse(200, this.ready().modelReadyBody);
    }
  }
}

/** Creates the serving app for a model (loaded, loading, or behind a getter). */
export function createInferenceApp(options: InferenceAppOptions): InferenceApp {
  return new InferenceAppImpl(options);
}
