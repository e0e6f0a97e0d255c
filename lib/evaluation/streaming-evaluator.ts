/**
 * Streams a labelled CSV through the runtime's own code path, batch by batch: `parseCsv`, then the preparer with
 * `textCells: true` (as the server's CSV route does), then the loaded model's `predict`. Rows the runtime refuses
 * are re-tried one by one so one bad row never discards its batch, and are counted by reason.
 */
import { stat } from 'node:fs/promises';
import { CsvError, parseCsv } from '../../lambda/core/csv';
import { InvalidInputError } from '../../lambda/core/invalid-input';
import { regressionTargets, type Manifest } from '../../lambda/core/manifest';
import type { Preparer } from '../../lambda/core/prepare';
import type { LoadedModel, Prediction } from '../../lambda/core/types';
import type { Truth } from '../../lambda/evaluation/scored-metrics';
import { readCsvBatches } from './csv-batches';
import { EvaluationError } from './evaluation-error';
import { RejectionTally, type RejectedRows } from './rejected-rows';

/** Rows per batch: large enough to amortise a session run, small enough to keep memory flat. */
export const DEFAULT_BATCH_SIZE = 256;
/** The slice value of an empty cell. */
export const MISSING_SLICE_VALUE = '(missing)';

export interface EvaluationProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
}

export type { Truth };

export interface StreamOptions {
  /** Name of the target column (a multi-output regression reads its `output.targets` columns instead). */
  readonly target: string;
  /** Columns to slice by (read from the data; they need not be features). */
  readonly sliceBy?: readonly string[];
  /** @default {@link DEFAULT_BATCH_SIZE} */
  readonly batchSize?: number;
  readonly onProgress?: (progress: EvaluationProgress) => void;
}

/** What the model predicted for each accepted row, with its truth and slice values. */
export interface ScoredData {
  /** Data rows in the file (accepted and rejected). */
  readonly totalRows: number;
  /** The true label (classification), value (regression) or values (multi-output regression) of each accepted row. */
  readonly truth: readonly Truth[];
  readonly predictions: readonly Prediction[];
  /** Per slice column, the value of each accepted row. */
  readonly slices: Readonly<Record<string, readonly string[]>>;
  readonly rejected: RejectedRows;
}

/** A CSV row as parsed, with its file line. */
interface Row {
  readonly line: number;
  readonly cells: Record<string, string>;
}

/** The row's true label or value(s), or why it cannot be one. */
function parseTarget(manifest: Manifest, target: string, cells: Readonly<Record<string, string>>): { value: Truth } | { reason: string } {
  const targets = regressionTargets(manifest);
  if (targets !== undefined) {
    const values = targets.map((t) => ((cells[t] ?? '').trim() === '' ? NaN : Number(cells[t])));
    const bad = targets.find((_, i) => !Number.isFinite(values[i]));
    return bad === undefined ? { value: values } : { reason: `${bad}: expected a finite number (a target)` };
  }
  const text = (cells[target] ?? '').trim();
  if (manifest.task === 'regression') {
    const value = text === '' ? NaN : Number(text);
    return Number.isFinite(value) ? { value } : { reason: `${target}: expected a finite number (the target)` };
  }
  const labels = manifest.output.labels;
  return labels.includes(text) ? { value: text } : { reason: `${target}: expected one of ${labels.join(', ')} (the target)` };
}

/** Parses a batch with the runtime's CSV parser; a row it refuses is rejected alone, by its problem. */
function parseBatch(header: string, records: readonly string[], lines: readonly number[], manifest: Manifest, tally: RejectionTally): Row[] {
  try {
    return parseCsv(`${header}\n${records.join('\n')}\n`, manifest).map((cells, i) => ({ line: lines[i], cells }));
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    if (records.length === 1) {
      tally.rejectProblem(lines[0], error.problems[0]);
      return [];
    }
    return records.flatMap((record, i) => parseBatch(header, [record], [lines[i]], manifest, tally));
  }
}

/** Prepares and predicts the rows; on invalid input, row by row so only the bad rows are rejected. */
async function predictRows(
  rows: readonly Row[],
  instances: readonly Record<string, string>[],
  preparer: Preparer,
  model: LoadedModel,
  tally: RejectionTally,
): Promise<(Prediction | undefined)[]> {
  try {
    return await model.predict(preparer.prepare(instances, { textCells: true }));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    if (rows.length === 1) {
      tally.rejectProblem(rows[0].line, error.problems[0]);
      return [undefined];
    }
    const one = await Promise.all(rows.map((row, i) => predictRows([row], [instances[i]], preparer, model, tally)));
    return one.map((p) => p[0]);
  }
}

/**
 * Runs every row of `dataPath` through `preparer` and `model`.
 * @throws EvaluationError when the file has no header with the target or a slice column, or no row is accepted
 */
export async function scoreData(dataPath: string, preparer: Preparer, model: LoadedModel, options: StreamOptions): Promise<ScoredData> {
  const manifest = preparer.manifest;
  const { target } = options;
  const targetColumns = regressionTargets(manifest) ?? [target];
  const sliceBy = options.sliceBy ?? [];
  const features = new Set(preparer.featureNames);
  const totalBytes = (await stat(dataPath)).size;
  const tally = new RejectionTally();
  const truth: Truth[] = [];
  const predictions: Prediction[] = [];
  const slices: Record<string, string[]> = Object.fromEntries(sliceBy.map((column) => [column, []]));
  let totalRows = 0;
  let columnsChecked = false;
  for await (const batch of readCsvBatches(dataPath, options.batchSize ?? DEFAULT_BATCH_SIZE)) {
    totalRows += batch.records.length;
    const rows = parseBatch(batch.header, batch.records, batch.lines, manifest, tally);
    if (!columnsChecked && rows.length > 0) {
      checkColumns(dataPath, Object.keys(rows[0].cells), [...targetColumns, ...sliceBy]);
      columnsChecked = true;
    }
    const accepted: { row: Row; truth: Truth; instance: Record<string, string> }[] = [];
    for (const row of rows) {
      const parsed = parseTarget(manifest, target, row.cells);
      if ('reason' in parsed) {
        tally.reject(row.line, parsed.reason);
        continue;
      }
      // The target and slice-only columns are the evaluation's, not the request's.
      const instance: Record<string, string> = { ...row.cells };
      for (const column of [...targetColumns, ...sliceBy]) if (!features.has(column)) delete instance[column];
      accepted.push({ row, truth: parsed.value, instance });
    }
    if (accepted.length > 0) {
      const predicted = await predictRows(accepted.map((a) => a.row), accepted.map((a) => a.instance), preparer, model, tally);
      predicted.forEach((prediction, i) => {
        if (prediction === undefined) return;
        predictions.push(prediction);
        truth.push(accepted[i].truth);
        for (const column of sliceBy) {
          const cell = (accepted[i].row.cells[column] ?? '').trim();
          slices[column].push(cell === '' ? MISSING_SLICE_VALUE : cell);
        }
      });
    }
    options.onProgress?.({ bytesRead: batch.bytesRead, totalBytes, rows: totalRows });
  }
  if (predictions.length === 0) {
    const top = tally.summary(totalRows).byReason[0];
    const why = top === undefined ? '' : `; most often: ${top.reason} (${top.count} rows)`;
    throw new EvaluationError(`${dataPath}: no row could be evaluated (${totalRows} data rows, ${tally.count} rejected${why})`);
  }
  return { totalRows, truth, predictions, slices, rejected: tally.summary(totalRows) };
}

function checkColumns(dataPath: string, columns: readonly string[], needed: readonly string[]): void {
  const missing = needed.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new EvaluationError(
      `${dataPath}: has no column ${missing.map((c) => JSON.stringify(c)).join(', ')}; its columns are ${columns.join(', ')}`,
    );
  }
}
