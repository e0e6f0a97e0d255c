/**
 * The Open Inference Protocol v2 (as KServe, Triton and MLServer speak it), `POST /v2/models/{name}[/versions/
 * {version}]/infer`: input tensors in, either one `[N, F]` tensor named as the manifest's input tensor or one `[N]`
 * (or `[N, 1]`) tensor per feature (BYTES, i.e. strings, for category features); output tensors out, `label` (BYTES, [N]) and `probabilities` (FP32, [N, K]),
 * or `value` (FP32, [N]; [N, K] for a multi-output regression, columns in `output.targets` order). Every envelope problem is reported at once.
 */
import { formatValue } from '../core/issues';
import { InvalidInputError } from '../core/invalid-input';
import type { InputProblem, Prediction, PreparedBatch } from '../core/types';
import { bodyText, checkBatchSize, checkBodySize, isJsonObject, mediaKind, parseJson } from './bodies';
import type { OutputTensor } from './binary-tensors';
import type { InputForm } from './captured-inputs';
import { binaryHeaderLength, binaryOutputNames, binaryResponse, checkBinaryMediaType, readBinaryRequest } from './binary-tensors';
import { jsonResponse } from './contract';
import type { HttpRequest, HttpResponse } from './contract';
import { envelopeError } from './errors';
import { checkInferenceId, headerInferenceId, newInferenceId } from './inference-id';
import type { RequestState, RouteContext } from './route-context';
import type { Catalog } from './router';
import type { ServedModel } from './served-model';

/** Datatypes of the Open Inference Protocol accepted as input: numbers, and BYTES (strings) for categories. */
const INPUT_DATATYPES: ReadonlySet<string> = new Set([
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
]);

/** A validated input tensor; `data` is a Float32Array for an FP32 tensor sent in binary (`binary-tensors.ts`). */
interface TensorInput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly data: readonly unknown[] | Float32Array;
}

type V2Output = OutputTensor;

/** Checks (413, 415, 503, 400) in that order, then predicts. */
export async function infer(request: HttpRequest, app: RouteContext, state: RequestState): Promise<HttpResponse> {
  const { batch, requested, binary } = preparedInference(request, app, state);
  // Only the prepared batch and the answer's shape are held across the wait for the model: the parsed body is
  // garbage by now (unless capture keeps the inputs), so it dies young.
  const predictions = await app.ready().model.predict(batch);
  state.predictions = predictions;
  const served = app.ready();
  const outputs = v2Outputs(predictions, served.catalog, requested);
  const prefix = `${served.v2Prefix},"id":${JSON.stringify(state.inferenceId)}`;
  if (binary !== undefined) return binaryResponse(prefix, outputs, binary);
  return jsonResponse(200, `{${prefix},"outputs":${JSON.stringify(outputs)}}`);
}

/** What {@link infer} keeps of a request while the model runs. */
interface PreparedInference {
  readonly batch: PreparedBatch;
  /** The outputs asked for (`undefined`: all). */
  readonly requested: ReadonlySet<string> | undefined;
  /** The outputs asked for as binary tensors (`undefined`: a JSON answer). */
  readonly binary: ReturnType<typeof binaryOutputNames>;
}

/** The request checked, parsed and prepared; sets the inference id, and the inputs when capture keeps them. */
function preparedInference(request: HttpRequest, app: RouteContext, state: RequestState): PreparedInference {
  checkBodySize(request.body, app.limits.maxPayloadBytes);
  const headerLength = binaryHeaderLength(request);
  if (headerLength === undefined) mediaKind(request.headers, false);
  else checkBinaryMediaType(request);
  const served = app.ready();
  const body = headerLength === undefined ? parseJson(bodyText(request.body)) : readBinaryRequest(request, headerLength);
  if (!isJsonObject(body)) throw envelopeError('(body)', body, 'a JSON object {"id"?, "inputs": [...], "outputs"?}');
  const id = body.id === undefined ? undefined : checkInferenceId('id', body.id);
  const requested = requestedOutputs(body.outputs, served.catalog);
  const { batch, form } = tensorBatch(body.inputs, served, app.limits.maxBatchSize);
  if (app.keepsInputs) state.inputs = form;
  state.inferenceId = id ?? headerInferenceId(request) ?? newInferenceId();
  return { batch, requested, binary: binaryOutputNames(body) };
}

/** The `outputs` a request asks for (`undefined`: all). */
function requestedOutputs(outputs: unknown, catalog: Catalog): ReadonlySet<string> | undefined {
  if (outputs === undefined) return undefined;
  const allowed = `an array of {"name"} with names among ${catalog.outputNames.map((n) => `"${n}"`).join(', ')}`;
  if (!Array.isArray(outputs)) throw envelopeError('outputs', outputs, allowed);
  const names = new Set<string>();
  const problems: InputProblem[] = [];
  outputs.forEach((output: unknown, i) => {
    const name = isJsonObject(output) ? output.name : undefined;
    if (typeof name === 'string' && catalog.outputNames.includes(name)) names.add(name);
    else problems.push({ instance: -1, field: `outputs[${i}]`, value: formatValue(output), allowed });
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return names.size === 0 ? undefined : names;
}

/**
 * A request's `inputs` checked and prepared as the runtime does, with where the validated inputs are (what capture
 * keeps). The quality job reads captured v2 requests through it too.
 */
export function tensorBatch(
  inputs: unknown,
  served: Pick<ServedModel, 'preparer' | 'featureAliases'>,
  maxBatchSize: number,
): { readonly batch: PreparedBatch; readonly form: InputForm } {
  const manifest = served.preparer.manifest;
  const featureCount = manifest.input.features.length;
  const tensorName = manifest.input.tensor;
  const perFeature = 'one tensor per feature of shape [N] or [N, 1] (BYTES for category features)';
  const forms = tensorName === undefined ? perFeature : `one tensor "${tensorName}" of shape [N, ${featureCount}], or ${perFeature}`;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw envelopeError('inputs', inputs, `a non-empty array of tensors {"name", "shape", "datatype", "data"}: ${forms}`);
  }
  const categories = served.preparer.categoryFeatures;
  // BYTES (strings) carry category features; a tensor of every feature may be BYTES only if all are categories.
  const bytesAllowed = (name: string): boolean =>
    categories.has(served.featureAliases.get(name) ?? name) || (name === tensorName && categories.size === featureCount);
  const tensors = validateTensors(inputs, bytesAllowed);
  if (tensorName !== undefined && tensors.length === 1 && tensors[0].name === tensorName) {
    const { shape, data } = tensors[0];
    if (shape.length !== 2) throw envelopeError('inputs[0].shape', shape, `[N, ${featureCount}]`);
    checkBatchSize(shape[0], maxBatchSize);
    const batch = served.preparer.prepareMatrix(data, shape[0], shape[1]);
    return { batch, form: { kind: 'matrix', data, rows: shape[0], cols: shape[1] } };
  }
  const columns = Object.create(null) as Record<string, unknown>;
  const singletonCells = new Set<string>();
  const problems: InputProblem[] = [];
  tensors.forEach(({ name: given, datatype, shape, data }, i) => {
    let name = given;
    if (tensorName !== undefined && name === tensorName) {
      problems.push({ instance: -1, field: `inputs[${i}].name`, value: formatValue(name), allowed: `"${tensorName}" as the only input (${forms})` });
      return;
    }
    name = served.featureAliases.get(name) ?? name;
    if (Object.hasOwn(columns, name)) {
      problems.push({ instance: -1, field: `inputs[${i}].name`, value: formatValue(name), allowed: 'a name used by one input only' });
      return;
    }
    if (datatype !== 'BYTES' && categories.has(name)) {
      const allowed = `BYTES: "${name}" is a category (strings)`;
      problems.push({ instance: -1, field: `inputs[${i}].datatype`, value: formatValue(datatype), allowed });
      return;
    }
    const rows = shape[0];
    if (shape.length !== 1 && !(shape.length === 2 && shape[1] === 1)) {
      problems.push({ instance: -1, field: `inputs[${i}].shape`, value: formatValue(shape), allowed: `[N] or [N, 1] for a feature tensor (${forms})` });
      return;
    }
    checkBatchSize(rows, maxBatchSize);
    if (data.length !== rows) {
      problems.push({ instance: -1, field: `inputs[${i}].data`, value: `${data.length} values`, allowed: `${rows} values (shape ${formatValue(shape)})` });
      return;
    }
    // [N, 1] may come nested: [[v0], [v1], ...], read in place (no unwrapped copy).
    if (shape.length === 2 && Array.isArray(data[0])) singletonCells.add(name);
    columns[name] = data instanceof Float32Array ? Array.from(data) : data;
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  const batch = served.preparer.prepareColumns(columns, undefined, singletonCells);
  return { batch, form: { kind: 'columns', columns, rows: batch.count, singleton: singletonCells } };
}

/** Checks each tensor's envelope (name, shape, datatype, data); reports every problem at once. */
function validateTensors(inputs: readonly unknown[], bytesAllowed: (name: string) => boolean): TensorInput[] {
  const problems: InputProblem[] = [];
  const tensors: TensorInput[] = [];
  inputs.forEach((input: unknown, i) => {
    const at = `inputs[${i}]`;
    if (!isJsonObject(input)) {
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
    if (typeof datatype !== 'string' || !INPUT_DATATYPES.has(datatype) || (datatype === 'BYTES' && typeof name === 'string' && !bytesAllowed(name))) {
      problems.push({ instance: -1, field: `${at}.datatype`, value: formatValue(datatype), allowed: 'a numeric datatype (FP32, FP64, FP16, INT64, INT32, INT16, INT8, UINT*, BOOL), or BYTES for a category feature (strings)' });
    }
    if (!Array.isArray(data) && !(data instanceof Float32Array)) {
      problems.push({ instance: -1, field: `${at}.data`, value: formatValue(data), allowed: 'an array of values (flat in row-major order, or nested)' });
    }
    if (problems.length === before) {
      tensors.push({ name: name as string, datatype: datatype as string, shape: shape as number[], data: data as unknown[] | Float32Array });
    }
  });
  if (problems.length > 0) throw new InvalidInputError(problems);
  return tensors;
}

/** The predictions as v2 output tensors (those `requested`, or all). */
function v2Outputs(
  predictions: readonly Prediction[],
  catalog: Catalog,
  requested: ReadonlySet<string> | undefined,
): V2Output[] {
  const count = predictions.length;
  const labels = catalog.labels;
  const targets = catalog.targets;
  if (targets !== undefined) {
    // One [N, K] tensor, row-major, columns in output.targets order: the model's own output, as tritonclient reshapes it.
    const k = targets.length;
    const values = new Array<number>(count * k);
    for (let i = 0; i < count; i++) {
      const byTarget = (predictions[i] as { values: Readonly<Record<string, number>> }).values;
      for (let j = 0; j < k; j++) values[i * k + j] = byTarget[targets[j]];
    }
    return [{ name: 'value', datatype: 'FP32', shape: [count, k], data: values }];
  }
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
