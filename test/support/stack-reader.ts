/** A stubbed CloudFormation edge for the pipeline's commands: DescribeStacks answers a ModelSha256 output or an error. */
import type { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { StackReader } from '../../lib/pipeline/production-model';

/** DescribeStacks answers `answer` (or throws it); the stacks asked for are recorded in `calls`. */
export function stackReader(answer: { sha256?: string; error?: Error }): StackReader & { calls: string[] } {
  const calls: string[] = [];
  const send = (command: DescribeStacksCommand) => {
    calls.push(command.input.StackName ?? '');
    if (answer.error !== undefined) return Promise.reject(answer.error);
    return Promise.resolve({ Stacks: [{ StackName: command.input.StackName, Outputs: [{ OutputKey: 'ModelSha256', OutputValue: answer.sha256 }] }] });
  };
  return { send, calls };
}

/** The error CloudFormation answers for a stack that does not exist. */
export function stackMissing(stackName: string): Error {
  return Object.assign(new Error(`Stack with id ${stackName} does not exist`), { name: 'ValidationError' });
}
