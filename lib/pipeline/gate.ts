/**
 * The pipeline's evaluation gate: the candidate evaluated on its own data with the production model as the
 * previous-model baseline it must not trail (beyond the tolerance), plus its own minimums and the trivial
 * baseline. Writes the reports the approval points to: evaluation.json, evaluation.html, summary.md and
 * verdict.txt (one line, exported as a pipeline variable).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluateModel } from '../evaluation/evaluate-model';
import { writeEvaluation, type EvaluationRecord } from '../evaluation/evaluation-record';
import { renderReport } from '../evaluation/html-report';
import { metricValue } from '../evaluation/metric-names';

/** What the gate compares. */
export interface GateOptions {
  /** The candidate model folder (absolute). */
  readonly candidateDirectory: string;
  /** The production model folder (absolute). Unset: a first release, judged on its minimums alone. */
  readonly productionDirectory?: string;
  /** Where the reports go (absolute). */
  readonly outDirectory: string;
}

/** The gate's outcome. */
export interface GateResult {
  readonly passed: boolean;
  /** One line for the approval message, e.g. `passed: macroF1 0.9629 (production 0.9409)`. */
  readonly verdict: string;
  readonly record: EvaluationRecord;
}

function verdictLine(record: EvaluationRecord, production: string | undefined): string {
  const score = metricValue(record.metrics, record.keyMetric);
  const previous = record.baselines.previous === undefined ? undefined : metricValue(record.baselines.previous.metrics, record.keyMetric);
  const figure = `${record.keyMetric} ${score?.toFixed(4) ?? 'n/a'}`;
  const against = production === undefined ? 'no production model yet' : `production ${previous?.toFixed(4) ?? 'n/a'}`;
  return `${record.verdict.passed ? 'passed' : 'FAILED'}: ${figure} (${against}), ${record.model.name} ${record.model.version} sha256 ${record.model.sha256.slice(0, 12)}`;
}

function summary(record: EvaluationRecord, verdict: string): string {
  const checks = record.verdict.checks.map((c) => `| ${c.passed ? 'pass' : 'FAIL'} | ${c.subject} | ${c.actual.toFixed(4)} | ${c.comparison} ${c.required.toFixed(4)} |`);
  return ['# Evaluation gate', '', verdict, '', '| | check | actual | required |', '|---|---|---|---|', ...checks, ''].join('\n');
}

/** Runs the gate and writes its reports; the caller turns a failure into exit code 1. */
export async function runGate(options: GateOptions): Promise<GateResult> {
  const record = await evaluateModel({ modelDir: options.candidateDirectory, ...(options.productionDirectory === undefined ? {} : { baseline: options.productionDirectory }) });
  const verdict = verdictLine(record, options.productionDirectory);
  await mkdir(options.outDirectory, { recursive: true });
  await writeEvaluation(join(options.outDirectory, 'evaluation.json'), record);
  await writeFile(join(options.outDirectory, 'evaluation.html'), renderReport([record]));
  await writeFile(join(options.outDirectory, 'summary.md'), summary(record, verdict));
  await writeFile(join(options.outDirectory, 'verdict.txt'), `${verdict}\n`);
  return { passed: record.verdict.passed, verdict, record };
}
