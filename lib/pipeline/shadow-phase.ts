/**
 * The shadow phase of a SageMaker environment in the delivery pipeline, before its ordinary deploy: a stage that
 * deploys the environment's stack with the model production serves as the production variant and the candidate as
 * the shadow variant (the build synthesized it so), a wait of the phase's duration (a Step Functions wait, no build
 * minutes), then `modelstack shadow-report` over the two variants' captured answers, which fails the run below the
 * phase's thresholds. The ordinary stage that follows deploys the candidate as the production variant.
 */
import { Duration, type CfnOutput, type Stack, type Stage } from 'aws-cdk-lib';
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { RECORDS_BUCKET_VARIABLE, SHADOW_REPORT_DIRECTORY, STEP_ENVIRONMENT, shadowReportCommands, type ShadowReportThresholds } from './commands';
import type { PropsValidator } from '../props-validation';
import { SHADOW_MAX_MINUTES, SHADOW_MIN_MINUTES } from './shadow-settings';
import { ShadowWait, ShadowWaitStep } from './shadow-wait';
import { shadowReportStatements, type StackLocation } from './step-permissions';

/** An environment's shadow phase in {@link ModelPipeline}. */
export interface ModelPipelineShadowPhase extends ShadowReportThresholds {
  /**
   * The stage of the phase: the environment's stack under the same stack name as its ordinary stage's, with the
   * production model as its production variant and the candidate as its shadow variant.
   */
  readonly stage: Stage;
  /** How long the candidate shadows production before the report. */
  readonly duration: Duration;
  /** The endpoint's name (the same in both stages): the capture prefix `capture/<endpointName>/`. */
  readonly endpointName: string;
  /** The stage stack's output naming its prediction records bucket. */
  readonly recordsBucketOutput: CfnOutput;
  /** The model's name, as the stack tags its keys. */
  readonly modelName: string;
}

/** What the phase's steps are built from. */
export interface ShadowPhaseInputs {
  /** The environment's name. */
  readonly environment: string;
  /** Where its stack lives. */
  readonly location: StackLocation;
  /** The phase. */
  readonly phase: ModelPipelineShadowPhase;
  /** The repository (the CLI). */
  readonly source: pipelines.IFileSetProducer;
  /** The build (its output holds the shadow plan). */
  readonly synth: pipelines.ShellStep;
}

/** The post steps of the phase's stage, in order: the wait, then the report. */
export function shadowPhaseSteps(scope: Construct, stack: Stack, inputs: ShadowPhaseInputs): pipelines.Step[] {
  const { environment, phase } = inputs;
  const wait = new ShadowWait(scope, `ShadowWait-${environment}`, { duration: phase.duration, environment });
  const synthOutput = inputs.synth.primaryOutput;
  if (synthOutput === undefined) throw new Error('the build step has no output: the shadow phase reads its plan from cdk.out');
  const waitStep = new ShadowWaitStep(`ShadowWait-${environment}`, wait, synthOutput);
  const report = new pipelines.CodeBuildStep(`ShadowReport-${environment}`, {
    input: inputs.source,
    // The repository for the CLI, the build's output for the plan; the report reads no model, so no model drop.
    additionalInputs: { 'cdk.out': inputs.synth },
    env: { ...STEP_ENVIRONMENT },
    envFromCfnOutputs: { [RECORDS_BUCKET_VARIABLE]: phase.recordsBucketOutput },
    commands: shadowReportCommands(phase.endpointName, phase),
    primaryOutputDirectory: SHADOW_REPORT_DIRECTORY,
    rolePolicyStatements: shadowReportStatements(stack, { ...inputs.location, endpointName: phase.endpointName, environment, modelName: phase.modelName }),
  });
  report.addStepDependency(waitStep);
  return [waitStep, report];
}

/** Checks a shadow phase; `at` names the environment in the messages. */
export function validateShadowPhase(v: PropsValidator, at: string, phase: ModelPipelineShadowPhase, production: boolean): void {
  v.durationInRange(`${at}.shadow.duration`, phase.duration, Duration.minutes(SHADOW_MIN_MINUTES), Duration.minutes(SHADOW_MAX_MINUTES), 'seconds');
  if (phase.minAgreement === undefined && phase.maxMeanAbsoluteDifference === undefined) v.fail(`${at}.shadow.minAgreement`, undefined, 'a rate from 0 to 1, or maxMeanAbsoluteDifference: the report needs a threshold');
  if (phase.minAgreement !== undefined && !(phase.minAgreement >= 0 && phase.minAgreement <= 1)) v.fail(`${at}.shadow.minAgreement`, phase.minAgreement, 'a rate from 0 to 1');
  if (phase.maxMeanAbsoluteDifference !== undefined && !(phase.maxMeanAbsoluteDifference >= 0)) v.fail(`${at}.shadow.maxMeanAbsoluteDifference`, phase.maxMeanAbsoluteDifference, 'a number of at least 0');
  v.integerInRange(`${at}.shadow.minPairedRequests`, phase.minPairedRequests, 1, 1_000_000);
  if (production) v.fail(`${at}.shadow`, 'set', 'unset with production protection: production takes the candidate only after its approval');
}
