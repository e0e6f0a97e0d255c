/**
 * Deploy with the estimate in front of you: synthesize the environment with the pinned CDK CLI, estimate exactly
 * that cloud assembly, refuse when it is over budget (unless allowed), then `cdk deploy` that same assembly
 * (`--app <cdk.out>`, so what was priced is what is deployed).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackEstimate } from '../cost/estimate';
import { overBudget } from '../cost/report';
import type { ProcessRunner } from './process-runner';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Thrown when the project cannot be deployed from here (no cdk.json, no pinned CDK CLI). */
export class DeployError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

/** Environment variables set for the CDK CLI: no telemetry, no version check, as CI runs it. */
export const CDK_ENVIRONMENT: Readonly<Record<string, string>> = { CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' };

export interface DeployOptions {
  /** The environment to deploy. */
  readonly environment: string;
  /** The project: where cdk.json and the pinned CLI (node_modules/.bin/cdk) are. */
  readonly projectRoot: string;
  /** Where to synthesize (absolute). */
  readonly cdkOut: string;
  /** Deploy even when the expected total exceeds the budget. */
  readonly allowOverBudget: boolean;
  /** More arguments for `cdk deploy` (e.g. `--require-approval never`). */
  readonly cdkArgs: readonly string[];
  /** The environment variables of the CDK processes. */
  readonly env: NodeJS.ProcessEnv;
  /** Starts processes (the seam tests stub). */
  readonly run: ProcessRunner;
  /** Estimates the synthesized assembly of the environment. */
  readonly estimate: (directory: string) => Promise<StackEstimate[]>;
  /** Shows the estimate. */
  readonly show: (estimates: readonly StackEstimate[]) => void;
  /** Says what happens next (one line). */
  readonly progress: (line: string) => void;
}

/** How a deploy ended. */
export type DeployOutcome =
  | { readonly status: 'deployed'; readonly stacks: readonly string[] }
  | { readonly status: 'over-budget'; readonly reasons: readonly string[] }
  | { readonly status: 'failed'; readonly step: 'cdk synth' | 'cdk deploy'; readonly exitCode: number };

/** The pinned CDK CLI of the project; refuses a project without cdk.json or without the installed CLI. */
export function pinnedCdk(projectRoot: string): string {
  const cdkJson = join(projectRoot, 'cdk.json');
  if (!existsSync(cdkJson)) throw new DeployError(`${projectRoot} has no cdk.json: run modelstack deploy from the project root`);
  const app = (JSON.parse(readFileSync(cdkJson, 'utf8')) as { app?: unknown }).app;
  if (typeof app !== 'string' || app.trim() === '') throw new DeployError(`${cdkJson} names no app ("app": the command that synthesizes the stacks)`);
  const cli = join(projectRoot, 'node_modules', '.bin', 'cdk');
  if (!existsSync(cli)) throw new DeployError(`the pinned CDK CLI ${cli} is not installed: run npm ci`);
  return cli;
}

/** Synthesizes, estimates, gates on the budget, deploys. */
export async function deployWithEstimate(options: DeployOptions): Promise<DeployOutcome> {
  const cdk = pinnedCdk(options.projectRoot);
  const run = (args: readonly string[]) => options.run(cdk, args, { cwd: options.projectRoot, env: { ...options.env, ...CDK_ENVIRONMENT } });

  options.progress(`modelstack: synthesizing environment ${options.environment} (cdk synth -c env=${options.environment})`);
  const synth = await run(['synth', '--quiet', '--context', `env=${options.environment}`, '--output', options.cdkOut]);
  if (synth !== 0) return { status: 'failed', step: 'cdk synth', exitCode: synth };

  const estimates = await options.estimate(options.cdkOut);
  options.show(estimates);
  const over = overBudget(estimates);
  if (over.length > 0 && !options.allowOverBudget) return { status: 'over-budget', reasons: over };

  const stacks = estimates.map((estimate) => estimate.stackName);
  options.progress(`modelstack: deploying ${stacks.join(', ')} from ${options.cdkOut} (cdk deploy --app)`);
  const deploy = await run(['deploy', '--app', options.cdkOut, ...stacks, ...options.cdkArgs]);
  return deploy === 0 ? { status: 'deployed', stacks } : { status: 'failed', step: 'cdk deploy', exitCode: deploy };
}
