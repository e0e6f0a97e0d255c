/**
 * `modelstack versions --env <name> [--cdk-out <dir>] [--stack <name>] [--json]`: the model versions stored in the
 * environment's bucket, which one is live, and each one's committed evaluation. The environment (stack, region,
 * model folder) is read from the project's synthesized cloud assembly, as `modelstack verify` reads it.
 */
import { join, relative, resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { loadEnvironments } from '../../config/load';
import { readManifest } from '../../lambda/core/manifest';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import { formatVersions, listModelVersions, type ModelVersion } from '../../lib/pipeline/model-versions';
import { recordedEnvironment } from '../../lib/verify/recorded-environment';
import { stackNameOf } from '../build';
import type { CliContext } from '../cli-contract';

/** The AWS clients of a region. */
export interface VersionsAws {
  readonly s3: Pick<S3Client, 'send'>;
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
}

/** What the versions command uses besides the context; tests pass their own. */
export interface VersionsCommandSeams {
  /**
   * The environments as written in a project's config, validated here; model folders are resolved against the
   * working directory. @default - what the app recorded in the cloud assembly (`lib/verify/verify-inputs.ts`)
   */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** The AWS edge for a region. @default SDK clients with the default credential chain */
  readonly aws?: (region: string) => VersionsAws;
}

/** SDK clients with the default credential chain. */
export const defaultVersionsAws = (region: string): VersionsAws => ({ s3: new S3Client({ region }), cloudFormation: new CloudFormationClient({ region }) });

/** Which environment, as the command line says. */
export interface VersionsSettings {
  readonly env: string;
  /** The synthesized cloud assembly, relative to the working directory or absolute. */
  readonly cdkOut: string;
  readonly stack?: string;
}

/** Where an environment's versions are: its stack and region, and the model folder whose history holds the evaluations. */
export interface VersionsTarget {
  readonly environment: string;
  readonly stackName: string;
  readonly region: string;
  /** The model folder on this machine. */
  readonly modelDirectory: string;
  /** The manifest's model name: the bucket's key prefix. */
  readonly modelName: string;
}

/** The environment from the project's cloud assembly, or from the config seam when given. */
export async function versionsTarget(context: CliContext, seams: VersionsCommandSeams, settings: VersionsSettings): Promise<VersionsTarget> {
  if (seams.environments !== undefined) {
    const [env] = loadEnvironments(seams.environments, { projectRoot: context.cwd, only: settings.env });
    const manifest = await readManifest(join(env.modelDirectory, 'model.json'));
    return { environment: env.name, stackName: settings.stack ?? stackNameOf(manifest.name, env.name), region: env.config.region, modelDirectory: env.modelDirectory, modelName: manifest.name };
  }
  const recorded = recordedEnvironment(context.cwd, resolve(context.cwd, settings.cdkOut), settings.env, settings.stack);
  const manifest = await readManifest(join(recorded.modelDirectory, 'model.json'));
  return { environment: recorded.environment, stackName: recorded.stackName, region: recorded.region, modelDirectory: recorded.modelDirectory, modelName: manifest.name };
}

/** The stored versions of the target's stack. */
export async function versionsOf(seams: VersionsCommandSeams, target: VersionsTarget): Promise<ModelVersion[]> {
  const aws = (seams.aws ?? defaultVersionsAws)(target.region);
  return listModelVersions({ ...aws, stackName: target.stackName, modelName: target.modelName, modelDirectory: target.modelDirectory });
}

/** The model folder as the user sees it: relative to the working directory when inside it. */
export function shownDirectory(context: CliContext, directory: string): string {
  const shown = relative(context.cwd, directory);
  return shown === '' || shown.startsWith('..') ? directory : shown;
}

export function versionsCommand(context: CliContext, seams: VersionsCommandSeams = {}): Command {
  return new Command('versions')
    .description("List the model versions stored in an environment's bucket, the live one marked, with their committed evaluations")
    .requiredOption('--env <name>', 'the environment')
    .option('--cdk-out <dir>', 'the synthesized cloud assembly the environment is read from', DEFAULT_CDK_OUT)
    .option('--stack <name>', "the stack (default: the environment's stack in the assembly)")
    .option('--json', 'print JSON')
    .action(async (options: VersionsSettings & { json?: boolean }) => {
      const versions = await versionsOf(seams, await versionsTarget(context, seams, options));
      if (options.json === true) context.stdout(JSON.stringify(versions, null, 2));
      else for (const line of formatVersions(versions)) context.stdout(line);
    });
}
