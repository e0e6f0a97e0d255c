/**
 * `modelstack review <base-cdk-out> [<head-cdk-out>]`: one Markdown report for a pull request comparing two synths
 * offline: resources added, removed and replaced (the library behind `cdk diff`), IAM and security-group changes,
 * acknowledged findings added or removed, and the cost difference per line item.
 */
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Command } from 'commander';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { reviewCloudAssemblies } from '../../lib/review/review';
import { reviewMarkdown } from '../../lib/review/review-markdown';
import type { CliContext } from '../cli-contract';
import { costSetup, type CostCommandOptions } from './estimate';

interface ReviewOptions {
  readonly env?: string;
  readonly output?: string;
  readonly freeTier?: boolean;
  readonly prices?: string;
}

export function reviewCommand(context: CliContext, options: CostCommandOptions = {}): Command {
  return new Command('review')
    .description('Write a Markdown infrastructure review of two synths: resource, IAM, security-group, acknowledgement and cost changes')
    .argument('<base-cdk-out>', 'the synth to compare against, e.g. of the main branch')
    .argument('[head-cdk-out]', 'the synth under review', DEFAULT_CDK_OUT)
    .option('--env <name>', 'only this environment (default: every stack of either synth)')
    .option('-o, --output <file>', 'write the report to this file (default: standard output)')
    .option('--free-tier', 'apply the AWS free tier to both estimates')
    .option('--prices <file>', 'price table to use (default: pricing/prices.json)')
    .action(async (base: string, head: string, opts: ReviewOptions, command: Command) => {
      const setup = costSetup(context, command, options, opts.env, opts.prices);
      const baseDirectory = resolve(context.cwd, base);
      const headDirectory = resolve(context.cwd, head);
      const review = await reviewCloudAssemblies(baseDirectory, headDirectory, {
        environments: setup.environments,
        prices: setup.prices,
        freeTier: opts.freeTier === true,
        only: opts.env,
      });
      const name = (directory: string) => relative(context.cwd, directory) || directory;
      const report = reviewMarkdown(review, { base: name(baseDirectory), head: name(headDirectory), prices: `prices: ${setup.priceSource} of ${setup.prices.date}` });
      if (opts.output === undefined) {
        for (const line of report) context.stdout(line);
        return;
      }
      const file = resolve(context.cwd, opts.output);
      writeFileSync(file, `${report.join('\n')}\n`);
      context.stderr(`modelstack: review written to ${name(file)}`);
    });
}
