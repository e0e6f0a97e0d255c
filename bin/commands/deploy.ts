/**
 * `modelstack deploy --env <name> [-- <cdk deploy args>]`: synthesizes the environment with the pinned CDK CLI,
 * prints its estimate, refuses when it is over budget (exit 1, unless `--allow-over-budget`), then runs
 * `cdk deploy` on that very assembly; a failed `cdk deploy` exits with cdk's exit code. After a deploy it runs
 * `modelstack verify` on the environment (unless `--no-verify`): a deployed endpoint that does not serve the model
 * fails the command (exit 1), even though CloudFormation reported success.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { deployWithEstimate } from '../../lib/deploy/deploy';
import { spawnProcess, type ProcessRunner } from '../../lib/deploy/process-runner';
import { renderReport } from '../../lib/cost/report';
import { CheckFailedError, ChildProcessExitError, type CliContext } from '../cli-contract';
import { costSetup, estimatesOf, type CostCommandOptions } from './estimate';
import { DEFAULT_SAMPLE_ROWS } from '../../lib/verify/sample-rows';
import { DEFAULT_TOLERANCE } from '../../lib/verify/compare-predictions';
import { reportVerification, verifyEnvironment, type VerifyCommandSeams } from './verify';

interface DeployCommandOptions {
  readonly env: string;
  readonly cdkOut: string;
  readonly allowOverBudget?: boolean;
  readonly freeTier?: boolean;
  readonly prices?: string;
  /** False with `--no-verify`. */
  readonly verify: boolean;
}

/**
 * What the deploy command uses besides the context: the config, the process runner and the AWS edge of the
 * verification after the deploy (both stubbed in tests).
 */
export interface DeployCommandSeams extends CostCommandOptions, VerifyCommandSeams {
  /** @default spawns the process */
  readonly run?: ProcessRunner;
}

export function deployCommand(context: CliContext, seams: DeployCommandSeams = {}): Command {
  return new Command('deploy')
    .description('Synthesize an environment, print its estimate, refuse when over budget, then cdk deploy exactly that synth')
    .requiredOption('--env <name>', 'the environment to deploy')
    .option('--cdk-out <dir>', 'where to synthesize', 'cdk.out')
    .option('--allow-over-budget', 'deploy even when the expected total exceeds the budget')
    .option('--free-tier', 'apply the AWS free tier to the estimate')
    .option('--prices <file>', 'price table to use (default: pricing/prices.json)')
    .option('--no-verify', 'do not run modelstack verify after cdk deploy')
    .argument('[cdk-args...]', 'more arguments for cdk deploy, after --, e.g. -- --require-approval never')
    .action(async (cdkArgs: string[], opts: DeployCommandOptions, command: Command) => {
      const setup = costSetup(context, command, seams, opts.env, opts.prices);
      const cdkOut = resolve(context.cwd, opts.cdkOut);
      const outcome = await deployWithEstimate({
        environment: opts.env,
        projectRoot: context.cwd,
        cdkOut,
        allowOverBudget: opts.allowOverBudget === true,
        cdkArgs,
        env: context.env,
        run: seams.run ?? spawnProcess,
        estimate: (directory) => estimatesOf(directory, setup, opts.env, opts.freeTier === true),
        show: (estimates) => renderReport('text', estimates, { priceSource: setup.priceSource }).forEach((line) => context.stdout(line)),
        progress: context.stderr,
      });
      if (outcome.status === 'over-budget') {
        throw new CheckFailedError(`not deploying, over budget:\n${outcome.reasons.map((line) => `  - ${line}`).join('\n')}\n(pass --allow-over-budget to deploy anyway)`);
      }
      if (outcome.status === 'failed') throw new ChildProcessExitError(outcome.step, outcome.exitCode);
      if (opts.verify) {
        context.stderr(`modelstack: verifying ${opts.env} (modelstack verify --env ${opts.env})`);
        const settings = { env: opts.env, stack: outcome.stacks[0], rows: DEFAULT_SAMPLE_ROWS, tolerance: DEFAULT_TOLERANCE };
        reportVerification(context, await verifyEnvironment(seams, settings), false);
      }
    });
}
