/**
 * Scores a CSV or JSON Lines file of any size with every core: the file streams through a {@link RecordSplitter}
 * in chunks, a {@link WorkerPool} scores them (one onnxruntime session per worker), and the results are written
 * in input order. At most {@link IN_FLIGHT_PER_WORKER} chunks per worker are read ahead and not yet written, and
 * writes wait for the disk, so memory stays flat whatever the file's size.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { once } from 'node:events';
import { BatchInputError, csvLayout, csvOutputHeader, type BatchLayout } from '../../lambda/batch/batch-layout';
import type { RecordChunk, ScoredChunk } from '../../lambda/batch/chunk-scorer';
import { isBlankRecord, RecordSplitter, withoutBom, type InputRecord, type RecordFormat } from '../../lambda/batch/record-splitter';
import { readManifest, type Manifest } from '../../lambda/core/manifest';
import { WorkerPool } from './worker-pool';

/** Rows per chunk: enough to amortise a message and a session run, small enough to keep every worker busy. */
export const DEFAULT_CHUNK_ROWS = 1000;
/** Chunks per worker read ahead of the writer. */
export const IN_FLIGHT_PER_WORKER = 2;

export interface BatchProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
  readonly rejectedRows: number;
  readonly elapsedMs: number;
}

export interface ScoreFileOptions {
  /** Directory holding model.json and model.onnx. */
  readonly modelDir: string;
  /** `.csv`, or `.jsonl` / `.ndjson`. */
  readonly input: string;
  /** Scored rows, in the input's format. */
  readonly output: string;
  /** Rejected rows (JSON Lines). @default `<output>.rejected.jsonl` */
  readonly rejected?: string;
  /** @default os.availableParallelism() */
  readonly workers?: number;
  /** Columns passed through to the output. @default - every column that is not a feature */
  readonly keep?: readonly string[];
  /** @default DEFAULT_CHUNK_ROWS */
  readonly chunkRows?: number;
  readonly onProgress?: (progress: BatchProgress) => void;
}

export interface ScoreFileResult {
  readonly rows: number;
  readonly rejectedRows: number;
  /** Rejected share of the data rows (0-1). */
  readonly rejectedShare: number;
  readonly workers: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly output: string;
  readonly rejected: string;
}

/** The format a file's extension names. */
export function formatOf(path: string): RecordFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new BatchInputError(`${path}: the extension ${JSON.stringify(ext)} is not a batch format; use .csv, .jsonl or .ndjson`);
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (text.length > 0 && !stream.write(text)) await once(stream, 'drain');
}

async function closeStream(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'close');
}

/** Reads the input's records, the first one (a CSV header, or data) held back until the layout is known. */
async function* records(path: string): AsyncGenerator<{ record: InputRecord; bytesRead: number }> {
  const splitter = new RecordSplitter(formatOf(path));
  let bytesRead = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    for (const record of splitter.push(chunk)) if (!isBlankRecord(record)) yield { record, bytesRead };
  }
  for (const record of splitter.end()) if (!isBlankRecord(record)) yield { record, bytesRead };
}

function layoutOf(format: RecordFormat, first: InputRecord | undefined, manifest: Manifest, keep?: readonly string[]): { layout: BatchLayout; firstIsData: boolean } {
  if (format === 'jsonl') return { layout: { format, ...(keep === undefined ? {} : { keep }) }, firstIsData: true };
  if (first === undefined) return { layout: { format, keep: keep ?? [] }, firstIsData: false };
  const layout = csvLayout(withoutBom(first.text), manifest, keep);
  return { layout: { format, keep: layout.keep, ...(layout.header === undefined ? {} : { header: layout.header }) }, firstIsData: layout.header === undefined };
}

/**
 * Scores `options.input` into `options.output` and the rejected file.
 * @throws BatchInputError for an unusable input (format, header, keep), ScoringWorkerError when a worker fails
 */
export async function scoreFile(options: ScoreFileOptions): Promise<ScoreFileResult> {
  const started = Date.now();
  const format = formatOf(options.input);
  if (formatOf(options.output) !== format) throw new BatchInputError(`${options.output}: the output is written in the input's format (${format}); name it ${format === 'csv' ? '.csv' : '.jsonl'}`);
  const manifest = await readManifest(join(options.modelDir, 'model.json'));
  const totalBytes = (await stat(options.input)).size;
  const source = records(options.input);
  const head = await source.next();
  const first = head.done === true ? undefined : head.value.record;
  const workers = options.workers ?? availableParallelism();
  let opened: { layout: BatchLayout; firstIsData: boolean; pool: WorkerPool };
  try {
    const { layout, firstIsData } = layoutOf(format, first, manifest, options.keep);
    opened = { layout, firstIsData, pool: await WorkerPool.start(workers, { modelDir: options.modelDir, layout }) };
  } catch (error) {
    // Close the input before reporting a bad header or a model the workers cannot load.
    await source.return(undefined);
    throw error;
  }
  const { layout, firstIsData, pool } = opened;
  const output = createWriteStream(options.output);
  const rejectedPath = options.rejected ?? `${options.output}.rejected.jsonl`;
  const rejected = createWriteStream(rejectedPath);
  const chunkRows = options.chunkRows ?? DEFAULT_CHUNK_ROWS;
  const queue: Promise<ScoredChunk>[] = [];
  let rows = 0;
  let rejectedRows = 0;
  let bytesRead = 0;
  const flushOne = async (): Promise<void> => {
    const scored = await (queue.shift() as Promise<ScoredChunk>);
    rows += scored.rows;
    rejectedRows += scored.rejectedRows;
    await write(output, scored.output);
    await write(rejected, scored.rejected);
    options.onProgress?.({ bytesRead, totalBytes, rows, rejectedRows, elapsedMs: Date.now() - started });
  };
  let chunk: { records: string[]; lines: number[]; firstRow: number } = { records: [], lines: [], firstRow: 1 };
  const submit = async (): Promise<void> => {
    const sent: RecordChunk = chunk;
    chunk = { records: [], lines: [], firstRow: sent.firstRow + sent.records.length };
    const scored = pool.score(sent);
    // Awaited in order by flushOne; this only keeps an early failure from being reported as unhandled.
    scored.catch(() => undefined);
    queue.push(scored);
    if (queue.length >= workers * IN_FLIGHT_PER_WORKER) await flushOne();
  };
  try {
    if (format === 'csv') await write(output, csvOutputHeader(manifest, layout.keep ?? []));
    if (first !== undefined && firstIsData) {
      chunk.records.push(withoutBom(first.text));
      chunk.lines.push(first.line);
    }
    for await (const { record, bytesRead: read } of source) {
      bytesRead = read;
      chunk.records.push(record.text);
      chunk.lines.push(record.line);
      if (chunk.records.length === chunkRows) await submit();
    }
    bytesRead = totalBytes;
    if (chunk.records.length > 0) await submit();
    while (queue.length > 0) await flushOne();
  } finally {
    await Promise.all([pool.close(), closeStream(output), closeStream(rejected)]);
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    rows,
    rejectedRows,
    rejectedShare: rows === 0 ? 0 : rejectedRows / rows,
    workers,
    seconds,
    rowsPerSecond: seconds === 0 ? 0 : rows / seconds,
    output: options.output,
    rejected: rejectedPath,
  };
}
