/**
 * What CloudFormation says about a deployed stack: its status, outputs and tags (DescribeStacks), and the physical
 * id of its SageMaker endpoint config (ListStackResources), the config the endpoint must be running.
 */
import { DescribeStacksCommand, ListStackResourcesCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { VerifyError } from './verify-error';

/** The stack outputs verify reads (written by lib/model-stack.ts). */
export const STACK_OUTPUTS = { url: 'InferenceUrl', modelSha256: 'ModelSha256' } as const;

/** The stack tag naming the deployed model's version. */
export const MODEL_VERSION_TAG = 'modelstack:model-version';

/** A deployed stack as CloudFormation describes it. */
export interface StackFacts {
  readonly stackName: string;
  /** `CREATE_COMPLETE`, `UPDATE_ROLLBACK_COMPLETE`, ... */
  readonly status: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

/** Reads the stack's status, outputs and tags; a stack that does not exist is a {@link VerifyError}. */
export async function describeStack(client: Pick<CloudFormationClient, 'send'>, stackName: string): Promise<StackFacts> {
  let stacks;
  try {
    stacks = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks ?? [];
  } catch (error) {
    if (error instanceof Error && /does not exist/.test(error.message)) throw new VerifyError(`stack ${stackName} does not exist in this account and region: deploy it first (modelstack deploy)`);
    throw error;
  }
  const stack = stacks[0];
  if (stack === undefined) throw new VerifyError(`stack ${stackName} was not found`);
  return {
    stackName,
    status: stack.StackStatus ?? 'UNKNOWN',
    outputs: Object.fromEntries((stack.Outputs ?? []).flatMap((o) => (o.OutputKey === undefined || o.OutputValue === undefined ? [] : [[o.OutputKey, o.OutputValue]]))),
    tags: Object.fromEntries((stack.Tags ?? []).flatMap((t) => (t.Key === undefined || t.Value === undefined ? [] : [[t.Key, t.Value]]))),
  };
}

/** The output `key` of the stack; a stack without it was not made by this version of modelstack. */
export function outputOf(facts: StackFacts, key: string): string {
  const value = facts.outputs[key];
  if (value === undefined) throw new VerifyError(`stack ${facts.stackName} has no output ${key} (outputs: ${Object.keys(facts.outputs).join(', ') || 'none'}); was it deployed by modelstack?`);
  return value;
}

/** Whether a stack status means the last operation finished as asked (not failed, not rolled back, not running). */
export function isSettled(status: string): boolean {
  return /_COMPLETE$/.test(status) && !/ROLLBACK|DELETE/.test(status);
}

/** The name of an endpoint config from its physical id (CloudFormation records the ARN). */
export function endpointConfigNameOf(physicalId: string): string {
  const marker = ':endpoint-config/';
  const at = physicalId.indexOf(marker);
  return at < 0 ? physicalId : physicalId.slice(at + marker.length);
}

/** The endpoint config the stack deployed: its one `AWS::SageMaker::EndpointConfig` resource. */
export async function deployedEndpointConfig(client: Pick<CloudFormationClient, 'send'>, stackName: string): Promise<string> {
  const configs: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListStackResourcesCommand({ StackName: stackName, NextToken: token }));
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType === 'AWS::SageMaker::EndpointConfig' && resource.PhysicalResourceId !== undefined) configs.push(endpointConfigNameOf(resource.PhysicalResourceId));
    }
    token = page.NextToken;
  } while (token !== undefined);
  if (configs.length !== 1) throw new VerifyError(`stack ${stackName} has ${configs.length} SageMaker endpoint configs; verify expects exactly one`);
  return configs[0];
}
