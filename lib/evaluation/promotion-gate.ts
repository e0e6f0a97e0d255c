/**
 * The promotion gate, checked at synth: an environment with protection "production" (or `evaluation.required`)
 * only gets a model whose `evaluation.json` exists, names this very model file and evaluation data by SHA-256,
 * and has a passing verdict. It never re-runs the model: the model's hash is already known, the data is hashed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../../lambda/core/manifest';
import type { EvaluationKeyFigures } from '../../lambda/core/evaluation-figures';
import { EVALUATION_FILE, readEvaluation, sha256OfFile, type EvaluationRecord } from './evaluation-record';
import { EvaluationError } from './evaluation-error';
import { metricValue } from './metric-names';
import { metricNamesOf } from './terminal-table';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Raised when the gate refuses an environment's model; the message says why and what to run. */
export class PromotionGateError extends CheckFailure {
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`${environment}: the promotion gate refuses this model:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PromotionGateError';
  }
}

export interface GateInput {
  readonly environment: string;
  /** Whether the gate applies (protection "production" or `evaluation.required`). */
  readonly required: boolean;
  /** The model directory as the config names it (for the command to run). */
  readonly directoryAsConfigured: string;
  /** Absolute model directory. */
  readonly modelDirectory: string;
  readonly manifest: Manifest;
  /** SHA-256 of `model.onnx`, from `inspectModelArtifact`. */
  readonly modelSha256: string;
}

/** The evaluation's key figures: for the endpoint's tags and its metadata route. */
export function keyFiguresOf(record: EvaluationRecord): EvaluationKeyFigures {
  const metrics: Record<string, number> = {};
  for (const name of metricNamesOf(record.metrics)) {
    const value = metricValue(record.metrics, name);
    if (value !== undefined) metrics[name] = value;
  }
  return {
    verdict: record.verdict.passed ? 'pass' : 'fail',
    keyMetric: record.keyMetric,
    metrics,
    rows: record.data.evaluatedRows,
    dataSha256: record.data.sha256,
    evaluatedAt: record.createdAt,
  };
}

/** Why the record does not vouch for this model and data; empty when it does. */
async function staleness(input: GateInput, record: EvaluationRecord, evaluationPath: string): Promise<string[]> {
  const problems: string[] = [];
  if (record.model.sha256 !== input.modelSha256) {
    problems.push(`${evaluationPath} is stale: it evaluated a model with SHA-256 ${record.model.sha256}, but model.onnx is ${input.modelSha256}`);
  }
  const data = input.manifest.evaluation?.data;
  if (data === undefined) {
    problems.push(`${join(input.modelDirectory, 'model.json')}: evaluation.data is not set; the gate needs the evaluation data to check the evaluation against`);
    return problems;
  }
  const dataPath = join(input.modelDirectory, data);
  if (!existsSync(dataPath)) {
    problems.push(`evaluation.data: ${dataPath} does not exist`);
    return problems;
  }
  const dataSha256 = await sha256OfFile(dataPath);
  if (record.data.sha256 !== dataSha256) {
    problems.push(`${evaluationPath} is stale: it was computed on data with SHA-256 ${record.data.sha256}, but ${data} is ${dataSha256}`);
  }
  return problems;
}

/**
 * Checks the gate for one environment. Returns the key figures of a fresh evaluation (also where the gate does
 * not apply), or undefined where there is none and the gate does not apply.
 * @throws PromotionGateError when the gate applies and the evaluation is missing, stale or failing
 */
export async function checkPromotionGate(input: GateInput): Promise<EvaluationKeyFigures | undefined> {
  const evaluationPath = join(input.modelDirectory, EVALUATION_FILE);
  const run = `run \`npm run modelstack -- evaluate ${input.directoryAsConfigured}\`, review evaluation.html, and commit evaluation.json`;
  if (!existsSync(evaluationPath)) {
    if (!input.required) return undefined;
    throw new PromotionGateError(input.environment, [`${evaluationPath} does not exist: the model has not been evaluated; ${run}`]);
  }
  let record: EvaluationRecord;
  try {
    record = await readEvaluation(evaluationPath);
  } catch (error) {
    if (!input.required || !(error instanceof EvaluationError)) throw error;
    throw new PromotionGateError(input.environment, [`${error.message}; ${run}`]);
  }
  const stale = await staleness(input, record, evaluationPath);
  if (stale.length > 0) {
    if (!input.required) return undefined;
    throw new PromotionGateError(input.environment, [...stale, `re-evaluate: ${run}`]);
  }
  if (!record.verdict.passed && input.required) {
    throw new PromotionGateError(input.environment, [
      ...record.verdict.failures.map((f) => `the evaluation failed: ${f}`),
      'improve the model (or, after review, the requirements in model.json evaluation), then ' + run,
    ]);
  }
  return keyFiguresOf(record);
}
