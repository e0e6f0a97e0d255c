/**
 * `text/csv` request bodies: RFC 4180 records (quoted cells, doubled quotes, CRLF or LF) turned into instances
 * keyed by column name. Cells stay strings; {@link Preparer.prepare} with `textCells: true` converts them, since in
 * CSV "3.5" is simply how a number is written and an empty cell is a missing value.
 *
 * No dependency: a request body is small (the Lambda payload limit is 6 MiB) and this one-pass scanner is all
 * that RFC 4180 needs.
 */
import type { Manifest } from './manifest';
import { INSTANCE_FIELD, InvalidInputError, MAX_LISTED_PROBLEMS } from './invalid-input';
import type { Preparer } from './prepare';
import type { InputProblem, PreparedBatch } from './types';

/**
 * The body is not usable CSV: a syntax error (unclosed or stray quote), a bad header, or rows whose cell count
 * differs from the header's. A client error (HTTP 400), like every {@link InvalidInputError}.
 */
export class CsvError extends InvalidInputError {
  constructor(problems: readonly InputProblem[], lines: readonly string[], problemCount = problems.length) {
    const listed = lines.slice(0, MAX_LISTED_PROBLEMS).map((line) => `  - ${line}`);
    if (problemCount > listed.length) listed.push(`  - and ${problemCount - listed.length} more`);
    super(problems, {
      problemCount,
      message: `Invalid CSV (${problemCount} problem${problemCount === 1 ? '' : 's'}):\n${listed.join('\n')}`,
    });
    this.name = 'CsvError';
  }
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Records and the (1-based) line each starts on, so errors can point into the file. */
export interface CsvRecords {
  readonly rows: string[][];
  readonly lines: number[];
}

function syntaxError(line: number, what: string, fix: string): CsvError {
  return new CsvError(
    [{ instance: -1, field: '(csv)', value: `line ${line}: ${what}`, allowed: fix }],
    [`line ${line}: ${what}; ${fix}`],
  );
}

/** Counts line breaks (LF, CRLF or a lone CR) in `text[from, to)`. */
function countLineBreaks(text: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) breaks++;
  }
  return breaks;
}

/** Splits RFC 4180 text into records; blank lines at the end are dropped. */
export function parseCsvRecords(text: string): CsvRecords {
  const rows: string[][] = [];
  const lines: number[] = [];
  const length = text.length;
  // Excel writes a byte order mark; it is not part of the first cell.
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let record: string[] = [];
  let recordLine = 1;
  if (i >= length) return { rows, lines };
  for (;;) {
    let cell: string;
    if (text.charCodeAt(i) === QUOTE) {
      const openedOn = line;
      i++;
      cell = '';
      for (;;) {
        const close = text.indexOf('"', i);
        if (close < 0) throw syntaxError(openedOn, 'a quoted cell is never closed', 'close it with "');
        line += countLineBreaks(text, i, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          // "" inside quotes is one literal quote.
          cell += text.slice(i, close + 1);
          i = close + 2;
        } else {
          cell += text.slice(i, close);
          i = close + 1;
          break;
        }
      }
      const next = i < length ? text.charCodeAt(i) : COMMA;
      if (next !== COMMA && next !== CR && next !== LF) {
        const fix = 'end the quoted cell with " followed by a comma or a line break';
        throw syntaxError(line, 'text follows a closing quote', fix);
      }
    } else {
      let j = i;
      for (; j < length; j++) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === CR || c === LF) break;
        if (c === QUOTE) {
          const fix = 'quote the whole cell and double the quotes inside it ("")';
          throw syntaxError(line, 'a quote inside an unquoted cell', fix);
        }
      }
      cell = text.slice(i, j);
      i = j;
    }
    record.push(cell);
    if (i >= length) break;
    const c = text.charCodeAt(i);
    i++;
    if (c === COMMA) continue;
    if (c === CR && text.charCodeAt(i) === LF) i++;
    rows.push(record);
    lines.push(recordLine);
    record = [];
    line++;
    recordLine = line;
    if (i >= length) break;
  }
  if (record.length > 0) {
    rows.push(record);
    lines.push(recordLine);
  }
  // A blank line parses as one empty cell; at the end of the body it is just a trailing newline.
  while (rows.length > 0) {
    const last = rows[rows.length - 1];
    if (last.length !== 1 || last[0] !== '') break;
    rows.pop();
    lines.pop();
  }
  return { rows, lines };
}

/**
 * Parses a `text/csv` body into instances keyed by column name, for {@link Preparer.prepare} with
 * `{ textCells: true }` (or use {@link prepareCsv}).
 *
 * A header row is optional: the first row is a header when any of its cells is a feature name (so a header that
 * also has the target column, like the examples' `test.csv`, is still a header, and its extra columns are unknown
 * fields: rejected or ignored per `input.unknownFields`). Without a header, rows hold the features in manifest
 * order. Cells are not converted here.
 *
 * @throws CsvError on a syntax error, a duplicate or empty header cell, or rows with the wrong number of cells
 */
export function parseCsv(text: string, manifest: Manifest): Record<string, string>[] {
  const { rows, lines } = parseCsvRecords(text);
  if (rows.length === 0) return [];
  const features = manifest.input.features;
  const first = rows[0];
  const hasHeader = first.some((cell) => features.some((f) => f.name === cell.trim()));
  const columns = hasHeader ? first.map((cell) => cell.trim()) : features.map((f) => f.name);
  if (hasHeader) checkHeader(columns, lines[0]);
  const width = columns.length;
  const expected = hasHeader
    ? `${width} cells, one per header column`
    : `${width} cells, one per feature in manifest order (or start with a header row of feature names)`;
  // "__proto__" is a legal feature name; plain assignment would set the prototype instead of a key.
  const special = columns.map((name) => name === '__proto__');
  const instances: Record<string, string>[] = [];
  const problems: InputProblem[] = [];
  const messages: string[] = [];
  let problemCount = 0;
  for (let r = hasHeader ? 1 : 0; r < rows.length; r++) {
    const cells = rows[r];
    const index = instances.length;
    if (cells.length !== width) {
      problemCount++;
      const blank = cells.length === 1 && cells[0] === '';
      const got = blank ? 'a blank line' : `${cells.length} cell${cells.length === 1 ? '' : 's'}`;
      problems.push({ instance: index, field: INSTANCE_FIELD, value: `${got} (line ${lines[r]})`, allowed: expected });
      messages.push(`line ${lines[r]} (instances[${index}]) has ${got}; expected ${expected}`);
      instances.push({});
      continue;
    }
    const instance: Record<string, string> = {};
    for (let c = 0; c < width; c++) {
      if (special[c]) {
        const property = { value: cells[c], enumerable: true, writable: true, configurable: true };
        Object.defineProperty(instance, columns[c], property);
      } else {
        instance[columns[c]] = cells[c];
      }
    }
    instances.push(instance);
  }
  if (problemCount > 0) throw new CsvError(problems, messages, problemCount);
  return instances;
}

function checkHeader(columns: readonly string[], line: number): void {
  const problems: InputProblem[] = [];
  const messages: string[] = [];
  const seen = new Map<string, number>();
  columns.forEach((name, c) => {
    if (name === '') {
      const value = `column ${c + 1} is empty (line ${line})`;
      problems.push({ instance: -1, field: '(header)', value, allowed: 'a column name' });
      messages.push(`line ${line}: header column ${c + 1} is empty; name every column`);
      return;
    }
    const before = seen.get(name);
    if (before !== undefined) {
      const where = `columns ${before + 1} and ${c + 1}`;
      const value = `"${name}" in ${where}`;
      problems.push({ instance: -1, field: '(header)', value, allowed: 'unique column names' });
      messages.push(`line ${line}: header column "${name}" appears twice (${where}); name every column once`);
    } else {
      seen.set(name, c);
    }
  });
  if (problems.length > 0) throw new CsvError(problems, messages);
}

/**
 * Parses and prepares a `text/csv` body in one step: {@link parseCsv}, then `prepare` with `textCells: true`.
 * @throws CsvError for the CSV itself, InvalidInputError for its values
 */
export function prepareCsv(text: string, preparer: Preparer): PreparedBatch {
  return preparer.prepare(parseCsv(text, preparer.manifest), { textCells: true });
}
