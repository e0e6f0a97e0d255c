/**
 * A capture record read back as what the runtime saw and answered: the request's instances (parsed and checked
 * with the runtime's own CSV parser and preparer, so JSON objects, JSON arrays and CSV all work) and the
 * predictions of its `{"predictions": [...]}` answer; and ground truth read as one truth per instance.
 *
 * Ground truth is one record per prediction, keyed by its prediction id (`predictionId` of record-format.ts):
 * `groundTruthData.data` is the label or value as text (`CSV`) or JSON (`JSON`); a multi-output regression's
 * truth is a JSON array of its targets' values.
 */
import { parseCsv } from '../core/csv';
import { regressionTargets, type Manifest } from '../core/manifest';
import type { Preparer } from '../core/prepare';
import type { Prediction } from '../core/types';
import type { Truth } from '../evaluation/scored-metrics';
import type { CaptureRecord, GroundTruthRecord } from './record-format';
import { payloadText } from './record-reader';
import { decodeV2Capture } from './v2-capture';

/** One captured request, decoded. */
export interface CapturedPrediction {
  /** The id ground truth is joined on: `inferenceId`, else `eventId`. */
  readonly inferenceId: string;
  /** When it was predicted (ISO 8601). */
  readonly inferenceTime: string;
  /** The instances (objects, arrays or CSV cells), or undefined when inputs were not kept or unreadable. */
  readonly instances?: readonly unknown[];
  /** The predictions, one per instance, or undefined for an answer without predictions (an error). */
  readonly predictions?: readonly Prediction[];
}

/** Whether `instance` is an object without some feature's key at all (a feature not captured). */
function leavesOutFeatures(instance: unknown, preparer: Preparer): boolean {
  return typeof instance === 'object' && instance !== null && !Array.isArray(instance) && preparer.featureNames.some((name) => !Object.hasOwn(instance, name));
}

/** The instances of a request body, checked by the runtime's preparer; undefined when the runtime would refuse it. */
function instancesOf(text: string, contentType: string, preparer: Preparer): unknown[] | undefined {
  try {
    if (/csv/i.test(contentType)) {
      const rows = parseCsv(text, preparer.manifest);
      preparer.prepare(rows, { textCells: true });
      return rows;
    }
    const body = JSON.parse(text) as { instances?: unknown };
    const instances: unknown = body?.instances;
    if (!Array.isArray(instances)) return undefined;
    // The runtime's own records leave out the features the manifest keeps out of capture; they were checked
    // before they were captured. Every other body is checked as the runtime checks a request.
    if (!instances.every((instance) => leavesOutFeatures(instance, preparer))) preparer.prepare(instances);
    return instances as unknown[];
  } catch {
    return undefined;
  }
}

function predictionsOf(text: string): Prediction[] | undefined {
  try {
    const body = JSON.parse(text) as { predictions?: unknown };
    return Array.isArray(body?.predictions) ? (body.predictions as Prediction[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes one capture record. */
export function decodeCapture(record: CaptureRecord, preparer: Preparer): CapturedPrediction {
  const { endpointInput, endpointOutput } = record.captureData;
  const inputText = endpointInput === undefined ? undefined : payloadText(endpointInput);
  const outputText = endpointOutput === undefined ? undefined : payloadText(endpointOutput);
  const v2 = decodeV2Capture(record, inputText, outputText, preparer);
  if (v2 !== undefined) return v2;
  const instances = inputText === undefined || endpointInput === undefined ? undefined : instancesOf(inputText, endpointInput.observedContentType, preparer);
  const predictions = outputText === undefined ? undefined : predictionsOf(outputText);
  return {
    inferenceId: record.eventMetadata.inferenceId ?? record.eventMetadata.eventId,
    inferenceTime: record.eventMetadata.inferenceTime,
    ...(instances === undefined ? {} : { instances }),
    ...(predictions === undefined ? {} : { predictions }),
  };
}

/**
 * The truth a ground-truth record gives, in the form `metricsOf` takes; undefined when it does not fit the model
 * (a label not in `output.labels`, a value that is not a number, a multi-output truth that is not one number per
 * target).
 */
export function truthOf(manifest: Manifest, record: GroundTruthRecord): Truth | undefined {
  const { data, encoding } = record.groundTruthData;
  let value: unknown = data.trim();
  if (encoding === 'JSON') {
    try {
      value = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  const targets = regressionTargets(manifest);
  if (targets !== undefined) {
    const ok = Array.isArray(value) && value.length === targets.length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
    return ok ? (value as number[]) : undefined;
  }
  if (manifest.task === 'regression') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }
  const label = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return label !== undefined && manifest.output.labels.includes(label) ? label : undefined;
}
