/**
 * `evaluation.json`, written next to the model: what was evaluated (model and data by SHA-256), the metrics, the
 * slices, the thresholds, the baselines, the verdict, the tool and the time. The promotion gate reads it at synth
 * without re-running the model; the monitoring work reads `predictionDistribution`.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EvaluationError } from './evaluation-error';
import type { MetricName, Metrics } from './metric-names';
import type { PredictionDistribution } from './prediction-distribution';
import type { RegressionPoint } from './regression-metrics';
import type { RejectedRows } from './rejected-rows';
import type { Verdict } from './verdict';

/** The file name next to `model.onnx`. */
export const EVALUATION_FILE = 'evaluation.json';
/** The report's file name next to `model.onnx`. */
export const REPORT_FILE = 'evaluation.html';
export const EVALUATION_SCHEMA_VERSION = 1;

export interface EvaluatedSlice {
  readonly rows: number;
  readonly metrics: Metrics;
}

export interface EvaluationRecord {
  readonly schemaVersion: typeof EVALUATION_SCHEMA_VERSION;
  readonly tool: { readonly name: 'modelstack'; readonly version: string };
  /** ISO 8601; the only field that changes when the same model is evaluated on the same data again. */
  readonly createdAt: string;
  readonly model: {
    readonly name: string;
    readonly version: string;
    readonly task: string;
    /** SHA-256 (hex) of `model.onnx`, as the stack and the runtime compute it. */
    readonly sha256: string;
  };
  readonly data: {
    /** Path of the labelled CSV, relative to the model directory (`/`-separated). */
    readonly file: string;
    readonly sha256: string;
    readonly target: string;
    /** Data rows in the file. */
    readonly rows: number;
    /** Rows the model predicted (rows minus rejected). */
    readonly evaluatedRows: number;
  };
  readonly labels?: readonly string[];
  readonly positiveLabel?: string;
  /** The metric baselines and ranking use. */
  readonly keyMetric: MetricName;
  readonly metrics: Metrics;
  readonly predictionDistribution: PredictionDistribution;
  readonly rejected: RejectedRows;
  /** Slice column -> value -> metrics, for `--slice-by` and the manifest's `evaluation.slices`. */
  readonly slices: Readonly<Record<string, Readonly<Record<string, EvaluatedSlice>>>>;
  /** The requirements as declared, with defaults applied. */
  readonly thresholds: {
    readonly minimum: Readonly<Record<string, number>>;
    readonly minimumPerClass: Readonly<Record<string, Readonly<Record<string, number>>>>;
    /** A multi-output regression's floors per target. */
    readonly minimumPerTarget?: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly slices: Readonly<Record<string, unknown>>;
    readonly tolerance: number;
    readonly maxRejectedShare: number;
  };
  readonly baselines: {
    readonly trivial: { readonly description: string; readonly source: string; readonly metrics: Metrics };
    readonly previous?: { readonly source: string; readonly modelSha256: string; readonly metrics: Metrics };
  };
  /** Regression only: actual and predicted values for the plots (at most 2,000 rows, evenly spaced). */
  readonly points?: readonly RegressionPoint[];
  /** A multi-output regression: the plots' rows per target. */
  readonly targetPoints?: Readonly<Record<string, readonly RegressionPoint[]>>;
  readonly verdict: Verdict;
}

/** SHA-256 (hex) of a file, streamed. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes the record as indented JSON with a trailing newline. */
export async function writeEvaluation(path: string, record: EvaluationRecord): Promise<void> {
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Reads an `evaluation.json`.
 * @throws EvaluationError when it cannot be read, is not JSON, or is not an evaluation of this schema version
 */
export async function readEvaluation(path: string): Promise<EvaluationRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EvaluationError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new EvaluationError(`${path}: is not valid JSON (${(error as Error).message})`);
  }
  const record = json as Partial<EvaluationRecord> | null;
  if (record === null || typeof record !== 'object' || record.schemaVersion !== EVALUATION_SCHEMA_VERSION) {
    throw new EvaluationError(`${path}: schemaVersion is ${JSON.stringify(record?.schemaVersion)}; expected ${EVALUATION_SCHEMA_VERSION} (an evaluation.json written by modelstack evaluate)`);
  }
  const missing = (['model', 'data', 'metrics', 'verdict', 'keyMetric'] as const).filter((key) => record[key] === undefined);
  if (missing.length > 0) throw new EvaluationError(`${path}: lacks ${missing.join(', ')}; re-run modelstack evaluate`);
  return record as EvaluationRecord;
}

/**
 * The prediction distribution of a model directory's `evaluation.json` (the monitoring drift band is set around
 * it), or undefined when the model has not been evaluated.
 */
export async function readPredictionDistribution(modelDirectory: string): Promise<PredictionDistribution | undefined> {
  const path = join(modelDirectory, EVALUATION_FILE);
  if (!existsSync(path)) return undefined;
  return (await readEvaluation(path)).predictionDistribution;
}
