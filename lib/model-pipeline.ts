/**
 * A delivery pipeline for one model on CDK Pipelines: source (CodeStar connection, and optionally a model drop in
 * S3), build (`npm ci`, `npm test`, `cdk synth` with the compliance packs), the evaluation gate against the live
 * production model (with the cost difference and review against the synth production last deployed, written as
 * the approval summary), then each environment in order: a manual approval in front of production-protected ones
 * (its review link opens the summary), optionally a shadow phase (SageMaker: the candidate as the shadow variant of
 * the production model, a wait, then `shadow-report` as a gate), deploy, verify, and for the gate's production
 * environment a record of the deployed synth. A failed run notifies the critical topic. Artifacts and build logs are encrypted with a
 * customer-managed key.
 */
import { Duration, Fn, Stack, type Stage } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { PipelineArtifactStore } from './pipeline/artifact-store';
import {
  BUCKET_VARIABLE,
  DEPLOYED_PREFIX,
  EXECUTION_VARIABLE,
  GATE_REPORT_DIRECTORY,
  GATE_VARIABLES,
  STEP_ENVIRONMENT,
  approvalSummaryKey,
  buildCommands,
  gateCommands,
  recordDeployedCommands,
  verifyCommands,
} from './pipeline/commands';
import { PipelineFailureNotification } from './pipeline/failure-notification';
import { applyModelDropCommand, MODEL_DROP_INPUT, ModelDropBucket } from './pipeline/model-drop';
import { acknowledgePipelineFindings } from './pipeline/pipeline-findings';
import { roleArnsAsSubs } from './pipeline/role-arn-subs';
import { shadowPhaseSteps, validateShadowPhase, type ModelPipelineShadowPhase } from './pipeline/shadow-phase';
import { stepFunctionInputsAsPaths } from './pipeline/shadow-wait';
import { gateStatements, recordStatements, verifyStatements } from './pipeline/step-permissions';
import { PropsValidator } from './props-validation';

/** One environment the pipeline deploys. */
export interface ModelPipelineEnvironment {
  /** The environment's name, as in the config (`staging`, `prod`). */
  readonly name: string;
  /** The stage holding the environment's stacks. */
  readonly stage: Stage;
  /** Name of the environment's model stack (what `modelstack verify` checks). */
  readonly stackName: string;
  /** Region of the model stack. */
  readonly region: string;
  /** Account of the model stack. @default the pipeline's account */
  readonly account?: string;
  /** Production protection: a manual approval in front, and the gate's baseline. @default false */
  readonly production?: boolean;
  /**
   * A shadow phase before the deploy (SageMaker): the candidate as the shadow variant of the model production serves,
   * for a time, then `modelstack shadow-report` as a gate (see `lib/pipeline/shadow-phase.ts`).
   * @default - none
   */
  readonly shadow?: ModelPipelineShadowPhase;
}

/** Props of {@link ModelPipeline}. */
export interface ModelPipelineProps {
  /** ARN of the CodeStar connection to the repository host. */
  readonly connectionArn: string;
  /** The repository, `owner/name`. */
  readonly repository: string;
  /** Branch that starts a run. @default 'main' */
  readonly branch?: string;
  /** The model folder in the repository (the candidate of the gate), e.g. `examples/breast-cancer`. */
  readonly modelDirectory: string;
  /** The environments, in deployment order; at least one. */
  readonly environments: readonly ModelPipelineEnvironment[];
  /** Failed runs and pending approvals are published here. */
  readonly notificationTopic: sns.ITopic;
  /** Key of the artifacts and build logs. @default a new customer-managed key with rotation */
  readonly encryptionKey?: kms.IKey;
  /** How long each build step may run. @default Duration.minutes(60) */
  readonly stepTimeout?: Duration;
  /**
   * Key of a model drop: a zip of `model.onnx` and `model.json` (and optionally `evaluation.json`) uploaded there, in
   * a bucket the pipeline creates, starts a run with that model in `modelDirectory` (see `lib/pipeline/model-drop.ts`).
   * @default - no model drop; runs start on commits only
   */
  readonly modelDropKey?: string;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
/** A model drop's key: S3's safe characters, a zip (CodePipeline's S3 source reads zip archives). */
const MODEL_DROP_KEY = /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*\.zip$/;
/** The pipeline variable CodePipeline resolves to the current execution's id. */
const EXECUTION_ID = '#{codepipeline.PipelineExecutionId}';
/** The Node.js major version of the build image's runtimes that the steps use. */
const NODE_RUNTIME = '20';

/** The delivery pipeline of one model. */
export class ModelPipeline extends Construct {
  /** The CDK pipeline. */
  public readonly pipeline: pipelines.CodePipeline;
  /** The gate step: evaluation against production and the estimate; its output holds the reports. */
  public readonly gate: pipelines.CodeBuildStep;
  /** The encrypted artifact bucket. */
  public readonly artifacts: PipelineArtifactStore;
  /** The model drop's bucket; `undefined` without `modelDropKey`. */
  public readonly modelDrop?: ModelDropBucket;
  /** The drop as each step's additional input, and the command that applies it; empty without a drop. */
  private readonly drop: { readonly inputs: Record<string, pipelines.IFileSetProducer>; readonly commands: string[] };

  constructor(scope: Construct, id: string, props: ModelPipelineProps) {
    super(scope, id);
    validate(this, props);
    this.artifacts = new PipelineArtifactStore(this, 'Artifacts', { encryptionKey: props.encryptionKey });
    const source = pipelines.CodePipelineSource.connection(props.repository, props.branch ?? 'main', {
      connectionArn: props.connectionArn,
      // A full clone: the gate finds the production model in the repository's history.
      codeBuildCloneOutput: true,
    });
    if (props.modelDropKey !== undefined) {
      this.modelDrop = new ModelDropBucket(this, 'ModelDrop', { objectKey: props.modelDropKey, encryptionKey: this.artifacts.encryptionKey, accessLogsBucket: this.artifacts.accessLogsBucket });
    }
    this.drop = this.dropInputs(props.modelDirectory);
    const baseline = gateBaseline(props.environments);
    const shadowing = props.environments.some((e) => e.shadow !== undefined);
    const shadowBaseline = shadowing ? { modelDirectory: props.modelDirectory, productionStack: baseline.stackName, productionRegion: baseline.region } : undefined;
    const synth = new pipelines.ShellStep('Build', { input: source, additionalInputs: this.drop.inputs, env: { ...STEP_ENVIRONMENT }, commands: buildCommands(this.drop.commands, shadowBaseline) });
    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      synth,
      artifactBucket: this.artifacts.bucket,
      codeBuildDefaults: this.codeBuildDefaults(props.stepTimeout ?? Duration.minutes(60)),
      // With a shadow phase the build reads the production stack's model (as the gate does) to synthesize it.
      ...(shadowing ? { synthCodeBuildDefaults: { rolePolicy: gateStatements(Stack.of(this), baseline) } } : {}),
    });
    this.gate = new pipelines.CodeBuildStep('EvaluationGate', {
      input: source,
      additionalInputs: { 'cdk.out': synth, ...this.drop.inputs },
      env: { ...STEP_ENVIRONMENT, [BUCKET_VARIABLE]: this.artifacts.bucket.bucketName, [EXECUTION_VARIABLE]: EXECUTION_ID },
      commands: [...this.drop.commands, ...gateCommands({ modelDirectory: props.modelDirectory, productionEnvironment: baseline.name, productionStack: baseline.stackName, productionRegion: baseline.region })],
      primaryOutputDirectory: GATE_REPORT_DIRECTORY,
      rolePolicyStatements: gateStatements(Stack.of(this), baseline),
    });
    this.pipeline.addWave('Gate', { post: [this.gate] });
    for (const environment of props.environments) this.addEnvironment(environment, source, synth, props.notificationTopic, environment === baseline);
    this.pipeline.buildPipeline();
    roleArnsAsSubs(this.pipeline.pipeline.node.defaultChild as codepipeline.CfnPipeline);
    stepFunctionInputsAsPaths(this.pipeline.pipeline.node.defaultChild as codepipeline.CfnPipeline);
    this.modelDrop?.startOnUpload(this.pipeline.pipeline);
    new PipelineFailureNotification(this, 'FailureNotification', { pipeline: this.pipeline.pipeline, topic: props.notificationTopic });
    acknowledgePipelineFindings(this);
  }

  private dropInputs(modelDirectory: string): { inputs: Record<string, pipelines.IFileSetProducer>; commands: string[] } {
    if (this.modelDrop === undefined) return { inputs: {}, commands: [] };
    const source = pipelines.CodePipelineSource.s3(this.modelDrop.bucket, this.modelDrop.objectKey, { trigger: actions.S3Trigger.NONE, actionName: 'ModelDrop' });
    return { inputs: { [MODEL_DROP_INPUT]: source }, commands: [applyModelDropCommand(modelDirectory)] };
  }

  private codeBuildDefaults(timeout: Duration): pipelines.CodeBuildOptions {
    const logGroup = new EncryptedLogGroup(this, 'BuildLogs', { purpose: 'pipeline build logs', encryptionKey: this.artifacts.encryptionKey, retention: logs.RetentionDays.ONE_YEAR });
    return {
      buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.MEDIUM, privileged: false },
      // package.json's engines: Node 20 or later (the image's default may be older).
      partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: NODE_RUNTIME } } } }),
      logging: { cloudWatch: { logGroup: logGroup.logGroup } },
      timeout,
    };
  }

  private addEnvironment(environment: ModelPipelineEnvironment, source: pipelines.CodePipelineSource, synth: pipelines.ShellStep, topic: sns.ITopic, baseline: boolean): void {
    const verify = new pipelines.CodeBuildStep(`Verify-${environment.name}`, {
      input: source,
      additionalInputs: this.drop.inputs,
      env: { ...STEP_ENVIRONMENT },
      commands: [...this.drop.commands, ...verifyCommands(environment.name, environment.stackName)],
      rolePolicyStatements: verifyStatements(Stack.of(this), environment),
    });
    const post: pipelines.Step[] = [verify];
    if (baseline) {
      // The gate's base for the next run: the synth the baseline environment now runs, kept once it is verified.
      const record = new pipelines.CodeBuildStep(`RecordDeployed-${environment.name}`, {
        input: synth,
        env: { [BUCKET_VARIABLE]: this.artifacts.bucket.bucketName },
        commands: recordDeployedCommands(environment.name),
        rolePolicyStatements: recordStatements(this.artifacts.bucket.bucketArn, `${DEPLOYED_PREFIX}${environment.name}/`),
      });
      record.addStepDependency(verify);
      post.push(record);
    }
    const pre = environment.production === true ? [this.approval(environment, topic)] : [];
    if (environment.shadow !== undefined) {
      const steps = shadowPhaseSteps(this, Stack.of(this), { environment: environment.name, location: environment, phase: environment.shadow, source, synth });
      this.pipeline.addStage(environment.shadow.stage, { pre, post: steps });
    }
    this.pipeline.addStage(environment.stage, { pre: environment.shadow === undefined ? pre : [], post });
  }

  /**
   * The approval's message carries the gate's verdict and the cost line (pipeline variables, resolved by CodePipeline
   * when the approval starts); its review link opens this run's approval summary (verdict, cost difference line by
   * line, review report), which the gate wrote to the artifact bucket under this execution's id. CodePipeline
   * substitutes variables into a static text of at most 1000 characters, so the full summary cannot be the message.
   */
  private approval(environment: ModelPipelineEnvironment, topic: sns.ITopic): pipelines.ManualApprovalStep {
    const key = approvalSummaryKey(EXECUTION_ID);
    // Fn::Sub rather than CDK's default Fn::Join: cfn-lint refuses an empty-delimiter join in action configuration.
    const reviewUrl = Fn.sub(`https://console.aws.amazon.com/s3/object/\${Bucket}?region=\${AWS::Region}&prefix=${key}`, { Bucket: this.artifacts.bucket.bucketName });
    return new pipelines.ManualApprovalStep(`Approve-${environment.name}`, {
      comment:
        `Deploy to ${environment.name} (production protection). ` +
        `Evaluation gate: ${this.gate.exportedVariable(GATE_VARIABLES.verdict)}. ` +
        `Production estimate: ${this.gate.exportedVariable(GATE_VARIABLES.cost)}. ` +
        `Verdict, cost difference line by line and review: the review link (${key} in the artifact bucket); all reports in the EvaluationGate output artifact.`,
      reviewUrl,
      notificationTopic: topic,
    });
  }
}

/** The gate compares against the last production-protected environment, else the last one. */
function gateBaseline(environments: readonly ModelPipelineEnvironment[]): ModelPipelineEnvironment {
  const production = environments.filter((e) => e.production === true);
  return production.at(-1) ?? environments[environments.length - 1];
}

function validate(scope: Construct, props: ModelPipelineProps): void {
  const v = new PropsValidator(scope);
  if (!REPOSITORY.test(props.repository)) v.fail('repository', props.repository, '"owner/name"');
  if (props.environments.length === 0) v.fail('environments', '[]', 'at least one environment');
  const names = props.environments.map((e) => e.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) v.fail(`environments[${index}].name`, name, 'unique (each environment is deployed once)');
  });
  if (props.modelDirectory.trim() === '' || props.modelDirectory.startsWith('/')) v.fail('modelDirectory', props.modelDirectory, 'a folder relative to the repository root');
  props.environments.forEach((e, index) => {
    if (e.shadow !== undefined) validateShadowPhase(v, `environments[${index}]`, e.shadow, e.production === true);
  });
  if (props.modelDropKey !== undefined && !MODEL_DROP_KEY.test(props.modelDropKey)) v.fail('modelDropKey', props.modelDropKey, 'an S3 key of a .zip (letters, digits, / ! - _ . * \' ( ), not starting with /)');
  v.throwIfInvalid();
}
