/**
 * `modelstack new <dir> [--model model.onnx --data train.csv --target column [--test test.csv]]`: a CDK project
 * of its own for a model, depending on the modelstack package. A thin wrapper over `lib/scaffold`.
 */
import { relative, resolve } from 'node:path';
import { Command } from 'commander';
import { formatInitReport } from '../../lib/init/init-report';
import { scaffoldProject } from '../../lib/scaffold/scaffold';
import type { CliContext } from '../cli-contract';

interface NewCommandOptions {
  readonly model?: string;
  readonly data?: string;
  readonly target?: string;
  readonly test?: string;
  readonly modelstack?: string;
}

export function newCommand(context: CliContext): Command {
  return new Command('new')
    .description('Create a CDK project for a model: typed environments (dev, prod), cdk.json, a model folder, a README and a CI workflow')
    .argument('<dir>', 'the new project folder (new or empty)')
    .option('--model <model.onnx>', 'the ONNX model to put in the model folder (init writes its model.json)')
    .option('--data <train.csv>', 'training CSV for init (header row of column names)')
    .option('--target <column>', 'the target column of --data (and of --test)')
    .option('--test <test.csv>', 'held-out CSV to evaluate the model on (default: --data)')
    .option('--modelstack <spec>', "the modelstack dependency in package.json, e.g. a tarball (default: ^ this CLI's version)")
    .action(async (dir: string, options: NewCommandOptions) => {
      const at = (path: string | undefined) => (path === undefined ? undefined : resolve(context.cwd, path));
      const result = await scaffoldProject({
        directory: resolve(context.cwd, dir),
        model: at(options.model),
        data: at(options.data),
        target: options.target,
        test: at(options.test),
        modelstackSpec: options.modelstack,
      });
      if (result.init !== undefined) for (const line of formatInitReport(result.init, context.cwd)) context.stdout(line);
      const shown = relative(context.cwd, result.directory) || '.';
      context.stdout(`created ${shown}: ${result.written.join(', ')}`);
      for (const note of result.notes) context.stdout(`note: ${note}`);
      context.stdout('next:');
      for (const command of [`cd ${shown}`, 'npm install', 'npx cdk synth', 'npx modelstack estimate']) context.stdout(`  ${command}`);
    });
}
