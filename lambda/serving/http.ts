/**
 * The serving contract, framework-neutral: one {@link InferenceApp} answers the Lambda function URL
 * (`hosts/lambda-handler.ts`), the local server (`hosts/local-server.ts`) and the SageMaker container alike.
 *
 * Routes:
 * - `POST /invocations` (SageMaker): `application/json` `{"instances": [...]}` (objects keyed by feature name, or
 *   arrays in feature order) or `text/csv` (one instance per row, header optional); answers
 *   `{"predictions": [{"label", "probabilities"}]}` or `{"predictions": [{"value"}]}`.
 * - `POST /v2/models/{name}[/versions/{version}]/infer` (Open Inference Protocol v2, as KServe, Triton and
 *   MLServer speak it): one `[N, F]` tensor named as the manifest's input tensor, or one `[N]` (or `[N, 1]`)
 *   tensor per feature; answers `label` (BYTES, [N]) and `probabilities` (FP32, [N, K]), or `value` (FP32, [N]).
 * - `GET /ping`, `GET /v2/health/ready` (200 once the model is loaded, else 503), `GET /v2/health/live`,
 *   `GET /v2`, `GET /v2/models/{name}[/versions/{version}]` (metadata), `.../ready`.
 *
 * Errors are JSON `{"error": "..."}` (400s for input add `problems`): 400 invalid input or JSON, 404 unknown path
 * or model, 405 wrong method (with `Allow`), 413 body or batch over the limits, 415 unsupported content type,
 * 503 model loading or failed, 500 anything unexpected (message and request id only; the hooks get the error).
 *
 * The request path is benchmarked: routes, metadata and fixed bodies are built once per model, the path is
 * matched with one Map lookup, and each response is serialized once.
 *
 * No CDK imports: this file ships in the Lambda bundle.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseCsv } from '../core/csv';
import { formatValue } from '../core/manifest';
import type { Manifest } from '../core/manifest';
import { createPreparer, InvalidInputError } from '../core/prepare';
import type { Preparer } from '../core/prepare';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES } from '../core/runtime-config';
import type { InputProblem, LoadedModel, Prediction, PreparedBatch, RequestLimits } from '../core/types';

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
  /** JSON text. */
  readonly body: string;
}

/** Why a request was not answered with 200: the `reason` dimension of the `InvalidRequests` metric. */
export type RejectReason =
  | 'bad_json'
  | 'invalid_input'
  | 'too_large'
  | 'unsupported_media_type'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_ready'
  | 'internal_error';

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
  onRequest?(record: RequestRecord, request: HttpRequest): void;
  /** Called once when a model promise rejects (the app then answers 503). */
  onModelLoadFailed?(error: unknown): void;
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
  readonly limits?: RequestLimits;
  readonly hooks?: InferenceHooks;
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

/** Client-facing message of a 503 while the model is loading. */
export const LOADING_MESSAGE = 'the model is still loading; retry shortly';
/** Client-facing message of a 503 after the model failed to load (the cause is logged, never sent). */
export const FAILED_MESSAGE = 'the model failed to load and is not available; the cause is in the server logs';

const JSON_CONTENT_TYPE = 'application/json';
const MODELS_PREFIX = '/v2/models/';
/** Datatypes of the Open Inference Protocol accepted as input (BYTES is not numeric). */
const NUMERIC_DATATYPES: ReadonlySet<string> = new Set([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64',
]);
/** Quotes around a parameter value. */
const QUOTES = /^"|"$/g;
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii']);

type MediaKind = 'json' | 'csv';

type RouteKind =
  | 'ping'
  | 'live'
  | 'ready'
  | 'server'
  | 'invocations'
  | 'infer'
  | 'model-metadata'
  | 'model-ready';

interface Route {
  readonly kind: RouteKind;
  readonly method: 'GET' | 'POST';
}

const STATIC_ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/invocations', { kind: 'invocations', method: 'POST' }],
  ['/ping', { kind: 'ping', method: 'GET' }],
  ['/v2/health/live', { kind: 'live', method: 'GET' }],
  ['/v2/health/ready', { kind: 'ready', method: 'GET' }],
  ['/v2', { kind: 'server', method: 'GET' }],
]);

const LIVE_BODY = JSON.stringify({ live: true });
const READY_BODY = JSON.stringify({ ready: true });
const SERVER_BODY = JSON.stringify({ name: 'modelstack', version: '1', extensions: [] });

/** A response other than 200, thrown inside the app and turned into JSON by {@link InferenceAppImpl.handle}. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Everything that depends only on the manifest: routes, names, metadata. */
interface Catalog {
  readonly manifest: Manifest;
  readonly routes: ReadonlyMap<string, Route>;
  readonly routeList: string;
  readonly labels: readonly string[] | undefined;
  readonly outputNames: readonly string[];
  readonly metadataLoading: string;
}

/** A loaded model and what is derived from it once. */
interface Serving {
  readonly model: LoadedModel;
  readonly catalog: Catalog;
  readonly preparer: Preparer;
  readonly pingBody: string;
  readonly metadataBody: string;
  readonly modelReadyBody: string;
  /** `"model_name":...,"model_version":...` JSON fragment of every v2 response. */
  readonly v2Prefix: string;
}

/** Per-request scratch state, reported to the hooks. */
interface Context {
  requestId: string | undefined;
  predictions: readonly Prediction[] | undefined;
  problemCount: number | undefined;
}

function jsonResponse(status: number, body: string, extra?: Readonly<Record<string, string>>): HttpResponse {
  return {
    status,
    headers: extra === undefined ? { 'content-type': JSON_CONTENT_TYPE } : { 'content-type': JSON_CONTENT_TYPE, ...extra },
    body,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isThenable(value: ModelOption): value is Promise<LoadedModel> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** One problem with the request's envelope (not with an instance): a 400 like any invalid input. */
function envelopeError(field: string, value: unknown, allowed: string): InvalidInputError {
  return new InvalidInputError([{ instance: -1, field, value: formatValue(value), allowed }]);
}

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`limits.${name} must be a positive whole number (got ${formatValue(value)})`);
  }
  return value;
}

function buildCatalog(manifest: Manifest): Catalog {
  const base = `${MODELS_PREFIX}${manifest.name}`;
  const versioned = `${base}/versions/${manifest.version}`;
  const routes = new Map<string, Route>();
  for (const prefix of [base, versioned]) {
    routes.set(prefix, { kind: 'model-metadata', method: 'GET' });
    routes.set(`${prefix}/ready`, { kind: 'model-ready', method: 'GET' });
    routes.set(`${prefix}/infer`, { kind: 'infer', method: 'POST' });
  }
  const labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  const catalog: Omit<Catalog, 'metadataLoading'> = {
    manifest,
    routes,
    routeList: [
      'POST /invocations',
      `POST ${base}/infer`,
      'GET /ping',
      'GET /v2/health/live',
      'GET /v2/health/ready',
      `GET ${base}`,
      `GET ${base}/ready`,
    ].join(', '),
    labels,
    outputNames: labels === undefined ? ['value'] : ['label', 'probabilities'],
  };
  return { ...catalog, metadataLoading: JSON.stringify(metadata(manifest, undefined)) };
}

/** `GET /v2/models/{name}`: the v2 metadata, extended with what the manifest says about each feature. */
function metadata(manifest: Manifest, model: LoadedModel | undefined): Record<string, unknown> {
  const features = manifest.input.features;
  const labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  return {
    name: manifest.name,
    versions: [manifest.version],
    platform: 'onnx',
    task: manifest.task,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    inputs: features.map((f) => ({
      name: f.name,
      datatype: 'FP32',
      shape: [-1],
      type: f.type,
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.min === undefined ? {} : { min: f.min }),
      ...(f.max === undefined ? {} : { max: f.max }),
      ...(f.scale === undefined ? {} : { scale: f.scale }),
      missing: f.missing,
    })),
    outputs:
      labels === undefined
        ? [{ name: 'value', datatype: 'FP32', shape: [-1] }]
        : [
            { name: 'label', datatype: 'BYTES', shape: [-1] },
            { name: 'probabilities', datatype: 'FP32', shape: [-1, labels.length] },
          ],
    ...(labels === undefined ? {} : { labels }),
    /** The single-tensor form of the input, also accepted by `infer`. */
    tensor: { name: manifest.input.tensor, datatype: 'FP32', shape: [-1, features.length] },
    unknownFields: manifest.input.unknownFields,
    ...(model === undefined ? {} : { sha256: model.sha256 }),
    ready: model !== undefined,
  };
}

function buildServing(model: LoadedModel, catalog: Catalog): Serving {
  const manifest = model.manifest;
  return {
    model,
    catalog,
    preparer: createPreparer(manifest),
    pingBody: JSON.stringify({ status: 'ok', model: manifest.name, version: manifest.version }),
    metadataBody: JSON.stringify(metadata(manifest, model)),
    modelReadyBody: JSON.stringify({ name: manifest.name, version: manifest.version, ready: true }),
    v2Prefix: `"model_name":${JSON.stringify(manifest.name)},"model_version":${JSON.stringify(manifest.version)}`,
  };
}

function byteLength(body: Buffer | string, limit: number): number {
  if (typeof body !== 'string') return body.length;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no exact count.
  return body.length * 3 <= limit ? body.length : Buffer.byteLength(body);
}

function bodyText(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A validated Open Inference Protocol input tensor. */
interface TensorInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

class InferenceAppImpl implements InferenceApp {
  readonly limits: Readonly<Required<RequestLimits>>;
  private readonly hooks: InferenceHooks;
  private readonly getter: (() => LoadedModel | undefined) | undefined;
  private loadStatus: ModelStatus = 'loading';
  private serving: Serving | undefined;
  private catalog: Catalog | undefined;

  constructor(options: InferenceAppOptions) {
    this.limits = {
      maxPayloadBytes: positiveLimit('maxPayloadBytes', options.limits?.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES),
      maxBatchSize: positiveLimit('maxBatchSize', options.limits?.maxBatchSize, DEFAULT_MAX_BATCH_SIZE),
    };
    this.hooks = options.hooks ?? {};
    if (options.manifest !== undefined) this.catalog = buildCatalog(options.manifest);
    const model = options.model;
    if (typeof model === 'function') {
      this.getter = model;
    } else if (isThenable(model)) {
      model.then(
        (loaded) => this.setModel(loaded),
        (error: unknown) => {
          this.loadStatus = 'failed';
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
    return this.serving?.model;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    const ctx: Context = { requestId: request.requestId, predictions: undefined, problemCount: undefined };
    let response: HttpResponse;
    let reason: RejectReason | undefined;
    let message: string | undefined;
    let unexpected: unknown;
    try {
      response = await this.dispatch(request, ctx);
    } catch (error) {
      if (error instanceof HttpError) {
        reason = error.reason;
        message = error.message;
        response = jsonResponse(error.status, JSON.stringify({ error: error.message }), error.headers);
      } else if (error instanceof InvalidInputError) {
        reason = 'invalid_input';
        message = error.message;
        ctx.problemCount = error.problemCount;
        response = jsonResponse(400, JSON.stringify({ error: error.message, problems: error.problems }));
      } else {
        reason = 'internal_error';
        unexpected = error;
        message = 'internal error';
        response = jsonResponse(
          500,
          JSON.stringify({
            error: 'internal error; the details are in the server logs under this request id',
            requestId: this.requestId(ctx),
          }),
        );
      }
    }
    const onRequest = this.hooks.onRequest;
    if (onRequest !== undefined) {
      const record: RequestRecord = {
        requestId: this.requestId(ctx),
        method: request.method,
        path: request.path,
        status: response.status,
        durationMs: performance.now() - started,
        ...(ctx.predictions === undefined ? {} : { predictions: ctx.predictions }),
        ...(reason === undefined ? {} : { reason, message }),
        ...(ctx.problemCount === undefined ? {} : { problemCount: ctx.problemCount }),
        ...(unexpected === undefined ? {} : { error: unexpected }),
      };
      this.callHook(() => onRequest(record, request));
    }
    return response;
  }

  private requestId(ctx: Context): string {
    if (ctx.requestId === undefined) ctx.requestId = randomUUID();
    return ctx.requestId;
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
      this.catalog !== undefined && this.catalog.manifest === model.manifest ? this.catalog : buildCatalog(model.manifest);
    this.catalog = catalog;
    this.serving = buildServing(model, catalog);
    this.loadStatus = 'ready';
  }

  /** With a getter, follows the model it returns. */
  private refresh(): void {
    if (this.getter === undefined) return;
    const model = this.getter();
    if (model === undefined) {
      this.serving = undefined;
      this.loadStatus = 'loading';
    } else if (this.serving?.model !== model) {
      this.setModel(model);
    }
  }

  private notReady(): HttpError {
    return this.loadStatus === 'failed'
      ? new HttpError(503, 'not_ready', FAILED_MESSAGE)
      : new HttpError(503, 'not_ready', LOADING_MESSAGE, { 'retry-after': '1' });
  }

  private ready(): Serving {
    const serving = this.serving;
    if (serving === undefined) throw this.notReady();
    return serving;
  }

  private dispatch(request: HttpRequest, ctx: Context): Promise<HttpResponse> | HttpResponse {
    this.refresh();
    let path = request.path;
    const query = path.indexOf('?');
    if (query !== -1) path = path.slice(0, query);
    const route = STATIC_ROUTES.get(path) ?? this.catalog?.routes.get(path);
    if (route === undefined) throw this.notFound(request.method, path);
    if (request.method !== route.method) {
      throw new HttpError(
        405,
        'method_not_allowed',
        `method ${request.method.slice(0, 20)} is not allowed on ${path}; use ${route.method}`,
        { allow: route.method },
      );
    }
    switch (route.kind) {
      case 'invocations':
        return this.invocations(request, ctx);
      case 'infer':
        return this.infer(request, ctx);
      case 'ping':
        return jsonResponse(200, this.ready().pingBody);
      case 'ready':
        this.ready();
        return jsonResponse(200, READY_BODY);
      case 'live':
        return jsonResponse(200, LIVE_BODY);
      case 'server':
        return jsonResponse(200, SERVER_BODY);
      case 'model-metadata':
        return jsonResponse(200, this.serving?.metadataBody ?? (this.catalog as Catalog).metadataLoading);
      case 'model-ready':
        return jsonResponse(200, this.ready().modelReadyBody);
    }
  }

  private notFound(method: string, path: string): HttpError {
    const catalog = this.catalog;
    if (path.startsWith(MODELS_PREFIX)) {
      // Before the manifest is known nothing can be said about model names.
      if (catalog === undefined) return this.notReady();
      const { name, version } = catalog.manifest;
      const parts = path.slice(MODELS_PREFIX.length).split('/');
      if (parts[0] !== name) {
        return new HttpError(
          404,
          'not_found',
          `model ${formatValue(parts[0])} is not served here; this endpoint serves model "${name}" (version ${version})`,
        );
      }
      if (parts[1] === 'versions' && parts[2] !== undefined && parts[2] !== version) {
        return new HttpError(
          404,
          'not_found',
          `version ${formatValue(parts[2])} of model "${name}" is not served here; this endpoint serves version ${version}`,
        );
      }
    }
    const routes =
      catalog?.routeList ?? 'POST /invocations, GET /ping, GET /v2/health/live, GET /v2/health/ready';
    return new HttpError(404, 'not_found', `no route for ${method.slice(0, 20)} ${formatValue(path)}; the routes are ${routes}`);
  }

  private checkSize(body: Buffer | string): void {
    const limit = this.limits.maxPayloadBytes;
    const size = byteLength(body, limit);
    if (size > limit) {
      throw new HttpError(413, 'too_large', `request body is ${size} bytes; the limit is ${limit} bytes`);
    }
  }

  private checkBatch(count: number): void {
    const limit = this.limits.maxBatchSize;
    if (count > limit) {
      throw new HttpError(413, 'too_large', `batch has ${count} instances; the limit is ${limit} per request`);
    }
  }

  /** The body's media type among `allowed` (no content type: JSON); 415 otherwise. */
  private mediaKind(headers: HttpRequest['headers'], allowCsv: boolean): MediaKind {
    const header = headers['content-type'];
    const raw = typeof header === 'string' ? header : header?.[0];
    if (raw === undefined || raw === JSON_CONTENT_TYPE) return 'json';
    const semicolon = raw.indexOf(';');
    const type = (semicolon === -1 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
    if (type === '') return 'json';
    const allowed = allowCsv ? 'application/json or text/csv' : 'application/json';
    let kind: MediaKind;
    if (type === JSON_CONTENT_TYPE) kind = 'json';
    else if (allowCsv && type === 'text/csv') kind = 'csv';
    else {
      throw new HttpError(415, 'unsupported_media_type', `content type ${formatValue(type)} is not supported; use ${allowed}`);
    }
    if (semicolon !== -1) {
      for (const parameter of raw.slice(semicolon + 1).split(';')) {
        const equals = parameter.indexOf('=');
        if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
        const charset = parameter.slice(equals + 1).trim().replace(QUOTES, '').toLowerCase();
        if (!UTF8_CHARSETS.has(charset)) {
          throw new HttpError(
            415,
            'unsupported_media_type',
            `charset ${formatValue(charset)} is not supported; send UTF-8 (${allowed}; charset=utf-8)`,
          );
        }
      }
    }
    return kind;
  }

  private parseJson(text: string): unknown {
    if (text.length === 0) throw new HttpError(400, 'bad_json', 'request body is empty; send a JSON object');
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new HttpError(400, 'bad_json', `request body is not valid JSON: ${(error as Error).message}`);
    }
  }

  private async invocations(request: HttpRequest, ctx: Context): Promise<HttpResponse> {
    this.checkSize(request.body);
    const kind = this.mediaKind(request.headers, true);
    const serving = this.ready();
    const text = bodyText(request.body);
    let batch: PreparedBatch;
    if (kind === 'csv') {
      const instances = parseCsv(text, serving.catalog.manifest);
      this.checkBatch(instances.length);
      batch = serving.preparer.prepare(instances, { textCells: true });
    } else {
      const body = this.parseJson(text);
      const instances = isObject(body) ? body.instances : undefined;
      if (!Array.isArray(instances)) {
        throw isObject(body)
          ? envelopeError('instances', instances, 'an array of instances (objects keyed by feature name, or arrays in feature order)')
          : envelopeError('(body)', body, 'a JSON object {"instances": [...]}');
      }
      this.checkBatch(instances.length);
      batch = serving.preparer.prepare(instances);
    }
    const predictions = await serving.model.predict(batch);
    ctx.predictions = predictions;
    return jsonResponse(200, JSON.stringify({ predictions }));
  }

  private async infer(request: HttpRequest, ctx: Context): Promise<HttpResponse> {
    this.checkSize(request.body);
    this.mediaKind(request.headers, false);
    const serving = this.ready();
    const body = this.parseJson(bodyText(request.body));
    if (!isObject(body)) throw envelopeError('(body)', body, 'a JSON object {"id"?, "inputs": [...], "outputs"?}');
    const id = body.id;
    if (id !== undefined && typeof id !== 'string') throw envelopeError('id', id, 'a string');
    const requested = this.requestedOutputs(body.outputs, serving.catalog);
    const batch = this.prepareTensors(body.inputs, serving);
    const predictions = await serving.model.predict(batch);
    ctx.predictions = predictions;
    const outputs = v2Outputs(predictions, serving.catalog, requested);
    return jsonResponse(
      200,
      `{${serving.v2Prefix},"id":${JSON.stringify(id ?? this.requestId(ctx))},"outputs":${JSON.stringify(outputs)}}`,
    );
  }

  /** The `outputs` a v2 request asks for (`undefined`: all). */
  private requestedOutputs(outputs: unknown, catalog: Catalog): ReadonlySet<string> | undefined {
    if (outputs === undefined) return undefined;
    const allowed = `an array of {"name"} with names among ${catalog.outputNames.map((n) => `"${n}"`).join(', ')}`;
    if (!Array.isArray(outputs)) throw envelopeError('outputs', outputs, allowed);
    const names = new Set<string>();
    const problems: InputProblem[] = [];
    outputs.forEach((output: unknown, i) => {
      const name = isObject(output) ? output.name : undefined;
      if (typeof name === 'string' && catalog.outputNames.includes(name)) names.add(name);
      else problems.push({ instance: -1, field: `outputs[${i}]`, value: formatValue(output), allowed });
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    return names.size === 0 ? undefined : names;
  }

  private prepareTensors(inputs: unknown, serving: Serving): PreparedBatch {
    const manifest = serving.catalog.manifest;
    const featureCount = manifest.input.features.length;
    const forms =
      `one tensor "${manifest.input.tensor}" of shape [N, ${featureCount}], ` +
      'or one tensor per feature of shape [N] or [N, 1]';
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw envelopeError('inputs', inputs, `a non-empty array of tensors {"name", "shape", "datatype", "data"}: ${forms}`);
    }
    const tensors = validateTensors(inputs);
    const tensorName = manifest.input.tensor;
    if (tensors.length === 1 && tensors[0].name === tensorName) {
      const { shape, data } = tensors[0];
      if (shape.length !== 2) throw envelopeError('inputs[0].shape', shape, `[N, ${featureCount}]`);
      this.checkBatch(shape[0]);
      return serving.preparer.prepareMatrix(data, shape[0], shape[1]);
    }
    const columns = Object.create(null) as Record<string, unknown>;
    const problems: InputProblem[] = [];
    tensors.forEach(({ name, shape, data }, i) => {
      if (name === tensorName) {
        problems.push({ instance: -1, field: `inputs[${i}].name`, value: formatValue(name), allowed: `"${tensorName}" as the only input (${forms})` });
        return;
      }
      if (Object.hasOwn(columns, name)) {
        problems.push({ instance: -1, field: `inputs[${i}].name`, value: formatValue(name), allowed: 'a name used by one input only' });
        return;
      }
      const rows = shape[0];
      if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) {
        problems.push({ instance: -1, field: `inputs[${i}].shape`, value: formatValue(shape), allowed: `[N] or [N, 1] for a feature tensor (${forms})` });
        return;
      }
      this.checkBatch(rows);
      if (data.length !== rows) {
        problems.push({ instance: -1, field: `inputs[${i}].data`, value: `${data.length} values`, allowed: `${rows} values (shape ${formatValue(shape)})` });
        return;
      }
      // [N, 1] may come nested: [[v0], [v1], ...].
      columns[name] =
        shape.length === 2 && Array.isArray(data[0])
          ? data.map((cell: unknown) => (Array.isArray(cell) && cell.length === 1 ? (cell[0] as unknown) : cell))
          : data;
    });
    if (problems.length > 0) throw new InvalidInputError(problems);
    return serving.preparer.prepareColumns(columns);
  }
}

/** Checks each tensor's envelope (name, shape, datatype, data); reports every problem at once. */
function validateTensors(inputs: readonly unknown[]): TensorInput[] {
  const problems: InputProblem[] = [];
  const tensors: TensorInput[] = [];
  inputs.forEach((input: unknown, i) => {
    const at = `inputs[${i}]`;
    if (!isObject(input)) {
      problems.push({ instance: -1, field: at, value: formatValue(input), allowed: 'a tensor {"name", "shape", "datatype", "data"}' });
      return;
    }
    const { name, shape, datatype, data } = input;
    const before = problems.length;
    if (typeof name !== 'string' || name === '') {
      problems.push({ instance: -1, field: `${at}.name`, value: formatValue(name), allowed: 'a non-empty string' });
    }
    const validShape =
      Array.isArray(shape) &&
      shape.length >= 1 &&
      shape.length <= 8 &&
      shape.every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
    if (!validShape) {
      problems.push({ instance: -1, field: `${at}.shape`, value: formatValue(shape), allowed: 'an array of non-negative whole numbers, e.g. [N, F] or [N]' });
    }
    if (typeof datatype !== 'string' || !NUMERIC_DATATYPES.has(datatype)) {
      problems.push({ instance: -1, field: `${at}.datatype`, value: formatValue(datatype), allowed: 'a numeric datatype: FP32, FP64, FP16, INT64, INT32, INT16, INT8, UINT*, or BOOL' });
    }
    if (!Array.isArray(data)) {
      problems.push({ instance: -1, field: `${at}.data`, value: formatValue(data), allowed: 'an array of values (flat in row-major order, or nested)' });
    }
    if (problems.length === before) {
      tensors.push({ name: name as string, shape: shape as number[], data: data as unknown[] });
    }
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return tensors;
}

interface V2Output {
  readonly name: string;
  readonly datatype: 'BYTES' | 'FP32';
  readonly shape: readonly number[];
  readonly data: ReadonlyArray<string | number>;
}

function v2Outputs(
  predictions: readonly Prediction[],
  catalog: Catalog,
  requested: ReadonlySet<string> | undefined,
): V2Output[] {
  const count = predictions.length;
  const labels = catalog.labels;
  if (labels === undefined) {
    const values = new Array<number>(count);
    for (let i = 0; i < count; i++) values[i] = (predictions[i] as { value: number }).value;
    return [{ name: 'value', datatype: 'FP32', shape: [count], data: values }];
  }
  const k = labels.length;
  const names = new Array<string>(count);
  const probabilities = new Array<number>(count * k);
  for (let i = 0; i < count; i++) {
    const prediction = predictions[i] as { label: string; probabilities: Readonly<Record<string, number>> };
    names[i] = prediction.label;
    for (let j = 0; j < k; j++) probabilities[i * k + j] = prediction.probabilities[labels[j]];
  }
  const outputs: V2Output[] = [];
  if (requested === undefined || requested.has('label')) {
    outputs.push({ name: 'label', datatype: 'BYTES', shape: [count], data: names });
  }
  if (requested === undefined || requested.has('probabilities')) {
    outputs.push({ name: 'probabilities', datatype: 'FP32', shape: [count, k], data: probabilities });
  }
  return outputs;
}

/** Creates the serving app for a model (loaded, loading, or behind a getter). */
export function createInferenceApp(options: InferenceAppOptions): InferenceApp {
  return new InferenceAppImpl(options);
}
