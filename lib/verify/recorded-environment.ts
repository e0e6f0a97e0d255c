/**
 * An environment as its app recorded it in a synthesized cloud assembly (`lib/verify/verify-inputs.ts`): the
 * stack, its region, platform and model folder. The commands that act on a deployed environment (`verify`,
 * `versions`, `rollback`) read the user's own `cdk.out` this way, never this package's config.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCloudAssembly, type SynthesizedStack } from '../cost/cloud-assembly';
import { VerifyError } from './verify-error';
import { recordedVerifyInputs, resolveModelDirectory, type VerifyInputs } from './verify-inputs';

/** A stack of the assembly with what its app recorded. */
export interface RecordedStack {
  readonly stack: SynthesizedStack;
  readonly inputs: VerifyInputs;
}

/** A deployed environment's coordinates, read from the assembly. */
export interface RecordedEnvironment {
  readonly environment: string;
  readonly stackName: string;
  readonly platform: VerifyInputs['platform'];
  /** The model folder on this machine (absolute). */
  readonly modelDirectory: string;
  /** The model folder as recorded (relative to the project root). */
  readonly recordedModelDirectory: string;
  readonly region: string;
}

/**
 * The stacks of the assembly at `cdkOut` (absolute) that the app recorded inputs for. No assembly, or one without
 * such a stack, says to synthesize `env`; an unreadable one is a `CloudAssemblyError`.
 */
export function recordedStacks(cdkOut: string, env: string): RecordedStack[] {
  if (!existsSync(join(cdkOut, 'manifest.json'))) {
    throw new VerifyError(`${cdkOut} holds no cloud assembly: synthesize first (npx cdk synth -c env=${env}), or pass --cdk-out <dir>`);
  }
  const recorded = readCloudAssembly(cdkOut).flatMap((stack) => {
    const inputs = recordedVerifyInputs(stack);
    return inputs === undefined ? [] : [{ stack, inputs }];
  });
  if (recorded.length === 0) {
    throw new VerifyError(`${cdkOut} holds no stack built by modelstack/app: synthesize first (npx cdk synth -c env=${env})`);
  }
  return recorded;
}

/** The environment `env` (its stack `stackName` when given) of the assembly at `cdkOut`, model folder resolved from `cwd`. */
export function recordedEnvironment(cwd: string, cdkOut: string, env: string, stackName?: string): RecordedEnvironment {
  const ofEnvironment = recordedStacks(cdkOut, env).filter(({ inputs }) => inputs.environment === env);
  const found = stackName === undefined ? ofEnvironment[0] : ofEnvironment.find(({ stack }) => stack.stackName === stackName);
  if (found === undefined) {
    const which = stackName === undefined ? `no stack of environment ${env}` : `no stack ${stackName} of environment ${env}`;
    throw new VerifyError(`${cdkOut} holds ${which}: synthesize it (npx cdk synth -c env=${env})`);
  }
  const { stack, inputs } = found;
  if (stack.region === undefined) {
    throw new VerifyError(`stack ${stack.stackName} in ${cdkOut} has no region: set the environment's region, synthesize again and deploy`);
  }
  return {
    environment: inputs.environment,
    stackName: stack.stackName,
    platform: inputs.platform,
    modelDirectory: resolveModelDirectory(inputs.modelDirectory, cwd, cdkOut),
    recordedModelDirectory: inputs.modelDirectory,
    region: stack.region,
  };
}
