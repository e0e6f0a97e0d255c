/**
 * `modelstack estimate [--env <name>]`: the monthly cost of what `cdk.out` will deploy, per environment, priced
 * from the dated table with each environment's traffic profile. Exit 1 when an expected total exceeds its budget
 * (unless `--allow-over-budget`), 2 on usage errors.
 */
import { relative, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadEnvironments, type LoadedEnvironment } from '../../config/load';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { compareEstimates } from '../../lib/cost/compare';
import { estimateCloudAssembly } from '../../lib/cost/estimate-assembly';
import type { StackEstimate } from '../../lib/cost/estimate';
import { DEFAULT_PRICE_TABLE, PriceTable } from '../../lib/cost/price-table';
import { overBudget, renderReport, type ReportFormat } from '../../lib/cost/report';
import { CheckFailedError, type CliContext } from '../cli-contract';

/** Where the estimate commands find the config. */
export interface CostCommandOptions {
  /**
   * The environments as written in a project's config, validated here; model folders are resolved against the
   * working directory. @default - what the app recorded in the cloud assembly (`lib/cost/estimate-inputs.ts`)
   */
  readonly environments?: Readonly<Record<string, unknown>>;
}

/** Options as commander parses them. */
interface EstimateOptions {
  readonly env?: string;
  readonly cdkOut: string;
  readonly json?: boolean;
  readonly markdown?: boolean;
  readonly compare?: string;
  readonly freeTier?: boolean;
  readonly allowOverBudget?: boolean;
  readonly prices?: string;
  readonly explain?: boolean;
}

/** What the estimate, review and deploy commands share: the validated config and the price table. */
export interface CostSetup {
  /** The validated config; `undefined`: the environments recorded in the assembly. */
  readonly environments?: LoadedEnvironment[];
  readonly prices: PriceTable;
  /** The price table as a path relative to the working directory. */
  readonly priceSource: string;
}

/**
 * Loads the config when one is given (every environment validated; an unknown `--env` is then a usage error) and
 * the price table.
 */
export function costSetup(context: CliContext, command: Command, options: CostCommandOptions, env: string | undefined, pricesFile?: string): CostSetup {
  const raw = options.environments;
  if (raw !== undefined && env !== undefined && !Object.keys(raw).includes(env)) {
    command.error(`error: option '--env <name>' argument '${env}' is not a known environment; known: ${Object.keys(raw).join(', ')}`, {
      exitCode: 2,
      code: 'modelstack.unknownEnvironment',
    });
  }
  const file = pricesFile === undefined ? DEFAULT_PRICE_TABLE : resolve(context.cwd, pricesFile);
  return {
    environments: raw === undefined ? undefined : loadEnvironments(raw, { projectRoot: context.cwd }),
    prices: PriceTable.load(file),
    priceSource: relative(context.cwd, file) || file,
  };
}

/** The estimates of one assembly; a requested environment missing from it fails the check. */
export async function estimatesOf(directory: string, setup: CostSetup, env: string | undefined, freeTier: boolean): Promise<StackEstimate[]> {
  const estimates = await estimateCloudAssembly(directory, { environments: setup.environments, prices: setup.prices, freeTier, only: env });
  if (estimates.length === 0) {
    throw new CheckFailedError(
      env === undefined ? `${directory} holds no stack: synthesize first (npx cdk synth)` : `${directory} holds no stack of environment ${env}: synthesize it (npx cdk synth -c env=${env})`,
    );
  }
  return estimates;
}

export function estimateCommand(context: CliContext, options: CostCommandOptions = {}): Command {
  return new Command('estimate')
    .description("Estimate the monthly cost of cdk.out's stacks: every resource line by line, fixed and traffic-driven, against each environment's budget")
    .option('--env <name>', 'only this environment (default: every environment in cdk.out)')
    .option('--cdk-out <dir>', 'the synthesized cloud assembly to price', DEFAULT_CDK_OUT)
    .addOption(new Option('--json', 'print JSON').conflicts('markdown'))
    .addOption(new Option('--markdown', 'print Markdown (for a pull-request comment)').conflicts('json'))
    .option('--compare <other-cdk-out>', 'show the cost difference line by line from this other synth (the base) to --cdk-out')
    .option('--free-tier', 'apply the AWS free tier (as if each environment were alone in its account)')
    .option('--allow-over-budget', 'exit 0 even when an expected total exceeds its budget')
    .option('--prices <file>', 'price table to use (default: pricing/prices.json)')
    .option('--explain', 'also print how each line item was derived (Markdown always includes it)')
    .action(async (opts: EstimateOptions, command: Command) => {
      const setup = costSetup(context, command, options, opts.env, opts.prices);
      const freeTier = opts.freeTier === true;
      const head = await estimatesOf(resolve(context.cwd, opts.cdkOut), setup, opts.env, freeTier);
      const comparison = opts.compare === undefined ? undefined : compareEstimates(await estimatesOf(resolve(context.cwd, opts.compare), setup, opts.env, freeTier), head);
      const format: ReportFormat = opts.json === true ? 'json' : opts.markdown === true ? 'markdown' : 'text';
      for (const line of renderReport(format, head, { priceSource: setup.priceSource, explain: opts.explain }, comparison)) context.stdout(line);
      const over = overBudget(head);
      if (over.length > 0 && opts.allowOverBudget !== true) {
        throw new CheckFailedError(`over budget:\n${over.map((line) => `  - ${line}`).join('\n')}\n(pass --allow-over-budget to accept)`);
      }
    });
}
