/**
 * `modelstack verify --env <name>`: checks that the deployed endpoint serves the model of the environment's config
 * and answers as that model does offline ({@link verifyDeployment}). Exit 0 when every check passes, 1 listing what
 * differs (or when there is no stack or no credentials), 2 on usage errors. `modelstack deploy` runs it after
 * `cdk deploy`.
 */
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { environments as configuredEnvironments } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import { readManifest } from '../../lambda/core/manifest';
import { defaultVerifyAws } from '../../lib/verify/aws-edge';
import { DEFAULT_TOLERANCE } from '../../lib/verify/compare-predictions';
import { DEFAULT_SAMPLE_ROWS } from '../../lib/verify/sample-rows';
import { verifyDeployment, type VerifyAws } from '../../lib/verify/verify';
import { differencesOf, formatVerifyReport, type VerifyReport } from '../../lib/verify/verify-check';
import { stackNameOf } from '../build';
import { CheckFailedError, type CliContext } from '../cli-contract';
import { PROJECT_ROOT } from './estimate';

/** What the verify command uses besides the context; tests pass their own. */
export interface VerifyCommandSeams {
  /** The environments as written in config/environments.ts. @default that file's */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** The AWS edge for a region. @default SDK clients with the default credential chain */
  readonly aws?: (region: string) => VerifyAws;
}

/** How to verify, as the command line says. */
export interface VerifySettings {
  readonly env: string;
  readonly stack?: string;
  readonly rows: number;
  readonly tolerance: number;
}

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

/** Verifies one environment from its config: its model folder, platform, region and stack. */
export async function verifyEnvironment(seams: VerifyCommandSeams, settings: VerifySettings): Promise<VerifyReport> {
  const [loaded] = loadEnvironments(seams.environments ?? configuredEnvironments, { projectRoot: PROJECT_ROOT, only: settings.env });
  const manifest = await readManifest(join(loaded.modelDirectory, 'model.json'));
  return verifyDeployment({
    environment: loaded.name,
    stackName: settings.stack ?? stackNameOf(manifest.name, loaded.name),
    platform: loaded.config.platform.type,
    modelDirectory: loaded.modelDirectory,
    rows: settings.rows,
    tolerance: settings.tolerance,
    aws: (seams.aws ?? defaultVerifyAws)(loaded.config.region),
  });
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
    .option('--stack <name>', 'the stack to read (default: modelstack-<model>-<env>)')
    .option('--rows <n>', 'rows of the evaluation data to send', positiveInteger, DEFAULT_SAMPLE_ROWS)
    .option('--tolerance <x>', 'largest difference of a probability or value (relative above 1)', tolerance, DEFAULT_TOLERANCE)
    .option('--json', 'print the report as JSON')
    .action(async (opts: VerifySettings & { json?: boolean }, command: Command) => {
      const known = Object.keys(seams.environments ?? configuredEnvironments);
      if (!known.includes(opts.env)) {
        command.error(`error: option '--env <name>' argument '${opts.env}' is not a known environment; known: ${known.join(', ')}`, { exitCode: 2, code: 'modelstack.unknownEnvironment' });
      }
      reportVerification(context, await verifyEnvironment(seams, opts), opts.json === true);
    });
}
