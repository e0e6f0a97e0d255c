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
 * What the runtime's own records hold (Lambda, `modelstack serve`, the container outside SageMaker), so that one
 * reader serves every route and wire format:
 * - `endpointInput` (only when inputs are kept): `observedContentType` `application/json`, `encoding` `JSON`, and
 *   `data` the text of an `/invocations` body, `{"instances": [{"<feature>": <value>, ...}, ...]}`: one object per
 *   instance, keyed by feature name, whatever form the request came in (JSON objects or arrays, CSV, Open Inference
 *   Protocol tensors, binary tensors). Values are as the client sent them and the runtime accepted them, before
 *   scaling or filling: numbers as numbers (CSV cells too), categories as strings, booleans as sent, a missing value
 *   as `null`. A feature whose manifest entry says `"capture": false` is left out of every instance (a reader finds
 *   it absent, not null). On SageMaker, SageMaker's own data capture stores request bodies as sent instead (CSV,
 *   JSON or v2), and cannot leave features out: the stack refuses to capture inputs there when any feature says
 *   `"capture": false`.
 * - `endpointOutput`: `application/json`, `JSON`, and `data` the `/invocations` answer, `{"predictions": [...]}`
 *   (`{"label", "probabilities"}`, `{"value"}` or `{"values": {...}}` per instance), whatever the route.
 * - ground truth (`modelstack label`): `groundTruthData.data` is the label itself with `encoding` `CSV` (classification),
 *   the value as text with `CSV` (regression, e.g. `"151.5"`), or a JSON array of the targets' values in `output.targets`
 *   order with `JSON` (multi-output regression, `[number, ...]`); `eventMetadata.eventId` is the prediction id ({@link predictionId}).
 * - `eventMetadata.inferenceId`: the request's id. A request of one instance is one prediction with that id; the
 *   instance at index `i` of a batch of several has the id `<inferenceId>#<i>` ({@link predictionId}): that is the
 *   id ground truth carries for it.
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

/** What a client's inference id may be: 1 to 64 letters, digits and `-_.:/@+=` (no `#`, which {@link predictionId} uses). */
export const INFERENCE_ID_PATTERN = /^[A-Za-z0-9._:/@+=-]{1,64}$/;
/** {@link INFERENCE_ID_PATTERN} in words, for error messages. */
export const INFERENCE_ID_RULE = '1 to 64 characters among letters, digits and - _ . : / @ + =';

/** The separator of a batch instance's index in its prediction id. */
export const PREDICTION_INDEX_SEPARATOR = '#';

/**
 * The id of the prediction at `index` of a request of `count` instances with inference id `inferenceId`: the
 * inference id itself for a request of one instance, else `<inferenceId>#<index>`. Ground truth is keyed on it.
 */
export function predictionId(inferenceId: string, index: number, count: number): string {
  return count === 1 ? inferenceId : `${inferenceId}${PREDICTION_INDEX_SEPARATOR}${index}`;
}

/** The media type and encoding of the runtime's captured inputs and outputs (see the module's notes). */
export const CAPTURED_CONTENT_TYPE = 'application/json';
