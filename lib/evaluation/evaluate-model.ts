/**
 * `modelstack evaluate` as a library: loads a model directory with the runtime's loader, streams the labelled data
 * through it, computes the metrics, slices and baselines, and decides the verdict. Deterministic except for
 * `createdAt`.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { readManifest, type Manifest } from '../../lambda/core/manifest';
import { loadModelFromDirectory } from '../../lambda/core/model';
import { createPreparer } from '../../lambda/core/prepare';
import type { Prediction } from '../../lambda/core/types';
import { PACKAGE_VERSION as toolVersion } from '../package-root';
import { EvaluationError } from './evaluation-error';
import { EVALUATION_FILE, EVALUATION_SCHEMA_VERSION, readEvaluation, sha256OfFile, type EvaluatedSlice, type EvaluationRecord } from './evaluation-record';
import { defaultKeyMetric, isMetricName, metricsOfTask, type MetricName, type Metrics } from './metric-names';
import { distributionOf } from './prediction-distribution';
import type { RegressionPoint } from './regression-metrics';
import { labelsOf, metricsOf, positiveLabelOf } from './scored-metrics';
import { scoreData, type EvaluationProgress, type ScoredData } from './streaming-evaluator';
import { constantPrediction, readTargets, trivialBaseline } from './trivial-baseline';
import { verdictOf } from './verdict';

/** Default of `evaluation.tolerance`. */
export const DEFAULT_TOLERANCE = 0.01;
/** Default of `evaluation.maxRejectedShare`: every row of a curated evaluation set must be accepted. */
export const DEFAULT_MAX_REJECTED_SHARE = 0;
/** Regression rows kept for the plots. */
export const MAX_PLOT_POINTS = 2000;

export interface EvaluateOptions {
  /** Directory with `model.json` and `model.onnx` (absolute, or relative to the process). */
  readonly modelDir: string;
  /** The labelled CSV. @default the manifest's `evaluation.data`, relative to the model directory */
  readonly data?: string;
  /** The target column. @default the manifest's `evaluation.target` */
  readonly target?: string;
  /** The previous model: a model directory or its evaluation.json. @default the manifest's `evaluation.baseline` */
  readonly baseline?: string;
  /** Columns to report every metric for, per value (added to the manifest's `evaluation.slices`). */
  readonly sliceBy?: readonly string[];
  /** The key metric. @default the manifest's `evaluation.metric`, else macroF1 / rmse */
  readonly metric?: string;
  readonly batchSize?: number;
  readonly onProgress?: (progress: EvaluationProgress) => void;
  /** @default new Date() */
  readonly now?: Date;
}

const toPosix = (path: string): string => path.split(sep).join('/');

function taskKind(manifest: Manifest): 'classification' | 'regression' {
  return manifest.task === 'regression' ? 'regression' : 'classification';
}

/** Resolves the key metric and refuses one the model does not have, naming the allowed ones. */
export function resolveKeyMetric(manifest: Manifest, requested: string | undefined): MetricName {
  const allowed = metricsOfTask(taskKind(manifest), manifest.task === 'binary-classification');
  const name = requested ?? manifest.evaluation?.metric ?? defaultKeyMetric(taskKind(manifest));
  if (!isMetricName(name) || !allowed.includes(name)) {
    throw new EvaluationError(`metric: "${name}" is not a metric of this ${manifest.task} model; expected one of ${allowed.join(', ')}`);
  }
  return name;
}

/** Scores a model directory on a data file: the runtime's loader, preparer and predict. */
export async function scoreModel(modelDir: string, dataPath: string, target: string, options: Pick<EvaluateOptions, 'sliceBy' | 'batchSize' | 'onProgress'> = {}): Promise<{ manifest: Manifest; sha256: string; scored: ScoredData }> {
  const model = await loadModelFromDirectory(modelDir);
  try {
    const preparer = createPreparer(model.manifest);
    const scored = await scoreData(dataPath, preparer, model, { target, ...options });
    return { manifest: model.manifest, sha256: model.sha256, scored };
  } finally {
    await model.close();
  }
}

function slicesOf(manifest: Manifest, scored: ScoredData): Record<string, Record<string, EvaluatedSlice>> {
  const result: Record<string, Record<string, EvaluatedSlice>> = {};
  for (const [column, values] of Object.entries(scored.slices)) {
    const rowsOf = new Map<string, number[]>();
    values.forEach((value, row) => rowsOf.set(value, [...(rowsOf.get(value) ?? []), row]));
    const sorted = [...rowsOf.keys()].sort();
    result[column] = Object.fromEntries(
      sorted.map((value) => {
        const rows = rowsOf.get(value) ?? [];
        // Macro figures over the labels present in the slice, so a one-class slice is judged on its class.
        const metrics = metricsOf(manifest, rows.map((r) => scored.truth[r]), rows.map((r) => scored.predictions[r]), 'present');
        return [value, { rows: rows.length, metrics }];
      }),
    );
  }
  return result;
}

function plotPoints(scored: ScoredData): RegressionPoint[] {
  const n = scored.predictions.length;
  const rows = n <= MAX_PLOT_POINTS ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: MAX_PLOT_POINTS }, (_, i) => Math.floor((i * n) / MAX_PLOT_POINTS));
  return rows.flatMap((row) => {
    const p: Prediction = scored.predictions[row];
    return 'value' in p ? [{ actual: Number(scored.truth[row]), predicted: p.value }] : [];
  });
}

async function previousMetrics(source: string, dataPath: string, dataSha256: string, target: string): Promise<{ source: string; modelSha256: string; metrics: Metrics }> {
  if (source.endsWith('.json')) {
    const record = await readEvaluation(source);
    if (record.data.sha256 !== dataSha256) {
      throw new EvaluationError(
        `baseline: ${source} was computed on other data (data SHA-256 ${record.data.sha256}, this data ${dataSha256}); ` +
          'pass the previous model directory instead so it is evaluated on the same data',
      );
    }
    return { source, modelSha256: record.model.sha256, metrics: record.metrics };
  }
  const { manifest, sha256, scored } = await scoreModel(source, dataPath, target);
  return { source, modelSha256: sha256, metrics: metricsOf(manifest, scored.truth, scored.predictions) };
}

/** Evaluates the model directory and returns the record to write as `evaluation.json` (the caller writes it). */
export async function evaluateModel(options: EvaluateOptions): Promise<EvaluationRecord> {
  const modelDir = resolve(options.modelDir);
  const evaluation = (await readManifest(join(modelDir, 'model.json'))).evaluation;
  const dataPath = options.data !== undefined ? resolve(options.data) : evaluation?.data !== undefined ? join(modelDir, evaluation.data) : undefined;
  if (dataPath === undefined) throw new EvaluationError(`${join(modelDir, 'model.json')}: evaluation.data is not set; pass --data <file.csv>`);
  if (!existsSync(dataPath) || !statSync(dataPath).isFile()) throw new EvaluationError(`data: ${dataPath} is not a file`);
  const target = options.target ?? evaluation?.target;
  if (target === undefined) throw new EvaluationError(`${join(modelDir, 'model.json')}: evaluation.target is not set; name the target column there`);
  const sliceBy = [...new Set([...Object.keys(evaluation?.slices ?? {}), ...(options.sliceBy ?? [])])];
  const { manifest, sha256, scored } = await scoreModel(modelDir, dataPath, target, { sliceBy, batchSize: options.batchSize, onProgress: options.onProgress });
  const keyMetric = resolveKeyMetric(manifest, options.metric);
  const dataSha256 = await sha256OfFile(dataPath);
  const metrics = metricsOf(manifest, scored.truth, scored.predictions);

  const trainingPath = evaluation?.training === undefined ? undefined : join(modelDir, evaluation.training);
  const constant = trainingPath === undefined
    ? constantPrediction(manifest, scored.truth.map(String), dataPath)
    : constantPrediction(manifest, await readTargets(trainingPath, manifest, target), trainingPath);
  const trivial = trivialBaseline(manifest, constant, scored.truth, toPosix(relative(modelDir, trainingPath ?? dataPath)));

  const baselineSource = options.baseline !== undefined ? resolve(options.baseline) : evaluation?.baseline !== undefined ? resolve(modelDir, evaluation.baseline) : undefined;
  const previous = baselineSource === undefined ? undefined : await previousMetrics(baselineSource, dataPath, dataSha256, target);
  const tolerance = evaluation?.tolerance ?? DEFAULT_TOLERANCE;
  const maxRejectedShare = evaluation?.maxRejectedShare ?? DEFAULT_MAX_REJECTED_SHARE;
  const slices = slicesOf(manifest, scored);
  const verdict = verdictOf({
    manifest,
    metrics,
    keyMetric,
    trivialMetrics: trivial.metrics,
    slices: Object.fromEntries(Object.entries(slices).map(([column, values]) => [column, Object.fromEntries(Object.entries(values).map(([v, s]) => [v, s.metrics]))])),
    ...(previous === undefined ? {} : { previous: { metrics: previous.metrics, tolerance } }),
    rejectedShare: scored.rejected.share,
    maxRejectedShare,
  });
  const labels = labelsOf(manifest);
  const positiveLabel = positiveLabelOf(manifest);
  return {
    schemaVersion: EVALUATION_SCHEMA_VERSION,
    tool: { name: 'modelstack', version: toolVersion },
    createdAt: (options.now ?? new Date()).toISOString(),
    model: { name: manifest.name, version: manifest.version, task: manifest.task, sha256 },
    data: { file: toPosix(relative(modelDir, dataPath)), sha256: dataSha256, target, rows: scored.totalRows, evaluatedRows: scored.predictions.length },
    ...(labels === undefined ? {} : { labels }),
    ...(positiveLabel === undefined ? {} : { positiveLabel }),
    keyMetric,
    metrics,
    predictionDistribution: distributionOf(scored.predictions, labels),
    rejected: scored.rejected,
    slices,
    thresholds: {
      minimum: evaluation?.minimum ?? {},
      minimumPerClass: evaluation?.minimumPerClass ?? {},
      slices: evaluation?.slices ?? {},
      tolerance,
      maxRejectedShare,
    },
    baselines: {
      trivial: { description: trivial.description, source: trivial.source, metrics: trivial.metrics },
      ...(previous === undefined ? {} : { previous: { ...previous, source: toPosix(isAbsolute(previous.source) ? relative(modelDir, previous.source) : previous.source) } }),
    },
    ...(manifest.task === 'regression' ? { points: plotPoints(scored) } : {}),
    verdict,
  };
}

/** Where `evaluate` writes its record for a model directory. */
export function evaluationPathOf(modelDir: string): string {
  return join(resolve(modelDir), EVALUATION_FILE);
}
