/**
 * The shape of a batch run's input and output: which input columns are features (sent to the model) and which
 * pass through to the output (a customer id, the target) so results can be joined back, and how a scored row and
 * a rejected row are written. Worked out once per run from the manifest and the CSV header.
 */
import { CsvError, parseCsv } from '../core/csv';
import type { Manifest } from '../core/manifest';
import { CheckFailure } from '../core/modelstack-error';
import type { Prediction } from '../core/types';
import type { RecordFormat } from './record-splitter';

/** The input cannot be scored at all (bad header, unknown `keep` column): exit 1 locally, a failed child on AWS. */
export class BatchInputError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'BatchInputError';
  }
}

/** What the scorer needs to know about the input, in a form that crosses worker threads and Step Functions. */
export interface BatchLayout {
  readonly format: RecordFormat;
  /** CSV: the header record as written, repeated before every chunk for the runtime's parser; absent without one. */
  readonly header?: string;
  /** Columns copied from each input row to its output row, in this order; absent: every non-feature column. */
  readonly keep?: readonly string[];
}

/** Output column of the row number (1-based, data rows only, in input order). */
export const ROW_COLUMN = 'row';

/** Prediction columns of a CSV output for the manifest's task. */
export function predictionColumns(manifest: Manifest): string[] {
  if (manifest.task === 'regression') {
    const targets = manifest.output.targets;
    return targets === undefined ? ['predicted_value'] : targets.map((target) => `predicted_${target}`);
  }
  return ['predicted_label', ...manifest.output.labels.map((label) => `probability_${label}`)];
}

/** The header's columns, or `undefined` when the first record is data (features in manifest order). */
export function headerColumns(firstRecord: string, manifest: Manifest): string[] | undefined {
  let parsed: Record<string, string>[];
  try {
    // Parsed twice over: the second copy is a data row whose cells are the column names themselves.
    parsed = parseCsv(`${firstRecord}\n${firstRecord}\n`, manifest);
  } catch (error) {
    if (error instanceof CsvError) throw new BatchInputError(`the CSV header is not usable: ${error.message}`);
    throw error;
  }
  if (parsed.length === 2) return undefined;
  return Object.values(parsed[0]).map((cell) => cell.trim());
}

/**
 * The layout of a CSV whose first record is `firstRecord`; `keep` must name header columns.
 * @throws BatchInputError for a bad header, or a `keep` column the header does not have
 */
export function csvLayout(firstRecord: string, manifest: Manifest, keep?: readonly string[]): BatchLayout & { readonly columns: readonly string[] } {
  const header = headerColumns(firstRecord, manifest);
  const features = new Set(manifest.input.features.map((f) => f.name));
  if (header === undefined) {
    if (keep !== undefined && keep.length > 0) {
      throw new BatchInputError(`--keep ${keep.join(',')}: the CSV has no header row, so it has no columns to keep; add a header row of column names`);
    }
    return { format: 'csv', keep: [], columns: [...features] };
  }
  const chosen = keep ?? header.filter((column) => !features.has(column));
  const missing = chosen.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new BatchInputError(`keep: column ${missing.map((c) => JSON.stringify(c)).join(', ')} is not in the CSV header; its columns are ${header.join(', ')}`);
  }
  const clash = chosen.filter((column) => column === ROW_COLUMN || predictionColumns(manifest).includes(column));
  if (clash.length > 0) {
    throw new BatchInputError(`keep: column ${clash.map((c) => JSON.stringify(c)).join(', ')} would clash with an output column (${[ROW_COLUMN, ...predictionColumns(manifest)].join(', ')}); rename it in the input`);
  }
  return { format: 'csv', header: firstRecord, keep: chosen, columns: header };
}

/** The header line of a CSV output (with its line break). */
export function csvOutputHeader(manifest: Manifest, keep: readonly string[]): string {
  return `${[ROW_COLUMN, ...keep, ...predictionColumns(manifest)].map(csvCell).join(',')}\n`;
}

/** A CSV cell, quoted when it must be (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One scored CSV row (with its line break). */
export function csvOutputRow(row: number, kept: readonly string[], prediction: Prediction, manifest: Manifest): string {
  const cells = [String(row), ...kept.map(csvCell)];
  if ('value' in prediction) cells.push(String(prediction.value));
  else if ('values' in prediction) {
    if (manifest.task === 'regression') for (const target of manifest.output.targets ?? []) cells.push(String(prediction.values[target]));
  } else {
    cells.push(csvCell(prediction.label));
    if (manifest.task !== 'regression') for (const label of manifest.output.labels) cells.push(String(prediction.probabilities[label]));
  }
  return `${cells.join(',')}\n`;
}

/** One scored JSON Lines row (with its line break): the row number, the kept fields, then `prediction`. */
export function jsonOutputRow(row: number, kept: Readonly<Record<string, unknown>>, prediction: Prediction): string {
  return `${JSON.stringify({ [ROW_COLUMN]: row, ...kept, prediction })}\n`;
}

/** One rejected row (JSON Lines, with its line break): where it is and the 400-style reason. */
export function rejectedRow(row: number, line: number, reason: string): string {
  return `${JSON.stringify({ [ROW_COLUMN]: row, line, status: 400, reason })}\n`;
}
