/**
 * The wait of the pipeline's shadow phase, as a CodePipeline Step Functions invoke action: a Standard state machine
 * that waits the phase's duration when the build's shadow plan says there is something to shadow, and ends at once
 * when it does not (a first release, or production already serves the candidate). A wait state bills a few state
 * transitions, not build minutes; CodePipeline gives a Step Functions invoke action at most 7 days, which bounds the
 * duration (config/shadow-schema.ts).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../encrypted-log-group';
import { SHADOW_PLAN_FILE } from './shadow-settings';


/** Props of {@link ShadowWait}. */
export interface ShadowWaitProps {
  /** How long the candidate shadows production. */
  readonly duration: Duration;
  /** The environment, for names and descriptions. */
  readonly environment: string;
  /**
   * Key of the state machine's log group. A key shared with another {@link EncryptedLogGroup} would get that
   * construct's key policy statement (the same Sid) twice.
   * @default - a new key with rotation, dedicated to the log group
   */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The state machine that waits out a shadow phase: `{ "shadowing": true }` waits, anything else ends at once. */
export class ShadowWait extends Construct {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** How long it waits when shadowing. */
  public readonly duration: Duration;

  constructor(scope: Construct, id: string, props: ShadowWaitProps) {
    super(scope, id);
    this.duration = props.duration;
    const log = new EncryptedLogGroup(this, 'Logs', {
      purpose: `the shadow phase wait of ${props.environment}`,
      ...(props.encryptionKey === undefined ? {} : { encryptionKey: props.encryptionKey }),
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const done = new sfn.Succeed(this, 'ShadowPhaseOver');
    const wait = new sfn.Wait(this, 'CandidateShadowsProduction', { time: sfn.WaitTime.duration(props.duration), comment: `The candidate runs as the shadow variant of ${props.environment}` }).next(done);
    const skip = new sfn.Succeed(this, 'NothingToShadow', { comment: 'A first release, or production already serves the candidate: the build deployed no shadow variant' });
    const definition = new sfn.Choice(this, 'Shadowing')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.shadowing'), sfn.Condition.booleanEquals('$.shadowing', true)), wait)
      .otherwise(skip);
    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      // A little longer than the wait, and inside CodePipeline's 7 days for the action.
      timeout: props.duration.plus(Duration.minutes(30)),
      tracingEnabled: true,
      logs: { destination: log.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      comment: `modelstack shadow phase of ${props.environment}: waits ${props.duration.toHumanString()} when the build's ${SHADOW_PLAN_FILE} says "shadowing": true`,
    });
  }
}

/** The CDK Pipelines step that runs a {@link ShadowWait} with the build's shadow plan as its input. */
export class ShadowWaitStep extends pipelines.Step implements pipelines.ICodePipelineActionFactory {
  /**
   * @param id the step's (and action's) name
   * @param wait the state machine to run
   * @param synthOutput the build's output (`cdk.out`), which holds {@link SHADOW_PLAN_FILE}
   */
  constructor(
    id: string,
    private readonly wait: ShadowWait,
    private readonly synthOutput: pipelines.FileSet,
  ) {
    super(id);
    this.addDependencyFileSet(synthOutput);
  }

  public produceAction(stage: codepipeline.IStage, options: pipelines.ProduceActionOptions): pipelines.CodePipelineActionFactoryResult {
    const plan = options.artifacts.toCodePipeline(this.synthOutput);
    stage.addAction(
      new actions.StepFunctionInvokeAction({
        actionName: options.actionName,
        runOrder: options.runOrder,
        stateMachine: this.wait.stateMachine,
        stateMachineInput: actions.StateMachineInput.filePath(plan.atPath(SHADOW_PLAN_FILE)),
      }),
    );
    return { runOrdersConsumed: 1 };
  }
}

/** A stage as `CfnPipeline.stages` resolves: the L1 property names. */
interface StageShape {
  readonly actions?: Array<{ readonly actionTypeId?: { readonly provider?: string }; readonly configuration?: { readonly InputType?: string; readonly Input?: unknown } }>;
}

/**
 * CodePipeline's Step Functions action reads `Input` as a path inside its input artifact (the action reference's
 * example: `"Input": "assets/input.json"`), while CDK renders an artifact path's `location`, `<artifact>::<path>` (the
 * same slip CDK once fixed for the Service Catalog action, aws-cdk#9767). This keeps the path only.
 */
export function stepFunctionInputsAsPaths(pipeline: codepipeline.CfnPipeline): void {
  const stages = Stack.of(pipeline).resolve(pipeline.stages) as StageShape[];
  stages.forEach((stage, s) =>
    (stage.actions ?? []).forEach((action, a) => {
      const input = action.configuration?.Input;
      if (action.actionTypeId?.provider !== 'StepFunctions' || action.configuration?.InputType !== 'FilePath' || typeof input !== 'string' || !input.includes('::')) return;
      pipeline.addPropertyOverride(`Stages.${s}.Actions.${a}.Configuration.Input`, input.slice(input.indexOf('::') + 2));
    }),
  );
}
