/**
 * `modelstack batch <model-dir> --input <file> --output <file>`: scores a CSV or JSON Lines file of any size on
 * every core with the runtime's own code path (lib/local-batch/score-file.ts).
 * `modelstack batch --env <name> s3://in s3://out`: starts the environment's batch state machine and follows it
 * (lib/batch/remote-run.ts).
 * Exits 1 when more than `--max-rejected-percent` of the rows were rejected.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { scoreFile, type BatchProgress } from '../../lib/local-batch/score-file';
import { CheckFailedError, type CliContext } from '../cli-contract';
import { progressReporter } from './progress';
import { runRemoteBatch } from './batch-remote';

interface BatchCommandOptions {
  readonly input?: string;
  readonly output?: string;
  readonly rejected?: string;
  readonly workers?: number;
  readonly keep?: string[];
  readonly maxRejectedPercent: number;
  readonly env?: string;
}

/** Default of `--max-rejected-percent`. */
export const DEFAULT_MAX_REJECTED_PERCENT = 1;

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError(`expected a whole number from 1 to 256, got ${JSON.stringify(value)}`);
  return n;
};

const percent = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError(`expected a percentage from 0 to 100, got ${JSON.stringify(value)}`);
  return n;
};

const columns = (value: string): string[] => value.split(',').map((c) => c.trim()).filter((c) => c !== '');

/** `12,345 rows, 6,789 rows/s, ETA 1m 02s`. */
export function describeProgress(p: BatchProgress): string {
  const rate = p.elapsedMs === 0 ? 0 : (p.rows * 1000) / p.elapsedMs;
  const share = p.totalBytes === 0 ? 1 : p.bytesRead / p.totalBytes;
  const etaSeconds = share <= 0 ? undefined : Math.max(0, (p.elapsedMs / 1000) * (1 / share - 1));
  const eta = etaSeconds === undefined ? '?' : `${Math.floor(etaSeconds / 60)}m ${String(Math.round(etaSeconds % 60)).padStart(2, '0')}s`;
  const rejected = p.rejectedRows > 0 ? `, ${p.rejectedRows.toLocaleString('en-US')} rejected` : '';
  return `${p.rows.toLocaleString('en-US')} rows${rejected}, ${Math.round(rate).toLocaleString('en-US')} rows/s, ETA ${eta}`;
}

/** @throws CheckFailedError when the rejected share is over the limit */
export function checkRejectedShare(rows: number, rejectedRows: number, maxPercent: number, where: string): void {
  const share = rows === 0 ? 0 : (rejectedRows / rows) * 100;
  if (share > maxPercent) {
    throw new CheckFailedError(`${rejectedRows.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows (${share.toFixed(2)} %) were rejected, more than --max-rejected-percent ${maxPercent}; the reasons are in ${where}`);
  }
}

async function runLocal(context: CliContext, modelDir: string, options: BatchCommandOptions): Promise<void> {
  const progress = progressReporter(context, 'scoring');
  const result = await scoreFile({
    modelDir: resolve(context.cwd, modelDir),
    input: resolve(context.cwd, options.input as string),
    output: resolve(context.cwd, options.output as string),
    ...(options.rejected === undefined ? {} : { rejected: resolve(context.cwd, options.rejected) }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.keep === undefined ? {} : { keep: options.keep }),
    onProgress: (p) => progress.update({ done: p.bytesRead, total: p.totalBytes, detail: describeProgress(p) }),
  });
  progress.finish();
  context.stdout(
    `scored ${result.rows.toLocaleString('en-US')} rows (${result.rejectedRows.toLocaleString('en-US')} rejected) in ${result.seconds.toFixed(1)} s, ` +
      `${Math.round(result.rowsPerSecond).toLocaleString('en-US')} rows/s on ${result.workers} worker${result.workers === 1 ? '' : 's'}`,
  );
  context.stdout(`wrote ${result.output}`);
  context.stdout(`wrote ${result.rejected}`);
  checkRejectedShare(result.rows, result.rejectedRows, options.maxRejectedPercent, result.rejected);
}

export function batchCommand(context: CliContext): Command {
  return new Command('batch')
    .description('Score a CSV or JSON Lines file on every core, or start a batch run on AWS with --env')
    .argument('<model-dir | s3://input>', 'directory holding model.json and model.onnx; with --env, the S3 input (an object or a prefix)')
    .argument('[s3://output]', 'with --env: the S3 output prefix')
    .option('--input <file>', 'CSV (.csv) or JSON Lines (.jsonl, .ndjson) to score')
    .option('--output <file>', "scored rows, in the input's format, in input order, with the row number")
    .option('--rejected <file>', 'rejected rows with their line and reason (default: <output>.rejected.jsonl)')
    .addOption(new Option('--workers <n>', 'worker threads, one onnxruntime session each').argParser(positiveInteger).default(undefined, `${availableParallelism()} (the cores)`))
    .option('--keep <columns>', 'comma-separated input columns to copy to the output (default: every column that is not a feature)', columns)
    .option('--max-rejected-percent <percent>', 'exit 1 when more rows than this are rejected', percent, DEFAULT_MAX_REJECTED_PERCENT)
    .option('--env <name>', 'run on AWS: the environment whose batch state machine scores s3://input into s3://output')
    .action(async (first: string, second: string | undefined, options: BatchCommandOptions, command: Command) => {
      const usage = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'modelstack.usage' });
      if (options.env !== undefined) {
        if (second === undefined) return usage('--env needs two arguments: s3://input s3://output');
        const counts = await runRemoteBatch(context, { environment: options.env, input: first, output: second });
        checkRejectedShare(counts.rows, counts.rejectedRows, options.maxRejectedPercent, `${second} (rejected/)`);
        return;
      }
      if (second !== undefined) return usage(`unexpected argument ${JSON.stringify(second)}; a local run takes <model-dir> --input <file> --output <file>`);
      if (options.input === undefined || options.output === undefined) return usage('a local run needs --input <file> and --output <file> (or --env <name> s3://input s3://output for a run on AWS)');
      await runLocal(context, first, options);
    });
}
