/**
 * An environment's `shadow`: the delivery pipeline's shadow phase (docs/update-flow.md). Before the ordinary deploy,
 * the pipeline deploys the environment with the model production serves as its production variant and the candidate
 * as a SageMaker shadow variant, waits `durationMinutes`, then compares the two variants' captured answers with
 * `modelstack shadow-report` and stops the run below `minAgreement` (classification) or above
 * `maxMeanAbsoluteDifference` (regression).
 *
 * Only a staging-like environment takes one: SageMaker real-time (shadow variants need instances), with capture of
 * inputs (the report pairs the variants' requests by their inputs), without production protection (production takes
 * the candidate only after its approval) and in the pipeline's stages.
 */
import { z } from 'zod';
import { SHADOW_MAX_MINUTES, SHADOW_MIN_MINUTES } from '../lib/pipeline/shadow-settings';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const ShadowSchema = z.strictObject({
  /** How long the candidate shadows production before the report (minutes, 10 to 10020: 7 days less an hour). */
  durationMinutes: int(SHADOW_MIN_MINUTES, SHADOW_MAX_MINUTES),
  /** Classification: the least share of compared instances on which the candidate's label equals production's (0-1). */
  minAgreement: z.number().min(0).max(1).optional(),
  /** Regression: the largest mean absolute difference of the candidate's values from production's. */
  maxMeanAbsoluteDifference: z.number().min(0).optional(),
  /** Fewest requests captured on both variants for the report to judge; fewer fails the phase (too little evidence). */
  minPairedRequests: int(1, 1_000_000).default(100),
  /** Share of production's requests SageMaker copies to the shadow (%). */
  samplingPercentage: int(1, 100).default(100),
  /** Instance type of the shadow fleet. Unset: the production variant's. */
  instanceType: z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, { message: "must be a SageMaker instance type such as 'ml.c6i.large'" }).optional(),
  /** Instances of the shadow fleet. */
  instanceCount: int(1, 100).default(1),
});

export type ShadowConfig = z.output<typeof ShadowSchema>;

/** The fields of an environment the shadow block depends on. */
interface ShadowEnvironmentFields {
  readonly shadow?: ShadowConfig;
  readonly protection: string;
  readonly platform: { readonly type: string; readonly serverless?: unknown; readonly deployment?: { readonly strategy: string } };
  readonly capture?: { readonly captureInputs: boolean };
}

/** One problem of an environment's shadow block: the field it is reported on, the value and the sentence. */
export interface ShadowProblem {
  readonly path: Array<string | number>;
  readonly input: unknown;
  readonly message: string;
}

/** What the rest of the environment makes impossible for its shadow block; empty when it has none or it fits. */
export function shadowProblems(env: ShadowEnvironmentFields): ShadowProblem[] {
  const shadow = env.shadow;
  if (shadow === undefined) return [];
  const problems: ShadowProblem[] = [];
  const add = (path: Array<string | number>, input: unknown, message: string): void => {
    problems.push({ path, input, message });
  };
  if (env.platform.type !== 'sagemaker') add(['shadow'], shadow, `needs platform type "sagemaker" with instances (SageMaker shadow variants); this environment is on "${env.platform.type}"`);
  else if (env.platform.serverless !== undefined) add(['shadow'], shadow, 'cannot be combined with a serverless SageMaker platform (SageMaker Serverless Inference has no shadow variants): use instance');
  if (env.platform.deployment?.strategy === 'rolling') {
    add(['platform', 'deployment', 'strategy'], 'rolling', 'must not be "rolling" with shadow: SageMaker rolling updates exclude endpoints with more than one variant');
  }
  if (env.capture === undefined) add(['shadow'], shadow, 'needs capture: the shadow report compares the two variants\' captured answers (set capture with captureInputs: true)');
  else if (!env.capture.captureInputs) add(['capture', 'captureInputs'], false, 'must be true with shadow: the shadow report pairs the two variants\' requests by their captured inputs');
  if (env.protection === 'production') {
    add(['shadow'], shadow, 'cannot be set with protection "production": production takes the candidate only after its approval; shadow it in a staging environment before that');
  }
  if (shadow.minAgreement === undefined && shadow.maxMeanAbsoluteDifference === undefined) {
    add(['shadow', 'minAgreement'], undefined, 'is required (classification), or maxMeanAbsoluteDifference (regression): the shadow phase needs a threshold to gate on');
  }
  return problems;
}

/** What the model's task needs of the shadow block; undefined when it fits. Checked where the manifest is read. */
export function shadowTaskProblem(environment: string, shadow: ShadowConfig, task: string): string | undefined {
  if (task === 'regression' && shadow.maxMeanAbsoluteDifference === undefined) {
    return `${environment}.shadow.maxMeanAbsoluteDifference: is required for a regression model (label agreement does not apply to values); got missing`;
  }
  if (task !== 'regression' && shadow.minAgreement === undefined) {
    return `${environment}.shadow.minAgreement: is required for a ${task} model (the share of instances where the candidate's label equals production's, 0-1); got missing`;
  }
  return undefined;
}
