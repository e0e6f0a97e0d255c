/**
 * A profile of a training CSV for `modelstack init`: per column its type (number, integer, boolean, category with
 * its values), min/max, mean/std and the share of missing (empty) cells.
 *
 * Types are read from how the cells are written, as pandas writes them: `47` in every row is an integer, `207.0`
 * a number, `true`/`false` a boolean, anything else a category.
 */
import { InitError } from './init-error';

export type ColumnType = 'number' | 'integer' | 'boolean' | 'category';

export interface ColumnProfile {
  readonly name: string;
  readonly type: ColumnType;
  /** Empty cells. */
  readonly missing: number;
  /** `missing / rows`, from 0 to 1. */
  readonly missingShare: number;
  /** Distinct non-missing values, sorted as `np.unique` sorts them (numerically for numbers, else by code point). */
  readonly values: readonly string[];
  /** Numbers, integers and booleans (as 0/1): over the non-missing cells; population std, as StandardScaler. */
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
}

export interface CsvProfile {
  /** The header's column names, in order. */
  readonly header: readonly string[];
  /** Data rows (the header excluded). */
  readonly rows: number;
  readonly columns: readonly ColumnProfile[];
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;

/** RFC 4180 records: quoted cells, doubled quotes, CRLF or LF. */
export function parseCsvRecords(text: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      line += 1;
    } else {
      cell += c;
    }
  }
  if (quoted) throw new InitError(`${source}: line ${line}: a quoted cell is not closed; close it with "`);
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

function typeOf(cells: readonly string[]): ColumnType {
  if (cells.length === 0) return 'number';
  if (cells.every((c) => INTEGER.test(c))) return 'integer';
  if (cells.every((c) => NUMBER.test(c))) return 'number';
  if (cells.every((c) => BOOLEAN.test(c))) return 'boolean';
  return 'category';
}

function numericValue(cell: string, type: ColumnType): number {
  return type === 'boolean' ? (cell.toLowerCase() === 'true' ? 1 : 0) : Number(cell);
}

/** Code-point order, as numpy sorts strings (not `localeCompare`). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Neumaier's compensated sum: the mean does not drift with the row order as a plain sum does. */
function accurateSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

function profileColumn(name: string, cells: readonly string[]): ColumnProfile {
  const present = cells.filter((c) => c.trim() !== '').map((c) => c.trim());
  const type = typeOf(present);
  const missing = cells.length - present.length;
  const distinct = [...new Set(present)];
  const common = { name, type, missing, missingShare: cells.length === 0 ? 0 : missing / cells.length };
  if (type === 'category') return { ...common, values: distinct.sort(byCodePoint) };
  const numbers = present.map((c) => numericValue(c, type));
  const values = [...new Map(present.map((c, i) => [numbers[i], c])).entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  if (numbers.length === 0) return { ...common, values };
  const mean = accurateSum(numbers) / numbers.length;
  const variance = accurateSum(numbers.map((v) => (v - mean) ** 2)) / numbers.length;
  return {
    ...common,
    values,
    min: numbers.reduce((m, v) => Math.min(m, v), Infinity),
    max: numbers.reduce((m, v) => Math.max(m, v), -Infinity),
    mean,
    std: Math.sqrt(variance),
  };
}

/**
 * Profiles a CSV with a header row.
 * @throws InitError naming the line when the header is empty or repeats a name, or a row's cell count differs
 */
export function profileCsv(text: string, source = 'train.csv'): CsvProfile {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''), source);
  const [header, ...rows] = records;
  if (header === undefined || header.every((h) => h.trim() === '')) {
    throw new InitError(`${source}: has no header row; the first line must name the columns`);
  }
  const names = header.map((h) => h.trim());
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) throw new InitError(`${source}: the header names column "${repeated}" twice; column names must be unique`);
  const bad = rows.findIndex((r) => r.length !== names.length);
  if (bad >= 0) {
    throw new InitError(
      `${source}: data row ${bad + 1} has ${rows[bad].length} cells but the header has ${names.length}; every row needs one cell per column`,
    );
  }
  return {
    header: names,
    rows: rows.length,
    columns: names.map((name, column) => profileColumn(name, rows.map((r) => r[column]))),
  };
}

/** The column named `name`; throws naming the columns there are. */
export function columnNamed(profile: CsvProfile, name: string, source: string, option: string): ColumnProfile {
  const column = profile.columns.find((c) => c.name === name);
  if (column === undefined) {
    throw new InitError(`${option} is "${name}", which is not a column of ${source}; its columns are: ${profile.header.join(', ')}`);
  }
  return column;
}
