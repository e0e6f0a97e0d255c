/**
 * `modelstack versions --env <name> [--stack <name>] [--json]`: the model versions stored in the environment's
 * bucket, which one is live, and each one's committed evaluation.
 */
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { environments as configuredEnvironments } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import { readManifest } from '../../lambda/core/manifest';
import { formatVersions, listModelVersions } from '../../lib/pipeline/model-versions';
import { stackNameOf } from '../build';
import type { CliContext } from '../cli-contract';
import { PROJECT_ROOT } from './estimate';

/** The AWS clients of a region. */
export interface VersionsAws {
  readonly s3: Pick<S3Client, 'send'>;
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
}

/** What the versions command uses besides the context; tests pass their own. */
export interface VersionsCommandSeams {
  /** The environments as written in config/environments.ts. @default that file's */
  readonly environments?: Readonly<Record<string, unknown>>;
  /** The AWS edge for a region. @default SDK clients with the default credential chain */
  readonly aws?: (region: string) => VersionsAws;
}

/** SDK clients with the default credential chain. */
export const defaultVersionsAws = (region: string): VersionsAws => ({ s3: new S3Client({ region }), cloudFormation: new CloudFormationClient({ region }) });

export function versionsCommand(context: CliContext, seams: VersionsCommandSeams = {}): Command {
  return new Command('versions')
    .description("List the model versions stored in an environment's bucket, the live one marked, with their committed evaluations")
    .requiredOption('--env <name>', 'the environment')
    .option('--stack <name>', 'the stack (default: modelstack-<model>-<env>)')
    .option('--json', 'print JSON')
    .action(async (options: { env: string; stack?: string; json?: boolean }) => {
      const [env] = loadEnvironments(seams.environments ?? configuredEnvironments, { projectRoot: PROJECT_ROOT, only: options.env });
      const manifest = await readManifest(join(env.modelDirectory, 'model.json'));
      const aws = (seams.aws ?? defaultVersionsAws)(env.config.region);
      const versions = await listModelVersions({ ...aws, stackName: options.stack ?? stackNameOf(manifest.name, env.name), modelName: manifest.name, modelDirectory: env.modelDirectory });
      if (options.json === true) context.stdout(JSON.stringify(versions, null, 2));
      else for (const line of formatVersions(versions)) context.stdout(line);
    });
}
