/**
 * The three steps of a batch run on S3, each one Lambda invocation of the batch host:
 * - {@link planRun}: lists the input (one object or a prefix of many), cuts every object into ranges
 *   (`range-plan.ts`) and writes them as the Distributed Map's items to `<output>plan.json`;
 * - {@link scoreRange}: one child: reads its range with one ranged GET, scores it with the {@link ChunkScorer},
 *   and writes `<output>results/<id>.<ext>` and `<output>rejected/<id>.jsonl`. The keys depend on the item only,
 *   so a retried child overwrites its own output and nothing else;
 * - {@link summarizeRun}: reads the Distributed Map's ResultWriter manifest, adds up the children's counts and
 *   writes `<output>summary.json`.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Manifest } from '../core/manifest';
import { BatchInputError, csvOutputHeader, headerColumns } from './batch-layout';
import type { ChunkScorer } from './chunk-scorer';
import { planRanges, type RangeItem } from './range-plan';
import { isBlankRecord, RecordSplitter, type RecordFormat } from './record-splitter';
import { asPrefix, checkInside, formatS3Uri, parseS3Uri, type S3Location } from './s3-location';

/** Rows scored per session run inside a child. */
const CHUNK_ROWS = 1000;
/** The plan's file name under the output prefix. */
export const PLAN_FILE = 'plan.json';
export const SUMMARY_FILE = 'summary.json';

/** Where a run may read and write (the prefixes the function's role allows). */
export interface BatchLocations {
  readonly input?: S3Location;
  readonly output?: S3Location;
}

export interface PlanRequest {
  /** `s3://bucket/key` of one object, or `s3://bucket/prefix/` of many. */
  readonly input: string;
  /** `s3://bucket/prefix/` the run writes to. */
  readonly output: string;
  readonly rowsPerChild: number;
}

export interface PlanResult {
  /** Where the items are (the Distributed Map's ItemReader reads this object). */
  readonly plan: S3Location;
  readonly output: S3Location;
  readonly items: number;
  readonly objects: number;
}

export interface ScoreResult {
  readonly id: string;
  readonly rows: number;
  readonly rejectedRows: number;
}

export interface RunSummary {
  readonly rows: number;
  readonly rejectedRows: number;
  readonly succeededItems: number;
  readonly failedItems: number;
}

function formatOfKey(key: string): RecordFormat | undefined {
  const lower = key.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** The input's objects: the object itself, or those under it taken as a folder. */
async function listInput(s3: S3Client, input: S3Location): Promise<string[]> {
  const keys: string[] = [];
  const folder = asPrefix(input.key);
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: input.bucket, Prefix: input.key, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      const key = object.Key ?? '';
      if ((key === input.key || key.startsWith(folder)) && formatOfKey(key) !== undefined && (object.Size ?? 0) > 0) keys.push(key);
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  if (keys.length === 0) throw new BatchInputError(`input: ${formatS3Uri(input)} holds no .csv, .jsonl or .ndjson object to score`);
  return keys.sort();
}

async function body(s3: S3Client, location: S3Location, range?: string): Promise<AsyncIterable<Uint8Array>> {
  const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key, Range: range }));
  return response.Body as AsyncIterable<Uint8Array>;
}

async function put(s3: S3Client, bucket: string, key: string, text: string, contentType: string): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length, ContentType: contentType }));
}

export const partId = (index: number): string => `part-${String(index).padStart(6, '0')}`;

/** Plans the run and writes its items to `<output>plan.json`. */
export async function planRun(s3: S3Client, manifest: Manifest, request: PlanRequest, locations: BatchLocations): Promise<PlanResult> {
  const input = parseS3Uri(request.input, 'input');
  const outputUri = parseS3Uri(request.output, 'output');
  const output = { bucket: outputUri.bucket, key: asPrefix(outputUri.key) };
  checkInside(input, locations.input, 'input');
  checkInside(output, locations.output, 'output');
  const keys = await listInput(s3, input);
  const items: RangeItem[] = [];
  for (const key of keys) {
    const format = formatOfKey(key) as RecordFormat;
    const planned = await planRanges(await body(s3, { bucket: input.bucket, key }), format, request.rowsPerChild, (first) => headerColumns(first, manifest) !== undefined);
    for (const range of planned.ranges) {
      items.push({ id: partId(items.length), bucket: input.bucket, key, format, ...range, ...(planned.header === undefined ? {} : { header: planned.header }) });
    }
  }
  const plan = { bucket: output.bucket, key: `${output.key}${PLAN_FILE}` };
  await put(s3, plan.bucket, plan.key, JSON.stringify(items), 'application/json');
  return { plan, output, items: items.length, objects: keys.length };
}

/** Scores one item's range and writes its results and rejected rows. */
export async function scoreRange(s3: S3Client, scorerFor: (item: RangeItem) => ChunkScorer, manifest: Manifest, item: RangeItem, output: S3Location, locations: BatchLocations): Promise<ScoreResult> {
  checkInside({ bucket: item.bucket, key: item.key }, locations.input, 'item');
  checkInside(output, locations.output, 'output');
  const scorer = scorerFor(item);
  const splitter = new RecordSplitter(item.format, item.start, item.firstLine);
  let results = item.format === 'csv' ? csvOutputHeader(manifest, scorerKeep(item, manifest)) : '';
  let rejected = '';
  let rows = 0;
  let rejectedRows = 0;
  let chunk = { records: [] as string[], lines: [] as number[], firstRow: item.firstRow };
  const flush = async (): Promise<void> => {
    if (chunk.records.length === 0) return;
    const scored = await scorer.score(chunk);
    results += scored.output;
    rejected += scored.rejected;
    rows += scored.rows;
    rejectedRows += scored.rejectedRows;
    chunk = { records: [], lines: [], firstRow: chunk.firstRow + chunk.records.length };
  };
  const take = async (records: ReturnType<RecordSplitter['push']>): Promise<void> => {
    for (const record of records) {
      if (isBlankRecord(record)) continue;
      chunk.records.push(record.text);
      chunk.lines.push(record.line);
      if (chunk.records.length === CHUNK_ROWS) await flush();
    }
  };
  for await (const bytes of await body(s3, item, `bytes=${item.start}-${item.end - 1}`)) {
    await take(splitter.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  }
  await take(splitter.end());
  await flush();
  const ext = item.format === 'csv' ? 'csv' : 'jsonl';
  await put(s3, output.bucket, `${output.key}results/${item.id}.${ext}`, results, item.format === 'csv' ? 'text/csv' : 'application/jsonl');
  await put(s3, output.bucket, `${output.key}rejected/${item.id}.jsonl`, rejected, 'application/jsonl');
  return { id: item.id, rows, rejectedRows };
}

/** The columns a CSV item passes through: every header column that is not a feature. */
export function scorerKeep(item: RangeItem, manifest: Manifest): string[] {
  if (item.format !== 'csv' || item.header === undefined) return [];
  const features = new Set(manifest.input.features.map((f) => f.name));
  return (headerColumns(item.header, manifest) ?? []).filter((column) => !features.has(column));
}

/** The ResultWriter manifest's shape, as far as the summary reads it. */
interface ResultManifest {
  readonly ResultFiles?: Readonly<Record<string, ReadonlyArray<{ readonly Key: string }>>>;
}

/** Adds up the children's counts from the ResultWriter's files and writes `<output>summary.json`. */
export async function summarizeRun(s3: S3Client, resultManifest: S3Location, output: S3Location, locations: BatchLocations): Promise<RunSummary> {
  checkInside(resultManifest, locations.output, 'result manifest');
  checkInside(output, locations.output, 'output');
  const read = async (location: S3Location): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const bytes of await body(s3, location)) chunks.push(Buffer.from(bytes));
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  };
  const manifest = (await read(resultManifest)) as ResultManifest;
  let rows = 0;
  let rejectedRows = 0;
  let succeededItems = 0;
  let failedItems = 0;
  for (const file of manifest.ResultFiles?.SUCCEEDED ?? []) {
    const executions = (await read({ bucket: resultManifest.bucket, key: file.Key })) as ReadonlyArray<{ readonly Output?: string }>;
    for (const execution of executions) {
      const result = JSON.parse(execution.Output ?? '{}') as Partial<ScoreResult>;
      rows += result.rows ?? 0;
      rejectedRows += result.rejectedRows ?? 0;
      succeededItems++;
    }
  }
  for (const file of manifest.ResultFiles?.FAILED ?? []) {
    failedItems += ((await read({ bucket: resultManifest.bucket, key: file.Key })) as unknown[]).length;
  }
  const summary: RunSummary = { rows, rejectedRows, succeededItems, failedItems };
  await put(s3, output.bucket, `${asPrefix(output.key)}${SUMMARY_FILE}`, JSON.stringify(summary, null, 2), 'application/json');
  return summary;
}
