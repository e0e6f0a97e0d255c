/**
 * `modelstack verify --env <name>`: checks that the deployed endpoint serves the model of the environment and answers
 * as that model does offline ({@link verifyDeployment}). The environment (stack, region, platform, model folder) is
 * read from the synthesized cloud assembly (`--cdk-out`), where the project's app recorded it, so it is the user's
 * project that is verified, not this package's examples. Exit 0 when every check passes, 1 listing what differs (or
 * when there is no assembly, no stack or no credentials), 2 on usage errors. `modelstack deploy` runs it after
 * `cdk deploy`.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { loadEnvironments } from '../../config/load';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { defaultVerifyAws } from '../../lib/verify/aws-edge';
import { DEFAULT_TOLERANCE } from '../../lib/verify/compare-predictions';
import { DEFAULT_SAMPLE_ROWS } from '../../lib/verify/sample-rows';
import { verifyDeployment, type VerifyAws, type VerifyOptions } from '../../lib/verify/verify';
import { differencesOf, formatVerifyReport, type VerifyReport } from '../../lib/verify/verify-check';
import { recordedEnvironment, recordedStacks } from '../../lib/verify/recorded-environment';
import { readManifest } from '../../lambda/core/manifest';
import { stackNameOf } from '../build';
import { CheckFailedError, type CliContext } from '../cli-contract';

/** What the verify command uses besides the context; tests pass their own. */
export interface VerifyCommandSeams {
  /**
   * The environments as written in a project's config, validated here; model folders are resolved against the
   * working directory. @default - what the app recorded in the cloud assembly (`lib/verify/verify-inputs.ts`)
   */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** The AWS edge for a region. @default SDK clients with the default credential chain */
  readonly aws?: (region: string) => VerifyAws;
}

/** How to verify, as the command line says. */
export interface VerifySettings {
  readonly env: string;
  /** The synthesized cloud assembly, relative to the working directory or absolute. */
  readonly cdkOut: string;
  readonly stack?: string;
  readonly rows: number;
  readonly tolerance: number;
}

/** The environment to verify: everything {@link verifyDeployment} needs but the AWS edge. */
type VerifyTarget = Omit<VerifyOptions, 'aws' | 'rows' | 'tolerance'> & { readonly region: string };

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > 1000) throw new InvalidArgumentError('must be a whole number from 1 to 1000.');
  return value;
}

function tolerance(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new InvalidArgumentError('must be a number from 0 up to (not including) 1.');
  return value;
}

/** Refuses (exit 2) an environment that is not in the config seam or, without it, not in the assembly. */
function checkKnown(context: CliContext, command: Command, seams: VerifyCommandSeams, settings: VerifySettings): void {
  const cdkOut = resolve(context.cwd, settings.cdkOut);
  const known = seams.environments !== undefined ? Object.keys(seams.environments) : [...new Set(recordedStacks(cdkOut, settings.env).map(({ inputs }) => inputs.environment))];
  if (known.includes(settings.env)) return;
  const where = seams.environments !== undefined ? '' : ` of ${cdkOut}`;
  const hint = seams.environments !== undefined ? '' : ` (if ${settings.env} is in your config, synthesize it: npx cdk synth -c env=${settings.env})`;
  command.error(`error: option '--env <name>' argument '${settings.env}' is not a known environment${where}; known: ${known.join(', ')}${hint}`, {
    exitCode: 2,
    code: 'modelstack.unknownEnvironment',
  });
}

function targetFromAssembly(context: CliContext, settings: VerifySettings): VerifyTarget {
  const { recordedModelDirectory: _recorded, ...target } = recordedEnvironment(context.cwd, resolve(context.cwd, settings.cdkOut), settings.env, settings.stack);
  return target;
}

async function targetFromConfig(context: CliContext, raw: Readonly<Record<string, unknown>>, settings: VerifySettings): Promise<VerifyTarget> {
  const [loaded] = loadEnvironments(raw, { projectRoot: context.cwd, only: settings.env });
  const manifest = await readManifest(loaded.manifestPath);
  return {
    environment: loaded.name,
    stackName: settings.stack ?? stackNameOf(manifest.name, loaded.name),
    platform: loaded.config.platform.type,
    modelDirectory: loaded.modelDirectory,
    region: loaded.config.region,
  };
}

/** Verifies one environment: as recorded in the cloud assembly, or as the config seam says. */
export async function verifyEnvironment(context: CliContext, seams: VerifyCommandSeams, settings: VerifySettings): Promise<VerifyReport> {
  const target = seams.environments === undefined ? targetFromAssembly(context, settings) : await targetFromConfig(context, seams.environments, settings);
  const { region, ...options } = target;
  return verifyDeployment({ ...options, rows: settings.rows, tolerance: settings.tolerance, aws: (seams.aws ?? defaultVerifyAws)(region) });
}

/** Prints the report (a table, or JSON) and fails the command listing what differs. */
export function reportVerification(context: CliContext, report: VerifyReport, json: boolean): void {
  if (json) context.stdout(JSON.stringify(report, null, 2));
  else formatVerifyReport(report).forEach((line) => context.stdout(line));
  if (!report.ok) {
    throw new CheckFailedError(`${report.stackName} does not serve what was deployed:\n${differencesOf(report).map((line) => `  - ${line}`).join('\n')}`);
  }
}

export function verifyCommand(context: CliContext, seams: VerifyCommandSeams = {}): Command {
  return new Command('verify')
    .description('Check that a deployed environment serves its model: ping, SHA-256 and version, endpoint status, and answers on evaluation rows as offline')
    .requiredOption('--env <name>', 'the environment to verify')
    .option('--cdk-out <dir>', 'the synthesized cloud assembly the environment is read from', DEFAULT_CDK_OUT)
    .option('--stack <name>', "the stack to verify (default: the environment's stack in the assembly)")
    .option('--rows <n>', 'rows of the evaluation data to send', positiveInteger, DEFAULT_SAMPLE_ROWS)
    .option('--tolerance <x>', 'largest difference of a probability or value (relative above 1)', tolerance, DEFAULT_TOLERANCE)
    .option('--json', 'print the report as JSON')
    .action(async (opts: VerifySettings & { json?: boolean }, command: Command) => {
      checkKnown(context, command, seams, opts);
      reportVerification(context, await verifyEnvironment(context, seams, opts), opts.json === true);
    });
}
