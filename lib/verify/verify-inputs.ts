/**
 * What `modelstack verify` needs of an environment besides the stack (its platform and model folder), recorded in
 * the cloud assembly by the app that synthesized it, beside the estimate's inputs. `modelstack verify` then checks
 * any project's deployment from its `cdk.out`, without loading that project's TypeScript config.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import type { SynthesizedStack } from '../cost/cloud-assembly';
import { VerifyError } from './verify-error';

/** The metadata type the inputs are recorded under, on the stack's construct. */
export const VERIFY_INPUTS_METADATA_TYPE = 'modelstack:verify-inputs';

/** An environment as verify sees it. */
export interface VerifyInputs {
  /** The environment's name. */
  readonly environment: string;
  /** Where the environment serves. */
  readonly platform: 'lambda' | 'sagemaker';
  /**
   * The model folder, relative to the project root and `/`-separated, so that an assembly synthesized on one
   * machine (or in CI) is verified from the same project checked out elsewhere.
   */
  readonly modelDirectory: string;
}

/** Records `inputs` in `stack`'s cloud assembly metadata (the template is unchanged). */
export function recordVerifyInputs(stack: Stack, inputs: VerifyInputs): void {
  stack.node.addMetadata(VERIFY_INPUTS_METADATA_TYPE, inputs);
}

/** The inputs recorded for a synthesized stack, if its app recorded them. */
export function recordedVerifyInputs(stack: SynthesizedStack): VerifyInputs | undefined {
  for (const entries of stack.metadata.values()) {
    const entry = entries.find((candidate) => candidate.type === VERIFY_INPUTS_METADATA_TYPE);
    if (entry !== undefined) return entry.data as VerifyInputs;
  }
  return undefined;
}

/**
 * The recorded model folder on this machine: against the working directory (verify runs from the project root,
 * as deploy does), else against the folder holding the assembly (cdk.out sits in the project root unless
 * `--output` put it elsewhere). The first that holds a model.json wins; neither is a {@link VerifyError}.
 */
export function resolveModelDirectory(recorded: string, cwd: string, cdkOut: string): string {
  const candidates = [...new Set([resolve(cwd, recorded), resolve(dirname(resolve(cdkOut)), recorded)])];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'model.json')));
  if (found === undefined) {
    throw new VerifyError(
      `the model folder ${recorded} recorded in ${cdkOut} has no model.json under the working directory or beside the assembly (looked in ${candidates.join(', ')}): run modelstack verify from the project root`,
    );
  }
  return found;
}
