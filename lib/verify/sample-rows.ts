/**
 * A few rows of a model's evaluation data, as the bodies a client sends (CSV with the feature columns only, and
 * JSON instances), and the predictions the runtime makes for them offline: what the endpoint must answer.
 */
import { resolve } from 'node:path';
import { parseCsv } from '../../lambda/core/csv';
import type { Manifest } from '../../lambda/core/manifest';
import { loadModelFromDirectory } from '../../lambda/core/model';
import { createPreparer } from '../../lambda/core/prepare';
import type { Prediction } from '../../lambda/core/types';
import { readCsvBatches } from '../evaluation/csv-batches';
import { VerifyError } from './verify-error';

/** How many rows `verify` sends unless told otherwise. */
export const DEFAULT_SAMPLE_ROWS = 5;

/** The sampled rows and what the model predicts for them. */
export interface SampleRows {
  /** The data file the rows come from (absolute). */
  readonly dataPath: string;
  /** 1-based line of each row in the data file. */
  readonly lines: readonly number[];
  /** `text/csv` body: a header of the feature names, then one row per instance. */
  readonly csv: string;
  /** `application/json` body: `{"instances": [...]}` with the rows as objects keyed by feature name. */
  readonly json: string;
  /** The runtime's predictions for the rows, made offline from the model directory. */
  readonly expected: readonly Prediction[];
}

/** A CSV cell, quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A CSV cell as JSON: blank is missing, booleans and numbers are themselves, categories stay strings. */
function jsonCell(value: string, type: Manifest['input']['features'][number]['type']): unknown {
  if (value.trim() === '') return null;
  if (type === 'category') return value;
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  const number = Number(value);
  return Number.isFinite(number) ? number : value;
}

/** The first `count` rows of the manifest's evaluation data (relative to `modelDir`) with the offline predictions. */
export async function sampleRows(modelDir: string, manifest: Manifest, count: number = DEFAULT_SAMPLE_ROWS): Promise<SampleRows> {
  const data = manifest.evaluation?.data;
  if (data === undefined) {
    throw new VerifyError(`${resolve(modelDir, 'model.json')}: evaluation.data is not set; verify sends rows of the evaluation data, so name a labelled CSV there`);
  }
  const dataPath = resolve(modelDir, data);
  let batch;
  for await (const first of readCsvBatches(dataPath, count)) {
    batch = first;
    break;
  }
  if (batch === undefined) throw new VerifyError(`${dataPath} (evaluation.data) has no data rows; verify needs at least one`);
  const rows = parseCsv([batch.header, ...batch.records].join('\n'), manifest);
  const features = manifest.input.features;
  const csv = [features.map((f) => csvCell(f.name)).join(','), ...rows.map((row) => features.map((f) => csvCell(row[f.name] ?? '')).join(','))].join('\n');
  const instances = rows.map((row) => Object.fromEntries(features.map((f) => [f.name, jsonCell(row[f.name] ?? '', f.type)])));
  return { dataPath, lines: batch.lines, csv: `${csv}\n`, json: JSON.stringify({ instances }), expected: await predictOffline(modelDir, csv) };
}

/** The runtime's predictions for a CSV body, from the model directory (the same loader, preparer and session). */
export async function predictOffline(modelDir: string, csv: string): Promise<Prediction[]> {
  const model = await loadModelFromDirectory(modelDir);
  try {
    const preparer = createPreparer(model.manifest, model.signature);
    return await model.predict(preparer.prepare(parseCsv(csv, model.manifest), { textCells: true }));
  } finally {
    await model.close();
  }
}
