/** `modelstack batch --env <name> s3://in s3://out`: the environment's stack and region from the config, then lib/batch/remote-run.ts. */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { environments } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import { readManifest } from '../../lambda/core/manifest';
import type { RunSummary } from '../../lambda/batch/s3-batch';
import { runRemoteBatchExecution, type RemoteRunOptions } from '../../lib/batch/remote-run';
import type { CliContext } from '../cli-contract';
import { progressReporter } from './progress';

export interface RemoteBatchRequest {
  readonly environment: string;
  readonly input: string;
  readonly output: string;
}

/** The AWS API edge, for tests. */
export type RemoteClients = Pick<RemoteRunOptions, 'cloudFormation' | 'stepFunctions' | 'sleep'>;

/** Starts and follows the run; resolves with its counts. */
export async function runRemoteBatch(context: CliContext, request: RemoteBatchRequest, clients?: RemoteClients, raw: Readonly<Record<string, unknown>> = environments): Promise<RunSummary> {
  const [env] = loadEnvironments(raw, { projectRoot: context.cwd, only: request.environment }).filter((e) => e.name === request.environment);
  const manifest = await readManifest(env.manifestPath);
  const stackName = `modelstack-${manifest.name}-${env.name}`;
  const region = env.config.region;
  const progress = progressReporter(context, `batch ${env.name}`);
  const summary = await runRemoteBatchExecution({
    stackName,
    input: request.input,
    output: request.output,
    cloudFormation: clients?.cloudFormation ?? new CloudFormationClient({ region }),
    stepFunctions: clients?.stepFunctions ?? new SFNClient({ region }),
    ...(clients?.sleep === undefined ? {} : { sleep: clients.sleep }),
    onProgress: (p) => progress.update({ done: p.done, total: p.total, detail: `${p.done}/${p.total} parts${p.failed > 0 ? `, ${p.failed} failed` : ''}` }),
  });
  progress.finish();
  context.stdout(`scored ${summary.rows.toLocaleString('en-US')} rows (${summary.rejectedRows.toLocaleString('en-US')} rejected) in ${summary.succeededItems} parts; ${summary.failedItems} parts failed`);
  context.stdout(`results in ${request.output}`);
  return summary;
}
