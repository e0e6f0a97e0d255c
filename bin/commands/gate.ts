/**
 * `modelstack gate <candidate-dir> (--production <dir> | --production-stack <name> --region <region>) [--out <dir>]`:
 * the pipeline's evaluation gate, runnable on a laptop. The candidate must meet its minimums and must not trail
 * the production model (a folder, or the one the production stack serves, found in the repository's history).
 * Writes evaluation.json, evaluation.html, summary.md and verdict.txt to --out; exits 1 when the gate fails.
 */
import { join, resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { Command } from 'commander';
import { runGate } from '../../lib/pipeline/gate';
import { liveModelSha256, restoreModelFromHistory, type StackReader } from '../../lib/pipeline/production-model';
import { CheckFailedError, type CliContext } from '../cli-contract';

/** What the gate command uses besides the context; tests pass their own. */
export interface GateCommandSeams {
  /** CloudFormation for a region. @default the SDK client with the default credential chain */
  readonly cloudFormation?: (region: string) => StackReader;
}

interface GateCommandOptions {
  readonly production?: string;
  readonly productionStack?: string;
  readonly region?: string;
  readonly out: string;
}

/** The production model's folder: given, restored from history by the stack's SHA-256, or none (a first release). */
async function productionDirectory(context: CliContext, seams: GateCommandSeams, candidate: string, options: GateCommandOptions, out: string): Promise<string | undefined> {
  if (options.production !== undefined) return resolve(context.cwd, options.production);
  if (options.productionStack === undefined || options.region === undefined) return undefined;
  const reader = (seams.cloudFormation ?? ((region: string) => new CloudFormationClient({ region })))(options.region);
  const sha256 = await liveModelSha256(reader, options.productionStack);
  if (sha256 === undefined) {
    context.stdout(`stack ${options.productionStack} does not exist yet: a first release, judged on its own minimums`);
    return undefined;
  }
  const directory = join(out, 'production-model');
  const commit = await restoreModelFromHistory({ modelDirectory: candidate, sha256, outDirectory: directory });
  context.stdout(`production serves ${sha256.slice(0, 12)}, model.onnx of commit ${commit.slice(0, 12)}`);
  return directory;
}

export function gateCommand(context: CliContext, seams: GateCommandSeams = {}): Command {
  return new Command('gate')
    .description("The pipeline's evaluation gate: the candidate against its minimums and against the production model, which it must not trail")
    .argument('<candidate-dir>', 'directory holding the candidate model.json and model.onnx')
    .option('--production <dir>', 'the production model folder')
    .option('--production-stack <name>', "the production stack: its ModelSha256 output names the model, found in this repository's history")
    .option('--region <region>', 'region of --production-stack')
    .option('--out <dir>', 'where the reports go', 'gate-report')
    .action(async (candidateDir: string, options: GateCommandOptions, command: Command) => {
      if (options.production !== undefined && options.productionStack !== undefined) command.error('error: --production and --production-stack cannot be used together', { exitCode: 2 });
      if ((options.productionStack === undefined) !== (options.region === undefined)) command.error('error: --production-stack and --region go together', { exitCode: 2 });
      const candidate = resolve(context.cwd, candidateDir);
      const out = resolve(context.cwd, options.out);
      // A production model that cannot be found is a failed gate (ProductionModelError: exit 1).
      const production = await productionDirectory(context, seams, candidate, options, out);
      const result = await runGate({ candidateDirectory: candidate, ...(production === undefined ? {} : { productionDirectory: production }), outDirectory: out });
      context.stdout(result.verdict);
      context.stdout(`wrote ${out}/evaluation.json, evaluation.html, summary.md, verdict.txt`);
      if (!result.passed) throw new CheckFailedError(`the gate refused ${result.record.model.name} ${result.record.model.version}:\n${result.record.verdict.failures.map((f) => `  - ${f}`).join('\n')}`);
    });
}
