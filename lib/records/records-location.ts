/**
 * Where an environment's prediction records are, for the commands that write or delete them (`label`, `forget`):
 * its stack and region from the synthesized cloud assembly (recorded by the app, as for `modelstack verify`), the
 * bucket from the deployed stack's output, and the model folder for its manifest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readCloudAssembly } from '../cost/cloud-assembly';
import { RECORDS_OUTPUTS } from './records-outputs';
import { describeStack } from '../verify/stack-facts';
import { VerifyError } from '../verify/verify-error';
import { recordedVerifyInputs, resolveModelDirectory } from '../verify/verify-inputs';

/** An environment's stack as the assembly records it. */
export interface RecordedEnvironment {
  readonly stackName: string;
  readonly region: string;
  /** The model folder on this machine. */
  readonly modelDirectory: string;
}

/** The stack of `env` in the assembly at `cdkOut`. @throws VerifyError naming what to synthesize */
export function recordedEnvironment(cdkOut: string, env: string, cwd: string): RecordedEnvironment {
  if (!existsSync(join(cdkOut, 'manifest.json'))) {
    throw new VerifyError(`${cdkOut} holds no cloud assembly: synthesize first (npx cdk synth -c env=${env}), or pass --cdk-out <dir>`);
  }
  const stacks = readCloudAssembly(cdkOut).flatMap((stack) => {
    const inputs = recordedVerifyInputs(stack);
    return inputs?.environment === env ? [{ stack, inputs }] : [];
  });
  const found = stacks[0];
  if (found === undefined) throw new VerifyError(`${cdkOut} holds no stack of environment ${env}: synthesize it (npx cdk synth -c env=${env})`);
  if (found.stack.region === undefined) throw new VerifyError(`stack ${found.stack.stackName} in ${cdkOut} has no region: set the environment's region and synthesize again`);
  return { stackName: found.stack.stackName, region: found.stack.region, modelDirectory: resolveModelDirectory(found.inputs.modelDirectory, cwd, cdkOut) };
}

/** The records bucket of a deployed stack (its `RecordsBucketName` output). @throws VerifyError when capture is off */
export async function recordsBucketOf(cloudFormation: Pick<CloudFormationClient, 'send'>, stackName: string): Promise<string> {
  const facts = await describeStack(cloudFormation, stackName);
  const bucket = facts.outputs[RECORDS_OUTPUTS.bucket];
  if (bucket === undefined) {
    throw new VerifyError(`stack ${stackName} has no output ${RECORDS_OUTPUTS.bucket}: its environment has no prediction records; set capture in its config and deploy (or pass --bucket)`);
  }
  return bucket;
}
