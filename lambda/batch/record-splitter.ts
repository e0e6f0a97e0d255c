/**
 * Cuts a byte stream of CSV or JSON Lines into records without holding the file: chunks go in, whole records come
 * out with the file line each starts on and its byte range. A CSV record ends at a line break outside quotes (RFC
 * 4180 lets a quoted cell span lines); a JSON Lines record at every line break. Both delimiters are ASCII, so the
 * scan works on bytes and never splits a UTF-8 character. The cells themselves are parsed later by the runtime's
 * own CSV parser (`core/csv.ts`), so quoting rules are the server's.
 */

/** Formats a batch input may have. */
export type RecordFormat = 'csv' | 'jsonl';

/** One record of the input. */
export interface InputRecord {
  /** The record's text, without its line terminator. */
  readonly text: string;
  /** 1-based file line the record starts on. */
  readonly line: number;
  /** Byte offset of the record's first byte in the stream. */
  readonly start: number;
  /** Byte offset just after the record's line terminator (the next record's start). */
  readonly end: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

function countQuotes(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(QUOTE, from); i >= 0 && i < to; i = bytes.indexOf(QUOTE, i + 1)) n++;
  return n;
}

function lineBreaks(bytes: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(LF, from); i >= 0 && i < to; i = bytes.indexOf(LF, i + 1)) n++;
  return n;
}

/** Feed chunks with {@link push}, then call {@link end}; both return the records completed so far. */
export class RecordSplitter {
  private pending: Buffer = Buffer.alloc(0);
  /** Quotes counted in `pending` up to `scanned` (CSV only). */
  private quotes = 0;
  private scanned = 0;
  private offset: number;
  private line: number;

  /**
   * @param format how records end
   * @param startOffset byte offset of the first chunk in the file (a range read starts past 0)
   * @param startLine file line of the first chunk's first byte
   */
  constructor(
    private readonly format: RecordFormat,
    startOffset = 0,
    startLine = 1,
  ) {
    this.offset = startOffset;
    this.line = startLine;
  }

  /** Adds a chunk; returns the records it completes. */
  push(chunk: Buffer): InputRecord[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const records: InputRecord[] = [];
    const bytes = this.pending;
    let recordStart = 0;
    let from = this.scanned;
    for (let lf = bytes.indexOf(LF, from); lf >= 0; lf = bytes.indexOf(LF, from)) {
      if (this.format === 'csv') {
        this.quotes += countQuotes(bytes, from, lf);
        from = lf + 1;
        // An odd count means the line break is inside a quoted cell: the record goes on.
        if (this.quotes % 2 === 1) continue;
      } else {
        from = lf + 1;
      }
      records.push(this.take(bytes, recordStart, lf));
      recordStart = lf + 1;
      this.quotes = 0;
    }
    if (this.format === 'csv') this.quotes += countQuotes(bytes, from, bytes.length);
    this.pending = recordStart === 0 ? bytes : bytes.subarray(recordStart);
    this.scanned = bytes.length - recordStart;
    return records;
  }

  /** Ends the stream; returns the last record when the input does not end with a line break. */
  end(): InputRecord[] {
    if (this.pending.length === 0) return [];
    const record = this.take(this.pending, 0, this.pending.length);
    this.pending = Buffer.alloc(0);
    this.scanned = 0;
    this.quotes = 0;
    return [record];
  }

  /** The record in `bytes[from, lf)`; `lf` is its line feed (or the end of the input). */
  private take(bytes: Buffer, from: number, lf: number): InputRecord {
    const textEnd = lf > from && bytes[lf - 1] === CR ? lf - 1 : lf;
    const consumed = Math.min(lf + 1, bytes.length) - from;
    const record: InputRecord = {
      text: bytes.toString('utf8', from, textEnd),
      line: this.line,
      start: this.offset,
      end: this.offset + consumed,
    };
    this.offset += consumed;
    this.line += lineBreaks(bytes, from, lf) + (lf < bytes.length ? 1 : 0);
    return record;
  }
}

/** Whether a record holds nothing (a blank line is skipped, never a rejected row). */
export function isBlankRecord(record: InputRecord): boolean {
  return record.text.trim() === '';
}

/** Drops a UTF-8 byte order mark from the first record's text. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
