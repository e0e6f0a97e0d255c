/**
 * `modelstack evaluate <model-dir> [--data file.csv] [--target col] [--baseline <model-dir | evaluation.json>] [--slice-by col]`:
 * evaluates a model directory with the runtime's own code path, prints the tables, writes `evaluation.json` and
 * `evaluation.html` next to the model, and exits 1 when the verdict fails.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { evaluateModel, evaluationPathOf } from '../../lib/evaluation/evaluate-model';
import { REPORT_FILE, writeEvaluation } from '../../lib/evaluation/evaluation-record';
import { renderReport } from '../../lib/evaluation/html-report';
import { writeTrainingProfile } from '../../lib/evaluation/profile-file';
import { formatEvaluation } from '../../lib/evaluation/terminal-table';
import { readManifest } from '../../lambda/core/manifest';
import { CheckFailedError, type CliContext } from '../cli-contract';
import { progressReporter } from './progress';

interface EvaluateCommandOptions {
  readonly data?: string;
  readonly target?: string;
  readonly baseline?: string;
  readonly sliceBy: string[];
  readonly metric?: string;
  readonly report: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function evaluateCommand(context: CliContext): Command {
  return new Command('evaluate')
    .description('Evaluate a model on labelled data with the runtime itself; write evaluation.json and evaluation.html next to it')
    .argument('<model-dir>', 'directory holding model.json and model.onnx')
    .option('--data <file.csv>', "labelled CSV (default: the manifest's evaluation.data)")
    .option('--target <column>', "the target column of the data (default: the manifest's evaluation.target; a multi-output regression: its output.targets)")
    .option('--baseline <model-dir|evaluation.json>', "the model this one replaces, evaluated on the same data (default: the manifest's evaluation.baseline)")
    .option('--slice-by <column>', 'report every metric per value of this column (repeatable)', collect, [])
    .option('--metric <name>', "key metric for the baselines (default: the manifest's evaluation.metric, else macroF1 / rmse)")
    .option('--no-report', 'do not write evaluation.html')
    .action(async (modelDir: string, options: EvaluateCommandOptions) => {
      const dir = resolve(context.cwd, modelDir);
      const progress = progressReporter(context, 'evaluating');
      const record = await evaluateModel({
        modelDir: dir,
        ...(options.data === undefined ? {} : { data: resolve(context.cwd, options.data) }),
        ...(options.target === undefined ? {} : { target: options.target }),
        ...(options.baseline === undefined ? {} : { baseline: resolve(context.cwd, options.baseline) }),
        ...(options.metric === undefined ? {} : { metric: options.metric }),
        sliceBy: options.sliceBy,
        onProgress: (p) => progress.update({ done: p.bytesRead, total: p.totalBytes, detail: `${p.rows.toLocaleString('en-US')} rows` }),
      });
      progress.finish();
      for (const line of formatEvaluation(record)) context.stdout(line);
      const jsonPath = evaluationPathOf(dir);
      await writeEvaluation(jsonPath, record);
      context.stdout(`wrote ${jsonPath}`);
      const profilePath = await writeTrainingProfile(dir, await readManifest(join(dir, 'model.json')));
      if (profilePath !== undefined) context.stdout(`wrote ${profilePath}`);
      if (options.report) {
        const htmlPath = join(dir, REPORT_FILE);
        await writeFile(htmlPath, renderReport([record]));
        context.stdout(`wrote ${htmlPath}`);
      }
      if (!record.verdict.passed) {
        throw new CheckFailedError(`the evaluation of ${record.model.name} failed:\n${record.verdict.failures.map((f) => `  - ${f}`).join('\n')}`);
      }
    });
}
