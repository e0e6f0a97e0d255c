/**
 * A batch run on AWS from the CLI: starts the environment's batch state machine (found by its stack output) with
 * `{ input, output }` and follows it until it ends, reporting the Distributed Map's item counts as progress.
 * Only the AWS API edge (the CloudFormation and Step Functions clients) is injected.
 */
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunSummary } from '../../lambda/batch/s3-batch';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** The stack output naming the state machine (written once, read by the CLI). */
export const BATCH_STATE_MACHINE_OUTPUT = 'BatchStateMachineArn';

/** A run that could not start or did not succeed. */
export class BatchRunError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'BatchRunError';
  }
}

export interface RemoteRunProgress {
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface RemoteRunOptions {
  readonly stackName: string;
  readonly input: string;
  readonly output: string;
  readonly cloudFormation: Pick<CloudFormationClient, 'send'>;
  readonly stepFunctions: Pick<SFNClient, 'send'>;
  readonly onProgress?: (progress: RemoteRunProgress) => void;
  /** @default 5 seconds */
  readonly pollIntervalMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

async function stateMachineOf(cloudFormation: RemoteRunOptions['cloudFormation'], stackName: string): Promise<string> {
  const described = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  const output = described.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === BATCH_STATE_MACHINE_OUTPUT)?.OutputValue;
  if (output === undefined) {
    throw new BatchRunError(`stack ${stackName} has no output ${BATCH_STATE_MACHINE_OUTPUT}: set batch.enabled in its environment's config and deploy it`);
  }
  return output;
}

async function progressOf(stepFunctions: RemoteRunOptions['stepFunctions'], executionArn: string): Promise<RemoteRunProgress | undefined> {
  const runs = await stepFunctions.send(new ListMapRunsCommand({ executionArn }));
  const mapRunArn = runs.mapRuns?.[0]?.mapRunArn;
  if (mapRunArn === undefined) return undefined;
  const counts = (await stepFunctions.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
  if (counts === undefined) return undefined;
  return { done: (counts.succeeded ?? 0) + (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0), total: counts.total ?? 0, failed: (counts.failed ?? 0) + (counts.timedOut ?? 0) + (counts.aborted ?? 0) };
}

/**
 * Starts the run and resolves with its summary once it has succeeded.
 * @throws BatchRunError when the stack has no batch state machine, or the execution fails, times out or is aborted
 */
export async function runRemoteBatchExecution(options: RemoteRunOptions): Promise<RunSummary> {
  const { stepFunctions } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const stateMachineArn = await stateMachineOf(options.cloudFormation, options.stackName);
  const started = await stepFunctions.send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ input: options.input, output: options.output }) }));
  const executionArn = started.executionArn;
  if (executionArn === undefined) throw new BatchRunError(`Step Functions started no execution of ${stateMachineArn}`);
  for (;;) {
    const execution = await stepFunctions.send(new DescribeExecutionCommand({ executionArn }));
    const progress = await progressOf(stepFunctions, executionArn);
    if (progress !== undefined) options.onProgress?.(progress);
    switch (execution.status) {
      case 'SUCCEEDED':
        return JSON.parse(execution.output ?? '{}') as RunSummary;
      case 'RUNNING':
      case 'PENDING_REDRIVE':
        await sleep(options.pollIntervalMs ?? 5000);
        continue;
      default:
        throw new BatchRunError(`the batch run ${executionArn} ended ${execution.status ?? 'in an unknown state'}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
    }
  }
}
