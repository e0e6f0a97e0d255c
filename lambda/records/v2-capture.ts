/**
 * Open Inference Protocol (v2) bodies as SageMaker's own data capture stores them (the bytes as sent, `JSON`
 * encoding for `application/json`): the request's tensors are read with the runtime's own v2 parsing and preparer
 * (`tensorBatch`) and kept as the runtime's own records keep them (`capturedInstancesJson`); the answer's `label`
 * and `probabilities`, or `value`, tensors are read back into the predictions `/invocations` would have answered.
 */
import { regressionTargets, type Manifest } from '../core/manifest';
import type { Preparer } from '../core/prepare';
import type { Prediction } from '../core/types';
import { capturedInstancesJson, capturePlan } from '../serving/captured-inputs';
import { tensorBatch } from '../serving/open-inference';
import { featureAliases } from '../serving/served-model';
import type { CaptureRecord } from './record-format';
import { CaptureFormatError, recordLocation } from './record-reader';

/** A decoded v2 capture, as `decodeCapture` returns every capture. */
export interface V2Capture {
  /** The id ground truth is joined on. */
  readonly inferenceId: string;
  /** When it was predicted (ISO 8601). */
  readonly inferenceTime: string;
  /** One object per instance, keyed by feature name; undefined without a request the runtime accepts. */
  readonly instances?: readonly unknown[];
  /** The predictions, one per instance; undefined without a v2 answer (an error). */
  readonly predictions?: readonly Prediction[];
}

/** A v2 body's JSON: an object with `inputs` (a request) or `outputs` (an answer), else undefined. */
export function v2Body(text: string, side: 'inputs' | 'outputs'): Readonly<Record<string, unknown>> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const ok = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.hasOwn(body, side);
  return ok ? (body as Record<string, unknown>) : undefined;
}

/**
 * The instances of a v2 request, one object per instance keyed by feature name (as the runtime's own records hold
 * them). Throws the runtime's own error for a request the runtime would refuse.
 */
export function v2Instances(body: Readonly<Record<string, unknown>>, preparer: Preparer): unknown[] {
  const { form } = tensorBatch(body.inputs, { preparer, featureAliases: featureAliases(preparer.manifest) }, Number.MAX_SAFE_INTEGER);
  return JSON.parse(capturedInstancesJson(capturePlan(preparer.manifest), form)) as unknown[];
}

interface Tensor {
  readonly shape: readonly number[];
  readonly data: readonly unknown[];
}

/** The output tensor `name` with a shape `[count]` or `[count, width]` and `count × width` flat values. */
function tensor(outputs: readonly unknown[], name: string, width: number | undefined): Tensor {
  const found = outputs.find((o) => typeof o === 'object' && o !== null && (o as { name?: unknown }).name === name) as
    | { shape?: unknown; data?: unknown }
    | undefined;
  const expected = width === undefined ? '[N]' : `[N, ${width}]`;
  if (found === undefined) throw new Error(`outputs has no tensor "${name}"; expected one of shape ${expected} with its data`);
  const { shape, data } = found;
  const okShape = Array.isArray(shape) && shape.length === (width === undefined ? 1 : 2) && (width === undefined || shape[1] === width) && Number.isSafeInteger(shape[0]);
  if (!okShape) throw new Error(`outputs "${name}".shape is ${JSON.stringify(shape)}; expected ${expected}`);
  const rows = shape[0] as number;
  if (!Array.isArray(data) || data.length !== rows * (width ?? 1)) {
    throw new Error(`outputs "${name}".data has ${Array.isArray(data) ? data.length : 'no'} values; expected ${rows * (width ?? 1)} (shape ${JSON.stringify(shape)}, flat)`);
  }
  return { shape: shape as number[], data: data as unknown[] };
}

function numberAt(t: Tensor, name: string, i: number): number {
  const v = t.data[i];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`outputs "${name}".data[${i}] is ${JSON.stringify(v)}; expected a number`);
  return v;
}

/**
 * The predictions of a v2 answer, as `/invocations` answers them. Throws naming the tensor for an answer the
 * runtime could not have given for this model (a missing tensor, a wrong shape, a label not in `output.labels`).
 */
export function v2Predictions(body: Readonly<Record<string, unknown>>, manifest: Manifest): Prediction[] {
  const outputs = body.outputs;
  if (!Array.isArray(outputs)) throw new Error(`outputs is ${JSON.stringify(outputs)}; expected an array of tensors`);
  const targets = regressionTargets(manifest);
  if (targets !== undefined) {
    const t = tensor(outputs, 'value', targets.length);
    return Array.from({ length: t.shape[0] }, (_, i) => ({
      values: Object.fromEntries(targets.map((target, j) => [target, numberAt(t, 'value', i * targets.length + j)])),
    }));
  }
  if (manifest.task === 'regression') {
    const t = tensor(outputs, 'value', undefined);
    return Array.from({ length: t.shape[0] }, (_, i) => ({ value: numberAt(t, 'value', i) }));
  }
  const labels = manifest.output.labels;
  const names = tensor(outputs, 'label', undefined);
  // Scoring needs every probability; an answer limited to `label` (the request's `outputs`) is refused here.
  const probabilities = tensor(outputs, 'probabilities', labels.length);
  if (probabilities.shape[0] !== names.shape[0]) {
    throw new Error(`outputs "probabilities" has ${probabilities.shape[0]} rows and "label" ${names.shape[0]}; expected as many`);
  }
  return names.data.map((label, i) => {
    if (typeof label !== 'string' || !labels.includes(label)) {
      throw new Error(`outputs "label".data[${i}] is ${JSON.stringify(label)}; expected one of ${labels.map((l) => JSON.stringify(l)).join(', ')}`);
    }
    return { label, probabilities: Object.fromEntries(labels.map((l, j) => [l, numberAt(probabilities, 'probabilities', i * labels.length + j)])) };
  });
}

/**
 * A capture whose request is a v2 `{"inputs": [...]}` or whose answer is a v2 `{"outputs": [...]}` (SageMaker's own
 * capture of a v2 request), decoded; undefined for any other capture. Joined on the answer's `id` (the id the
 * runtime used: the request's own `id`, else SageMaker's inference id, else one it generated).
 * @throws CaptureFormatError naming the file and line for an answer that is not one the runtime gives, or an
 * answered request the runtime would have refused
 */
export function decodeV2Capture(record: CaptureRecord, inputText: string | undefined, outputText: string | undefined, preparer: Preparer): V2Capture | undefined {
  const request = inputText === undefined ? undefined : v2Body(inputText, 'inputs');
  const answer = outputText === undefined ? undefined : v2Body(outputText, 'outputs');
  if (request === undefined && answer === undefined) return undefined;
  const where = recordLocation(record) ?? `capture ${record.eventMetadata.eventId}`;
  const refuse = (side: string, error: unknown): never => {
    throw new CaptureFormatError(`${where}: captureData.${side} is not an Open Inference Protocol (v2) ${side === 'endpointInput' ? 'request' : 'answer'} this model serves: ${error instanceof Error ? error.message : String(error)}`);
  };
  let predictions: Prediction[] | undefined;
  try {
    predictions = answer === undefined ? undefined : v2Predictions(answer, preparer.manifest);
  } catch (error) {
    refuse('endpointOutput', error);
  }
  let instances: unknown[] | undefined;
  try {
    instances = request === undefined ? undefined : v2Instances(request, preparer);
  } catch (error) {
    // A refused request is left out of drift, as the runtime refused it; one that was answered cannot have been.
    if (predictions !== undefined) refuse('endpointInput', error);
  }
  if (instances !== undefined && predictions !== undefined && instances.length !== predictions.length) {
    refuse('endpointOutput', new Error(`${predictions.length} predictions for a request of ${instances.length} instances`));
  }
  const ids = [answer?.id, request?.id, record.eventMetadata.inferenceId];
  const id = ids.find((value): value is string => typeof value === 'string' && value !== '');
  return {
    inferenceId: id ?? record.eventMetadata.eventId,
    inferenceTime: record.eventMetadata.inferenceTime,
    ...(instances === undefined ? {} : { instances }),
    ...(predictions === undefined ? {} : { predictions }),
  };
}
