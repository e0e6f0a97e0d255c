/**
 * SageMaker's `POST /invocations`: `application/json` `{"instances": [...]}` (objects keyed by feature name, or
 * arrays in feature order) or `text/csv` (one instance per row, header optional); answers
 * `{"predictions": [{"label", "probabilities"}]}`, `{"predictions": [{"value"}]}`, or for a multi-output regression
 * `{"predictions": [{"values": {"<target>": number, ...}}]}`.
 */
import { parseCsv } from '../core/csv';
import type { PrepareOptions } from '../core/prepare';
import type { PreparedBatch } from '../core/types';
import { bodyText, checkBatchSize, checkBodySize, DEFAULT_MAX_JSON_OBJECT_KEYS, isJsonObject, mediaKind, parseJson } from './bodies';
import type { MediaKind } from './bodies';
import { jsonResponse } from './contract';
import type { HttpRequest, HttpResponse } from './contract';
import { envelopeError } from './errors';
import { headerInferenceId, newInferenceId } from './inference-id';
import { predictionsJson } from './predictions-json';
import type { RequestState, RouteContext } from './route-context';

/** CSV cells are text: numeric strings are numbers, blank cells are missing. */
const CSV_CELLS: PrepareOptions = { textCells: true };

/** Checks (413, 415, 503, 400) in that order, then predicts. */
export async function invocations(request: HttpRequest, app: RouteContext, state: RequestState): Promise<HttpResponse> {
  const batch = preparedBatch(request, app, state);
  // Only the prepared batch is held across the wait for the model: the body's text and parsed JSON are garbage by
  // now (unless capture keeps the inputs), so they die young rather than being promoted with every request in flight.
  const predictions = await app.ready().model.predict(batch);
  state.predictions = predictions;
  const body = predictionsJson(predictions);
  // The answer is also what capture stores as the output: serialized once.
  state.outputJson = body;
  return jsonResponse(200, body);
}

/** The request checked, parsed and prepared; sets the inference id, and the inputs when capture keeps them. */
function preparedBatch(request: HttpRequest, app: RouteContext, state: RequestState): PreparedBatch {
  const limits = app.limits;
  checkBodySize(request.body, limits.maxPayloadBytes);
  const kind = mediaKind(request.headers, true);
  const served = app.ready();
  // The plain case straight from the bytes; the general path decides everything else, errors included. Capture
  // keeping the inputs needs the parsed instances, so it always takes the general path.
  const fast =
    kind === 'json' && !app.keepsInputs
      ? served.preparer.prepareInstancesJson(request.body, { maxInstances: limits.maxBatchSize, maxObjectKeys: DEFAULT_MAX_JSON_OBJECT_KEYS })
      : undefined;
  const batch = fast ?? parsedBatch(request, kind, app, state);
  state.inferenceId = headerInferenceId(request) ?? newInferenceId();
  return batch;
}

/** The general path: the body decoded and parsed (CSV or JSON), its envelope and batch size checked, prepared. */
function parsedBatch(request: HttpRequest, kind: MediaKind, app: RouteContext, state: RequestState): PreparedBatch {
  const served = app.ready();
  const text = bodyText(request.body);
  if (kind === 'csv') {
    const instances = parseCsv(text, served.catalog.manifest);
    checkBatchSize(instances.length, app.limits.maxBatchSize);
    const batch = served.preparer.prepare(instances, CSV_CELLS);
    if (app.keepsInputs) state.inputs = { kind: 'instances', instances, textCells: true };
    return batch;
  }
  const body = parseJson(text);
  const instances = isJsonObject(body) ? body.instances : undefined;
  if (!Array.isArray(instances)) {
    throw isJsonObject(body)
      ? envelopeError('instances', instances, 'an array of instances (objects keyed by feature name, or arrays in feature order)')
      : envelopeError('(body)', body, 'a JSON object {"instances": [...]}');
  }
  checkBatchSize(instances.length, app.limits.maxBatchSize);
  const batch = served.preparer.prepare(instances);
  if (app.keepsInputs) state.inputs = { kind: 'instances', instances, textCells: false };
  return batch;
}
