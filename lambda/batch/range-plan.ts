/**
 * Plans a Distributed Map run: cuts each input object into byte ranges of at most `rowsPerChild` records, cut at
 * record boundaries (a quoted CSV cell may span lines), each with the file line and row number it starts at. A
 * child then reads exactly its range with one ranged GET and needs nothing else but the header carried in its
 * item, so every item is a few hundred bytes whatever the rows hold: far under Step Functions' 256 KiB payload
 * limit, which batching rows themselves (ItemReader over the CSV with ItemBatcher) would press against.
 */
import { BatchInputError } from './batch-layout';
import { isBlankRecord, RecordSplitter, withoutBom, type RecordFormat } from './record-splitter';

/** The largest CSV header an item may carry. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Default records per child: minutes of work for a 1-2 vCPU function, well inside Lambda's 15 minutes. */
export const DEFAULT_ROWS_PER_CHILD = 100_000;

/** One child's work (the Distributed Map's item). */
export interface RangeItem {
  /** Names the child's output objects: `results/<id>.<ext>`, `rejected/<id>.jsonl`. Stable across retries. */
  readonly id: string;
  readonly bucket: string;
  readonly key: string;
  readonly format: RecordFormat;
  /** Byte range `[start, end)` of the object. */
  readonly start: number;
  readonly end: number;
  /** File line and row number (1-based, data rows) of the range's first record. */
  readonly firstLine: number;
  readonly firstRow: number;
  /** The CSV's first record (the header), when it is one, repeated for the runtime's parser. */
  readonly header?: string;
}

/** A range of one object, before it is given an id and a location. */
export type PlannedRange = Omit<RangeItem, 'id' | 'bucket' | 'key' | 'format' | 'header'>;

/**
 * Scans one object's bytes and returns its ranges and the header record (CSV), if `isHeader` says the first
 * record is one.
 */
export async function planRanges(
  chunks: AsyncIterable<Uint8Array>,
  format: RecordFormat,
  rowsPerChild: number,
  isHeader: (firstRecord: string) => boolean,
): Promise<{ header?: string; ranges: PlannedRange[] }> {
  const splitter = new RecordSplitter(format);
  const ranges: PlannedRange[] = [];
  let header: string | undefined;
  let first = true;
  let open: { start: number; firstLine: number; firstRow: number; end: number; rows: number } | undefined;
  let rows = 0;
  const take = (records: ReturnType<RecordSplitter['push']>): void => {
    for (const record of records) {
      if (first && format === 'csv') {
        first = false;
        const text = withoutBom(record.text);
        if (isHeader(text)) {
          if (Buffer.byteLength(text) > MAX_HEADER_BYTES) throw new BatchInputError(`the CSV header has ${Buffer.byteLength(text)} bytes; at most ${MAX_HEADER_BYTES} are allowed`);
          header = text;
          continue;
        }
      }
      first = false;
      if (open === undefined) open = { start: record.start, firstLine: record.line, firstRow: rows + 1, end: record.end, rows: 0 };
      open.end = record.end;
      // Blank lines stay inside the range (the child skips them) but are not rows.
      if (isBlankRecord(record)) continue;
      rows++;
      open.rows++;
      if (open.rows === rowsPerChild) {
        ranges.push({ start: open.start, end: open.end, firstLine: open.firstLine, firstRow: open.firstRow });
        open = undefined;
      }
    }
  };
  for await (const chunk of chunks) take(splitter.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
  take(splitter.end());
  if (open !== undefined && open.rows > 0) ranges.push({ start: open.start, end: open.end, firstLine: open.firstLine, firstRow: open.firstRow });
  return { ...(header === undefined ? {} : { header }), ranges };
}
