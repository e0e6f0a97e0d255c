/**
 * `modelstack compare <model-dir> <model-dir> ... --data file.csv [--metric f1]`: evaluates every candidate on the
 * same data with the runtime's own code path, ranks them on one metric, prints the ranking and writes one HTML
 * report with the candidates side by side. Nothing is written next to the models.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { compareModels } from '../../lib/evaluation/compare';
import { renderReport } from '../../lib/evaluation/html-report';
import type { CliContext } from '../cli-contract';
import { progressReporter } from './progress';

interface CompareOptions {
  readonly data: string;
  readonly metric?: string;
  readonly target?: string;
  readonly sliceBy: string[];
  readonly report: string;
  readonly json?: string;
}

export function compareCommand(context: CliContext): Command {
  return new Command('compare')
    .description('Evaluate several candidate models on the same labelled data, rank them and write one report')
    .argument('<model-dirs...>', 'two or more directories holding model.json and model.onnx')
    .requiredOption('--data <file.csv>', 'labelled CSV every candidate is evaluated on')
    .option('--metric <name>', 'metric to rank by, e.g. macroF1, accuracy, rocAuc, logLoss, rmse (default: the first candidate\'s key metric); f1 means macroF1')
    .option('--target <column>', "the target column of --data (default: each candidate's evaluation.target)")
    .option('--slice-by <column>', 'report every metric per value of this column (repeatable)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--report <file.html>', 'where to write the report', 'comparison.html')
    .option('--json <file.json>', 'also write the ranking and every evaluation as JSON')
    .action(async (dirs: string[], options: CompareOptions) => {
      if (dirs.length < 2) throw new InvalidArgumentError('compare needs at least two model directories.');
      const progress = progressReporter(context, 'comparing');
      const result = await compareModels({
        modelDirs: dirs.map((d) => resolve(context.cwd, d)),
        data: resolve(context.cwd, options.data),
        ...(options.metric === undefined ? {} : { metric: options.metric }),
        ...(options.target === undefined ? {} : { target: options.target }),
        sliceBy: options.sliceBy,
        onProgress: (done, total, name) => progress.update({ done, total, detail: name }),
      });
      progress.finish();
      for (const line of result.table) context.stdout(line);
      const reportPath = resolve(context.cwd, options.report);
      await writeFile(reportPath, renderReport(result.ranked, result.metric));
      context.stdout(`wrote ${reportPath}`);
      if (options.json !== undefined) {
        const jsonPath = resolve(context.cwd, options.json);
        await writeFile(jsonPath, `${JSON.stringify({ metric: result.metric, ranking: result.ranked.map((r) => r.model), evaluations: result.ranked }, null, 2)}\n`);
        context.stdout(`wrote ${jsonPath}`);
      }
    });
}
