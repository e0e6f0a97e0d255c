/**
 * Model selection: several candidates evaluated on the same data, ranked on one metric.
 */
import { evaluateModel, resolveKeyMetric } from './evaluate-model';
import type { EvaluationRecord } from './evaluation-record';
import { EvaluationError } from './evaluation-error';
import { rank } from './html-report';
import { metricValue, type MetricName } from './metric-names';
import { formatNumber, table } from './terminal-table';
import { readManifest } from '../../lambda/core/manifest';
import { join } from 'node:path';

/** Short names accepted by `--metric`. */
const ALIASES: Readonly<Record<string, string>> = { f1: 'macroF1', precision: 'macroPrecision', recall: 'macroRecall', auc: 'rocAuc' };

export interface CompareOptions {
  readonly modelDirs: readonly string[];
  readonly data: string;
  readonly metric?: string;
  /** The target column of `data`. @default each candidate's `evaluation.target` */
  readonly target?: string;
  /** Columns of `data` every metric is also reported by. @default none */
  readonly sliceBy?: readonly string[];
  readonly onProgress?: (done: number, total: number, name: string) => void;
  readonly now?: Date;
}

export interface Comparison {
  readonly metric: MetricName;
  /** Best first. */
  readonly ranked: readonly EvaluationRecord[];
  /** The ranking as terminal lines. */
  readonly table: readonly string[];
}

/**
 * Evaluates each candidate on `data` and ranks them.
 * @throws EvaluationError when the candidates are of different tasks or the metric is not one of theirs
 */
export async function compareModels(options: CompareOptions): Promise<Comparison> {
  const first = await readManifest(join(options.modelDirs[0], 'model.json'));
  const requested = options.metric === undefined ? undefined : ALIASES[options.metric] ?? options.metric;
  const metric = resolveKeyMetric(first, requested);
  const records: EvaluationRecord[] = [];
  for (const [i, dir] of options.modelDirs.entries()) {
    options.onProgress?.(i, options.modelDirs.length, dir);
    const record = await evaluateModel({
      modelDir: dir,
      data: options.data,
      metric,
      ...(options.target === undefined ? {} : { target: options.target }),
      ...(options.sliceBy === undefined ? {} : { sliceBy: options.sliceBy }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    if (record.metrics.task !== records[0]?.metrics.task && records.length > 0) {
      throw new EvaluationError(`${dir}: is a ${record.model.task} model; the candidates must all be ${records[0].model.task} models`);
    }
    records.push(record);
  }
  options.onProgress?.(options.modelDirs.length, options.modelDirs.length, 'done');
  const ranked = rank(records, metric);
  const lines = table(
    ['rank', 'model', metric, 'verdict'],
    ranked.map((r, i) => [String(i + 1), `${r.model.name} ${r.model.version}`, formatNumber(metricValue(r.metrics, metric)), r.verdict.passed ? 'pass' : 'FAIL']),
  );
  return { metric, ranked, table: lines };
}
