/**
 * A capture record read back as what the runtime saw and answered: the request's instances (parsed and checked
 * with the runtime's own CSV parser and preparer, so JSON objects, JSON arrays and CSV all work) and the
 * predictions of its `{"predictions": [...]}` answer; and ground truth read as one truth per instance.
 *
 * Ground truth of a request of n instances: `groundTruthData.data` is the label or value (n = 1), or n of them:
 * a CSV row (encoding `CSV`) or a JSON array (encoding `JSON`). A multi-output regression's truth is a JSON array
 * of its targets' values (n = 1) or an array of such arrays.
 */
import { parseCsv } from '../core/csv';
import { regressionTargets, type Manifest } from '../core/manifest';
import type { Preparer } from '../core/prepare';
import type { Prediction } from '../core/types';
import type { Truth } from '../evaluation/scored-metrics';
import type { CaptureRecord, GroundTruthRecord } from './record-format';
import { payloadText } from './record-reader';

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

/** The instances of a request body, checked by the runtime's preparer; undefined when the runtime would refuse it. */
function instancesOf(text: string, contentType: string, preparer: Preparer): unknown[] | undefined {
  try {
    if (/csv/i.test(contentType)) {
      const rows = parseCsv(text, preparer.manifest);
      preparer.prepare(rows, { textCells: true });
      return rows;
    }
    const body = JSON.parse(text) as { instances?: unknown };
    if (!Array.isArray(body?.instances)) return undefined;
    preparer.prepare(body.instances);
    return body.instances;
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
  const instances = endpointInput === undefined ? undefined : instancesOf(payloadText(endpointInput), endpointInput.observedContentType, preparer);
  const predictions = endpointOutput === undefined ? undefined : predictionsOf(payloadText(endpointOutput));
  return {
    inferenceId: record.eventMetadata.inferenceId ?? record.eventMetadata.eventId,
    inferenceTime: record.eventMetadata.inferenceTime,
    ...(instances === undefined ? {} : { instances }),
    ...(predictions === undefined ? {} : { predictions }),
  };
}

/** The raw truths of a ground-truth record: one (n = 1) or a list. */
function rawTruths(record: GroundTruthRecord, count: number, multiOutput: boolean): unknown[] | undefined {
  const { data, encoding } = record.groundTruthData;
  if (encoding === 'CSV') {
    if (multiOutput) return undefined;
    const cells = count === 1 ? [data.trim()] : data.trim().split(',').map((cell) => cell.trim());
    return cells.length === count ? cells : undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  const list = count === 1 && (!multiOutput || !Array.isArray((value as unknown[])[0])) ? [value] : value;
  return Array.isArray(list) && list.length === count ? list : undefined;
}

/**
 * The truth of each of `count` instances from a ground-truth record, in the form `metricsOf` takes; undefined when
 * it does not fit the model (a label not in `output.labels`, a value that is not a number, the wrong count).
 */
export function truthsOf(manifest: Manifest, record: GroundTruthRecord, count: number): Truth[] | undefined {
  const targets = regressionTargets(manifest);
  const raw = rawTruths(record, count, targets !== undefined);
  if (raw === undefined) return undefined;
  const truths: Truth[] = [];
  for (const value of raw) {
    if (targets !== undefined) {
      if (!Array.isArray(value) || value.length !== targets.length || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) return undefined;
      truths.push(value as number[]);
    } else if (manifest.task === 'regression') {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || value === '' || !Number.isFinite(n)) return undefined;
      truths.push(n);
    } else {
      const label = String(value);
      if (!manifest.output.labels.includes(label)) return undefined;
      truths.push(label);
    }
  }
  return truths;
}
