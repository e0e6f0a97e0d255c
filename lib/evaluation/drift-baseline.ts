/**
 * The prediction baseline that drift alarms are centred on, derived at synth from the model itself, never typed
 * in: `evaluation.json`'s `predictionDistribution` when `modelstack evaluate` has written one next to the model,
 * otherwise the model run (with the runtime's own preparation) over the manifest's `evaluation.data` CSV.
 * Called by `bin/build.ts`; constructs receive the result and read no files.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseCsv } from '../../lambda/core/csv';
import { describeIssues } from '../../lambda/core/issues';
import { regressionTargets, type Manifest } from '../../lambda/core/manifest';
import { loadModelFromDirectory } from '../../lambda/core/model';
import { createPreparer } from '../../lambda/core/prepare';
import type { PredictionBaseline } from '../monitoring/drift';
import { distributionOf, type PredictionDistribution } from './prediction-distribution';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Name of the evaluation report `modelstack evaluate` writes next to the model. */
export const EVALUATION_REPORT_FILE = 'evaluation.json';

/** Raised when the evaluation data or report cannot give a baseline; names the file and what is wrong. */
export class DriftBaselineError extends CheckFailure {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`cannot derive the prediction baseline from ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DriftBaselineError';
  }
}

const share = z.number().min(0).max(1);
const DistributionSchema = z.discriminatedUnion('task', [
  z.strictObject({ task: z.literal('classification'), rows: z.number().int().min(1), labelShares: z.record(z.string(), share) }),
  z.strictObject({
    task: z.literal('regression'),
    rows: z.number().int().min(1),
    mean: z.number(),
    std: z.number().min(0),
    perTarget: z.record(z.string(), z.strictObject({ mean: z.number(), std: z.number().min(0) })).optional(),
  }),
]);
const ReportSchema = z.looseObject({ predictionDistribution: DistributionSchema.optional() });

/**
 * The baseline of the model in `modelDirectory` (with `model.onnx`, `model.json` and its evaluation data), or
 * `undefined` when there is neither an evaluation report with a distribution nor evaluation data. `dataDirectory`
 * is where the manifest's `evaluation.data` is read when it is not beside the model (a production model restored
 * from history holds only `model.onnx` and `model.json`: it runs on the candidate's data).
 * @throws DriftBaselineError when the report or the data is unusable
 */
export async function predictionBaseline(modelDirectory: string, manifest: Manifest, dataDirectory = modelDirectory): Promise<PredictionBaseline | undefined> {
  const reportPath = join(modelDirectory, EVALUATION_REPORT_FILE);
  if (existsSync(reportPath)) {
    const distribution = await distributionFromReport(reportPath, manifest);
    if (distribution !== undefined) return { distribution, source: `${EVALUATION_REPORT_FILE} (${distribution.rows} rows)` };
  }
  const evaluation = manifest.evaluation;
  if (evaluation === undefined) return undefined;
  const dataPath = resolve(dataDirectory, evaluation.data);
  const distribution = await distributionOnData(modelDirectory, dataPath, evaluation.target);
  return { distribution, source: `model.onnx on ${evaluation.data} (${distribution.rows} rows)` };
}

/** The labels a distribution must cover: the manifest's (classification), none (regression). */
function labelsOf(manifest: Manifest): readonly string[] | undefined {
  return manifest.task === 'regression' ? undefined : manifest.output.labels;
}

async function distributionFromReport(reportPath: string, manifest: Manifest): Promise<PredictionDistribution | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(reportPath, 'utf8'));
  } catch (error) {
    throw new DriftBaselineError(reportPath, [`must be JSON (${(error as Error).message})`]);
  }
  const parsed = ReportSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new DriftBaselineError(reportPath, describeIssues(parsed.error.issues, json));
  const distribution = parsed.data.predictionDistribution;
  if (distribution === undefined) return undefined;
  const labels = labelsOf(manifest);
  const expected = labels === undefined ? 'regression' : 'classification';
  if (distribution.task !== expected) {
    throw new DriftBaselineError(reportPath, [`predictionDistribution.task: "${distribution.task}" does not fit the manifest's task "${manifest.task}"; expected "${expected}"`]);
  }
  const targets = regressionTargets(manifest);
  if (distribution.task === 'regression') {
    const got = Object.keys(distribution.perTarget ?? {});
    const want = targets ?? [];
    if (got.join('\n') !== want.join('\n')) {
      throw new DriftBaselineError(reportPath, [
        `predictionDistribution.perTarget: has ${got.length === 0 ? 'no targets' : `targets ${got.join(', ')}`}; the manifest's output.targets are ${want.length === 0 ? 'not set (one output)' : want.join(', ')}; re-run modelstack evaluate`,
      ]);
    }
  }
  if (distribution.task === 'classification' && labels !== undefined) {
    const got = Object.keys(distribution.labelShares).sort();
    const want = [...labels].sort();
    const total = Object.values(distribution.labelShares).reduce((sum, p) => sum + p, 0);
    const problems: string[] = [];
    if (got.join('\n') !== want.join('\n')) problems.push(`predictionDistribution.labelShares: labels ${got.join(', ')} must be the manifest's labels ${want.join(', ')}`);
    if (Math.abs(total - 1) > 1e-6) problems.push(`predictionDistribution.labelShares: shares sum to ${total}; expected 1`);
    if (problems.length > 0) throw new DriftBaselineError(reportPath, problems);
  }
  return distribution;
}

/** Runs the model over the labelled CSV (without its target column) and summarises its predictions. */
async function distributionOnData(modelDirectory: string, dataPath: string, target: string): Promise<PredictionDistribution> {
  let text: string;
  try {
    text = await readFile(dataPath, 'utf8');
  } catch (error) {
    throw new DriftBaselineError(dataPath, [`must be a readable CSV named by the manifest's evaluation.data (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const model = await loadModelFromDirectory(modelDirectory);
  try {
    const manifest = model.manifest;
    let records: Record<string, string>[];
    try {
      records = parseCsv(text, manifest);
    } catch (error) {
      throw new DriftBaselineError(dataPath, [(error as Error).message]);
    }
    if (records.length === 0) throw new DriftBaselineError(dataPath, ['must hold at least one row besides its header']);
    const targets = regressionTargets(manifest) ?? [target];
    const missing = targets.find((t) => !(t in records[0]));
    if (missing !== undefined) throw new DriftBaselineError(dataPath, [`must have the target column "${missing}" (the manifest's evaluation.target) in its header`]);
    const instances = records.map((record) => Object.fromEntries(Object.entries(record).filter(([column]) => !targets.includes(column))));
    let batch;
    try {
      batch = createPreparer(manifest).prepare(instances, { textCells: true });
    } catch (error) {
      throw new DriftBaselineError(dataPath, [(error as Error).message]);
    }
    return distributionOf(await model.predict(batch), labelsOf(manifest), regressionTargets(manifest));
  } finally {
    await model.close();
  }
}
