/**
 * Prediction records made from real answers: rows sent to a running local server (real onnxruntime-node), each
 * request and its answer written as a SageMaker capture record, and ground truth for some of them, in the formats
 * of `lambda/records/record-format.ts`; and helpers to put them into a bucket as JSON Lines.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CaptureRecord, GroundTruthRecord } from '../../lambda/records/record-format';

/** One request as sent: its instances (CSV cells keyed by column) and how it was sent. */
export interface SentRequest {
  readonly inferenceId: string;
  readonly rows: readonly Record<string, string>[];
  readonly format: 'json' | 'csv';
}

/** A captured request with the rows it carried. */
export interface CapturedRequest extends SentRequest {
  readonly record: CaptureRecord;
}

/** How rows are grouped into requests: sizes and formats cycle through these. */
const REQUEST_SHAPES: ReadonlyArray<{ readonly size: number; readonly format: 'json' | 'csv' }> = [
  { size: 1, format: 'json' },
  { size: 3, format: 'json' },
  { size: 1, format: 'csv' },
  { size: 2, format: 'csv' },
];

/** Splits `rows` into requests of the cycling {@link REQUEST_SHAPES}. */
export function requestsOf(rows: readonly Record<string, string>[], idPrefix: string): SentRequest[] {
  const requests: SentRequest[] = [];
  for (let start = 0, n = 0; start < rows.length; n++) {
    const shape = REQUEST_SHAPES[n % REQUEST_SHAPES.length];
    requests.push({ inferenceId: `${idPrefix}-${n}`, rows: rows.slice(start, start + shape.size), format: shape.format });
    start += shape.size;
  }
  return requests;
}

function bodyOf(request: SentRequest, features: readonly string[]): { readonly body: string; readonly contentType: string } {
  if (request.format === 'csv') {
    const lines = [features.join(','), ...request.rows.map((row) => features.map((f) => row[f]).join(','))];
    return { body: `${lines.join('\n')}\n`, contentType: 'text/csv' };
  }
  const instances = request.rows.map((row) => Object.fromEntries(features.map((f) => [f, row[f] === '' ? null : Number(row[f])])));
  return { body: JSON.stringify({ instances }), contentType: 'application/json' };
}

/**
 * Sends each request to `url`/invocations and captures it: inference times one second apart from `from`.
 * @throws Error when the server does not answer 200
 */
export async function serveAndCapture(url: string, requests: readonly SentRequest[], features: readonly string[], from: Date): Promise<CapturedRequest[]> {
  const captured: CapturedRequest[] = [];
  for (const [n, request] of requests.entries()) {
    const { body, contentType } = bodyOf(request, features);
    const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const answer = await response.text();
    if (response.status !== 200) throw new Error(`the server answered ${response.status}: ${answer}`);
    const record: CaptureRecord = {
      captureData: {
        endpointInput: { observedContentType: contentType, mode: 'INPUT', data: body, encoding: request.format === 'csv' ? 'CSV' : 'JSON' },
        endpointOutput: { observedContentType: response.headers.get('content-type') ?? 'application/json', mode: 'OUTPUT', data: answer, encoding: 'JSON' },
      },
      eventMetadata: { eventId: `event-${request.inferenceId}`, inferenceId: request.inferenceId, inferenceTime: new Date(from.getTime() + n * 1000).toISOString() },
      eventVersion: '0',
    };
    captured.push({ ...request, record });
  }
  return captured;
}

/**
 * The ground truth of a request: one record per instance, keyed by its prediction id (`<id>` alone, `<id>#<i>` in
 * a batch), the label from `target` as CSV text, or as JSON for every other request (both encodings are read).
 */
export function groundTruthOf(request: SentRequest, target: string, n = 0): GroundTruthRecord[] {
  return request.rows.map((row, i) => ({
    groundTruthData: n % 2 === 0 ? { data: row[target], encoding: 'CSV' as const } : { data: JSON.stringify(row[target]), encoding: 'JSON' as const },
    eventMetadata: { eventId: request.rows.length === 1 ? request.inferenceId : `${request.inferenceId}#${i}` },
    eventVersion: '0',
  }));
}

/** Puts `records` as one JSON Lines object. */
export async function putJsonLines(client: S3Client, bucket: string, key: string, records: readonly unknown[]): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: records.map((r) => JSON.stringify(r)).join('\n') + '\n' }));
}
