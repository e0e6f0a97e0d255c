/**
 * Scores one chunk of input records with the runtime's own code path: the CSV parser (`core/csv.ts`) or the JSON
 * body parser, the preparer (`core/prepare.ts`, `textCells` for CSV as on the server's CSV route) and the model's
 * `predict` (`core/model.ts`, `core/outputs.ts`). The same class runs in the local command's worker threads and
 * in the Lambda batch host, so a row scores the same everywhere it is scored.
 *
 * A row the runtime refuses goes to the rejected output with its line and the reason a 400 would give; the rest of
 * its chunk is still scored. Only the refused rows are taken out: the preparer names each bad instance, so one
 * bad row costs one more prepare of the chunk, not a row-by-row retry.
 */
import { CsvError, parseCsv } from '../core/csv';
import { formatProblem, InvalidInputError } from '../core/invalid-input';
import type { Manifest } from '../core/manifest';
import type { Preparer } from '../core/prepare';
import type { InputProblem, LoadedModel, Prediction } from '../core/types';
import { parseJson, isJsonObject } from '../serving/bodies';
import { HttpError } from '../serving/errors';
import { csvOutputRow, jsonOutputRow, rejectedRow, type BatchLayout } from './batch-layout';

/** Consecutive data records of the input, with the row number of the first. */
export interface RecordChunk {
  readonly records: readonly string[];
  /** File line each record starts on. */
  readonly lines: readonly number[];
  /** Row number (1-based, data rows) of `records[0]`. */
  readonly firstRow: number;
}

/** A scored chunk: output and rejected rows already formatted, in input order. */
export interface ScoredChunk {
  readonly output: string;
  readonly rejected: string;
  readonly rows: number;
  readonly rejectedRows: number;
}

/** A parsed row: what the model gets, what passes through, or why it was refused. */
type ParsedRow =
  | { readonly instance: unknown; readonly kept: Readonly<Record<string, unknown>> }
  | { readonly reason: string };

/** Sets an own property, also for "__proto__" (a legal feature and column name), which `=` would not. */
function put(target: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A refused row's reason: its problems as a 400 would word them, without the batch position. */
function reasonOf(problems: readonly InputProblem[]): string {
  return problems.map((problem) => formatProblem({ ...problem, instance: -1 })).join('; ');
}

/** A CSV problem's reason, without the line inside the chunk (the rejected row carries the file's line). */
function csvReason(problem: InputProblem): string {
  const value = problem.value.replace(/^line \d+: /, '').replace(/ \(line \d+\)$/, '');
  return problem.field === '(csv)' ? `(csv): ${value}; ${problem.allowed}` : reasonOf([{ ...problem, value }]);
}

export class ChunkScorer {
  private readonly manifest: Manifest;
  private readonly features: ReadonlySet<string>;
  private readonly textCells: boolean;

  constructor(
    private readonly model: LoadedModel,
    private readonly preparer: Preparer,
    private readonly layout: BatchLayout,
  ) {
    this.manifest = preparer.manifest;
    this.features = new Set(preparer.featureNames);
    this.textCells = layout.format === 'csv';
  }

  async score(chunk: RecordChunk): Promise<ScoredChunk> {
    const parsed = this.layout.format === 'csv' ? this.parseCsvRows(chunk.records) : chunk.records.map((r) => this.parseJsonRow(r));
    const indices: number[] = [];
    const instances: unknown[] = [];
    parsed.forEach((row, i) => {
      if ('instance' in row) {
        indices.push(i);
        instances.push(row.instance);
      }
    });
    const results: (Prediction | string)[] = parsed.map((row) => ('reason' in row ? row.reason : ''));
    const predicted = instances.length === 0 ? [] : await this.predict(instances);
    predicted.forEach((result, k) => (results[indices[k]] = result));
    let output = '';
    let rejected = '';
    let rejectedRows = 0;
    results.forEach((result, i) => {
      const row = chunk.firstRow + i;
      if (typeof result === 'string') {
        rejected += rejectedRow(row, chunk.lines[i], result);
        rejectedRows++;
        return;
      }
      const kept = (parsed[i] as { kept: Readonly<Record<string, unknown>> }).kept;
      output += this.textCells
        ? csvOutputRow(row, Object.values(kept) as string[], result, this.manifest)
        : jsonOutputRow(row, kept, result);
    });
    return { output, rejected, rows: chunk.records.length, rejectedRows };
  }

  /** Predictions for the instances; a refused instance gets its reason instead. */
  private async predict(instances: readonly unknown[]): Promise<(Prediction | string)[]> {
    try {
      return await this.model.predict(this.preparer.prepare(instances, { textCells: this.textCells }));
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const byInstance = new Map<number, InputProblem[]>();
      for (const problem of error.problems) byInstance.set(problem.instance, [...(byInstance.get(problem.instance) ?? []), problem]);
      if (instances.length === 1) return [reasonOf(error.problems)];
      // Every problem is known and each names its instance: take those out and score the rest in one go.
      if (error.problemCount === error.problems.length && !byInstance.has(-1)) {
        const good = instances.map((_, i) => i).filter((i) => !byInstance.has(i));
        const scored = good.length === 0 ? [] : await this.predict(good.map((i) => instances[i]));
        const results: (Prediction | string)[] = instances.map((_, i) => reasonOf(byInstance.get(i) ?? []));
        good.forEach((i, k) => (results[i] = scored[k]));
        return results;
      }
      const half = Math.ceil(instances.length / 2);
      return [...(await this.predict(instances.slice(0, half))), ...(await this.predict(instances.slice(half)))];
    }
  }

  private parseCsvRows(records: readonly string[]): ParsedRow[] {
    let cells: Record<string, string>[];
    const header = this.layout.header;
    try {
      cells = parseCsv(`${header === undefined ? '' : `${header}\n`}${records.join('\n')}\n`, this.manifest);
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      if (records.length === 1) return [{ reason: csvReason(error.problems[0]) }];
      return records.flatMap((record) => this.parseCsvRows([record]));
    }
    if (cells.length !== records.length) {
      // Only a record holding nothing parses as no row; blank lines are skipped before this.
      return records.flatMap((record) => (records.length === 1 ? [{ reason: '(instance): an empty row is not allowed; expected one cell per column' }] : this.parseCsvRows([record])));
    }
    return cells.map((row) => this.split(row));
  }

  private parseJsonRow(record: string): ParsedRow {
    let value: unknown;
    try {
      value = parseJson(record);
    } catch (error) {
      if (error instanceof HttpError) return { reason: error.message };
      throw error;
    }
    if (Array.isArray(value)) return { instance: value, kept: {} };
    if (!isJsonObject(value)) {
      return { reason: `(instance): ${JSON.stringify(value)} is not allowed; expected an object keyed by feature name or an array in feature order` };
    }
    return this.split(value);
  }

  /** The features go to the model; the kept columns pass through. */
  private split(row: Readonly<Record<string, unknown>>): ParsedRow {
    const instance: Record<string, unknown> = {};
    const kept: Record<string, unknown> = {};
    for (const name of Object.keys(row)) if (this.features.has(name)) put(instance, name, row[name]);
    if (this.layout.keep === undefined) {
      for (const name of Object.keys(row)) if (!this.features.has(name)) put(kept, name, row[name]);
    } else {
      for (const name of this.layout.keep) put(kept, name, Object.hasOwn(row, name) ? row[name] : this.textCells ? '' : null);
    }
    return { instance, kept };
  }
}
