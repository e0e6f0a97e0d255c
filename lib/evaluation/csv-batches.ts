/**
 * Reads a labelled CSV file as a stream, in batches of records, so a large evaluation set never has to be held as
 * text. Records are cut at line breaks outside quotes; each batch is handed on as CSV text (the header, then its
 * records) for the runtime's own parser (`lambda/core/csv.ts`), so quoting and cell rules are the server's.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One batch of records, with the header line repeated so the batch parses on its own. */
export interface CsvBatch {
  readonly header: string;
  /** The records (a record may span lines inside quotes). */
  readonly records: readonly string[];
  /** 1-based file line each record starts on. */
  readonly lines: readonly number[];
  /** Bytes of the file read so far (for progress). */
  readonly bytesRead: number;
}

const countQuotes = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
};

/** Yields the file's records in batches of at most `batchSize`; blank lines are skipped. */
export async function* readCsvBatches(path: string, batchSize: number): AsyncGenerator<CsvBatch> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string | undefined;
  let records: string[] = [];
  let starts: number[] = [];
  let pending: string | undefined;
  let pendingStart = 0;
  let lineNumber = 0;
  let bytesRead = 0;
  for await (const line of lines) {
    lineNumber++;
    bytesRead += Buffer.byteLength(line, 'utf8') + 1;
    const record = pending === undefined ? line : `${pending}\n${line}`;
    if (pending === undefined) pendingStart = lineNumber;
    if (countQuotes(record) % 2 === 1) {
      pending = record;
      continue;
    }
    pending = undefined;
    if (header === undefined) {
      header = record.replace(/^\uFEFF/, '');
      continue;
    }
    if (record.trim() === '') continue;
    records.push(record);
    starts.push(pendingStart);
    if (records.length === batchSize) {
      yield { header, records, lines: starts, bytesRead };
      records = [];
      starts = [];
    }
  }
  if (pending !== undefined) {
    // An unclosed quote: hand the rest on as it is, so the runtime's parser reports it.
    if (header === undefined) header = pending;
    else {
      records.push(pending);
      starts.push(pendingStart);
    }
  }
  if (header !== undefined && records.length > 0) yield { header, records, lines: starts, bytesRead };
}
