/**
 * What the estimate needs of an environment besides its template (traffic, budget, model), recorded in the cloud
 * assembly by the app that synthesized it. `modelstack estimate` then prices any project's `cdk.out` as it was
 * synthesized, without loading that project's TypeScript config.
 */
import type { Stack } from 'aws-cdk-lib';
import type { TrafficInputs } from './traffic-profile';
import type { SynthesizedStack } from './cloud-assembly';
import type { ModelInfo } from './pricing-context';

/** The metadata type the inputs are recorded under, on the stack's construct. */
export const ESTIMATE_INPUTS_METADATA_TYPE = 'modelstack:estimate-inputs';

/** An environment as the estimate sees it. */
export interface EstimateInputs {
  /** The environment's name. */
  readonly environment: string;
  /** The traffic the environment expects. */
  readonly traffic: TrafficInputs;
  /** The monthly budget, in USD. @default - no budget */
  readonly budgetUsd?: number;
  /** The model the environment serves. */
  readonly model: ModelInfo;
}

/** Records `inputs` in `stack`'s cloud assembly metadata (the template is unchanged). */
export function recordEstimateInputs(stack: Stack, inputs: EstimateInputs): void {
  stack.node.addMetadata(ESTIMATE_INPUTS_METADATA_TYPE, inputs);
}

/** The inputs recorded for a synthesized stack, if its app recorded them. */
export function recordedEstimateInputs(stack: SynthesizedStack): EstimateInputs | undefined {
  for (const entries of stack.metadata.values()) {
    const entry = entries.find((candidate) => candidate.type === ESTIMATE_INPUTS_METADATA_TYPE);
    if (entry !== undefined) return entry.data as EstimateInputs;
  }
  return undefined;
}
