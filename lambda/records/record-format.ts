/**
 * The prediction records every platform writes and every reader reads, in SageMaker's documented formats so one
 * reader serves Lambda, SageMaker, the quality job, `quality-report` and `shadow-report`:
 *
 * - a captured prediction (SageMaker data capture, one JSON object per line):
 *   `{"captureData": {"endpointInput": {"observedContentType", "mode": "INPUT", "data", "encoding"},
 *   "endpointOutput": {...}}, "eventMetadata": {"eventId", "inferenceId"?, "inferenceTime"}, "eventVersion": "0"}`;
 * - a ground-truth label (SageMaker Model Monitor's ground-truth merge input, one JSON object per line):
 *   `{"groundTruthData": {"data", "encoding"}, "eventMetadata": {"eventId"}, "eventVersion": "0"}`, where
 *   `eventId` is the prediction's inference id (the client's own, or the one the runtime generated and returned).
 *
 * Where they live in a records bucket (all times UTC, one folder per hour so a window reads only its hours):
 * - captures:     `capture/<endpoint or function>/<variant>/<yyyy>/<mm>/<dd>/<hh>/<file>.jsonl` (SageMaker's layout;
 *                 a Lambda function writes under its variant `live`);
 * - ground truth: `ground-truth/<yyyy>/<mm>/<dd>/<hh>/<file>.jsonl` (the hour the labels were uploaded, not the
 *                 hour of the prediction: labels arrive late);
 * - quality:      `quality/<yyyy>/<mm>/<dd>/<hh>/<window>.json` (one record per evaluated window).
 *
 * This module holds only the shapes and the layout; it imports nothing, so every host and tool can use it.
 */

/** Encodings SageMaker writes a payload in: the text itself (`JSON`, `CSV`) or base64 of the bytes. */
export type PayloadEncoding = 'JSON' | 'CSV' | 'BASE64';

/** One side of a captured request. */
export interface CapturedPayload {
  /** The content type of the request or response, as observed. */
  readonly observedContentType: string;
  /** Which side this is. */
  readonly mode: 'INPUT' | 'OUTPUT';
  /** The payload: text for `JSON`/`CSV`, base64 for `BASE64`. */
  readonly data: string;
  /** How {@link data} is encoded. */
  readonly encoding: PayloadEncoding;
}

/** One captured prediction request and its answer. */
export interface CaptureRecord {
  /** The request and/or the response (either may be left out by configuration). */
  readonly captureData: { readonly endpointInput?: CapturedPayload; readonly endpointOutput?: CapturedPayload };
  /** Identity and time of the prediction. */
  readonly eventMetadata: {
    /** Unique per captured request. */
    readonly eventId: string;
    /** The id ground truth is joined on: the client's own id, or the one the runtime generated. */
    readonly inferenceId?: string;
    /** When the prediction was made (ISO 8601, UTC). */
    readonly inferenceTime: string;
  };
  /** Always `"0"`. */
  readonly eventVersion: string;
}

/** One ground-truth label for an earlier prediction. */
export interface GroundTruthRecord {
  /** The label (classification) or value (regression), as text. */
  readonly groundTruthData: { readonly data: string; readonly encoding: 'CSV' | 'JSON' };
  /** `eventId` is the prediction's inference id. */
  readonly eventMetadata: { readonly eventId: string };
  /** Always `"0"`. */
  readonly eventVersion: string;
}

/** Key prefixes of a records bucket, written once. */
export const RECORD_PREFIXES = {
  /** Captured predictions. */
  capture: 'capture/',
  /** Ground-truth labels. */
  groundTruth: 'ground-truth/',
  /** The quality job's per-window records. */
  quality: 'quality/',
} as const;

/** The variant folder a Lambda function's captures are written under (SageMaker names its own variants). */
export const LAMBDA_CAPTURE_VARIANT = 'live';

/** The `<yyyy>/<mm>/<dd>/<hh>/` folder of an instant, in UTC. */
export function hourFolder(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}/${pad(at.getUTCHours())}/`;
}
