/**
 * `modelstack init <model.onnx> [--data train.csv --target column] [--out dir] [--force] [--name n] [--version v] [--task t]`:
 * writes `model.json` for a model (rewriting a ZipMap into a tensor output), and prints what it guessed and what
 * to review. A thin wrapper over `lib/init`.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { SpecTask } from '../../lib/init/manifest-spec';
import { runInit } from '../../lib/init/init';
import { formatInitReport } from '../../lib/init/init-report';
import type { CliContext } from '../cli-contract';

interface InitCommandOptions {
  readonly data?: string;
  readonly target?: string;
  readonly out?: string;
  readonly force?: boolean;
  readonly name?: string;
  readonly version?: string;
  readonly task?: SpecTask;
}

const TASKS: readonly SpecTask[] = ['binary-classification', 'multiclass-classification', 'regression'];

function parseTask(value: string): SpecTask {
  const task = TASKS.find((t) => t === value);
  if (task === undefined) throw new InvalidArgumentError(`expected one of ${TASKS.join(', ')}.`);
  return task;
}

export function initCommand(context: CliContext): Command {
  return new Command('init')
    .description('Write model.json for an ONNX model (and rewrite a ZipMap output); prints what it guessed and what to review')
    .argument('<model.onnx>', 'the ONNX model')
    .option('--data <train.csv>', 'training CSV (header row of column names): feature names, types, ranges, missing values, labels')
    .option('--target <column>', 'the target column of --data (the labels, or the regression target); several, comma-separated, for a multi-output regression (--target Weight,Waist,Pulse)')
    .option('--out <dir>', "directory to write model.json (and model.onnx) into (default: the model's folder)")
    .option('--force', 'overwrite an existing model.json / model.onnx')
    .option('--name <name>', "model name (default: the model's folder name)")
    .option('--version <version>', 'model version (default: 1.0.0)')
    .option('--task <task>', `what the model is, when its output alone cannot tell and there is no --target (${TASKS.join(', ')})`, parseTask)
    .action(async (model: string, options: InitCommandOptions) => {
      const at = (path: string | undefined) => (path === undefined ? undefined : resolve(context.cwd, path));
      const result = await runInit({
        model: resolve(context.cwd, model),
        ...(options.data === undefined ? {} : { data: at(options.data) }),
        ...(options.target === undefined ? {} : { target: options.target }),
        ...(options.out === undefined ? {} : { out: at(options.out) }),
        force: options.force === true,
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.version === undefined ? {} : { version: options.version }),
        ...(options.task === undefined ? {} : { task: options.task }),
      });
      for (const line of formatInitReport(result, context.cwd)) context.stdout(line);
    });
}
