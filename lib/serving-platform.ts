/**
 * Where a {@link ModelEndpoint} serves its model, as a union-like class (like aws-sagemaker-alpha's `ModelData`):
 * `ServingPlatform.lambda()` or `ServingPlatform.sageMaker()`. Each builds its endpoint and says how new versions
 * roll out; a new platform is one more subclass.
 */
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import type { IInferenceEndpoint, InferencePlatform } from './inference-endpoint';
import { LambdaInference } from './lambda-inference';
import type { LambdaInferenceProps } from './lambda-inference-props';
import { LambdaRollout, type RolloutStrategy } from './lambda-rollout';
import type { ProvisionedConcurrencyScalingProps } from './lambda-scaling';
import type { ModelArtifact } from './model-artifact';
import { ModelFile } from './model-file';
import type { IModelStore } from './model-store-interface';
import type { NetworkPlacement } from './network-placement';
import { acknowledgeRule } from './private/nag-rules';
import type { IPredictionRecords } from './prediction-records-interface';
import { SageMakerInference, type SageMakerInferenceProps } from './sagemaker-inference';

/** What {@link ModelEndpoint} gives a platform to build its endpoint from. */
/** What an endpoint captures of its predictions, and the records they go to. */
export interface EndpointCapture {
  /** The endpoint's prediction records. */
  readonly records: IPredictionRecords;
  /** Share of prediction requests captured (%). */
  readonly samplingPercentage: number;
  /** Keep the inputs, not only the answers. */
  readonly captureInputs: boolean;
}

export interface ServingContext {
  /** Where the model is stored. */
  readonly store: IModelStore;
  /** The model and its manifest, checked against each other. */
  readonly model: ModelArtifact;
  /** Removal policy of the endpoint's stateful resources (log groups, keys). */
  readonly removalPolicy: RemovalPolicy;
  /**
   * The evaluation's key figures, for the endpoint's metadata.
   * @default - none
   */
  readonly evaluation?: EvaluationKeyFigures;
  /**
   * Capture of sampled predictions into prediction records.
   * @default - none
   */
  readonly capture?: EndpointCapture;
}

/** Options of a Lambda endpoint: {@link LambdaInferenceProps} without what the {@link ModelEndpoint} supplies. */
export interface LambdaServingOptions extends Omit<LambdaInferenceProps, 'store' | 'manifest' | 'evaluation' | 'removalPolicy' | 'network' | 'capture'> {
  /**
   * Places the function in private subnets of a VPC (see lib/lambda-network.ts for when to use it).
   * @default - no VPC: Lambda's own network
   */
  readonly network?: NetworkPlacement;
  /**
   * Provisioned concurrency, scaled on utilization and on schedules.
   * @default - none: on-demand concurrency only
   */
  readonly scaling?: ProvisionedConcurrencyScalingProps;
  /**
   * How new versions reach traffic (CodeDeploy), rolling back on the critical alarms.
   * @default - LambdaRollout's default: RolloutStrategy.canary(10, Duration.minutes(5))
   */
  readonly rollout?: RolloutStrategy;
}

/** Options of a SageMaker endpoint: {@link SageMakerInferenceProps} without what the {@link ModelEndpoint} supplies. */
export interface SageMakerServingOptions extends Omit<SageMakerInferenceProps, 'store' | 'model' | 'manifest' | 'removalPolicy' | 'network'> {
  /**
   * Places the model's network interfaces in private subnets of a VPC (instance variants only).
   * @default - no VPC: SageMaker's own network, with network isolation for instance variants
   */
  readonly network?: NetworkPlacement;
}

/** The platform a {@link ModelEndpoint} serves on. */
export abstract class ServingPlatform {
  /** A Lambda function behind a function URL (IAM auth), rolled out by CodeDeploy. */
  public static lambda(options: LambdaServingOptions = {}): ServingPlatform {
    return new LambdaServing(options);
  }

  /** A SageMaker real-time or serverless endpoint, rolled out by its own deployment config. */
  public static sageMaker(options: SageMakerServingOptions = {}): ServingPlatform {
    return new SageMakerServing(options);
  }

  /** The platform's name, as {@link IInferenceEndpoint.platform} reports it. */
  public abstract readonly type: InferencePlatform;

  /** Builds the endpoint as `scope`/`id`. Called once by {@link ModelEndpoint}. */
  public abstract bindEndpoint(scope: Construct, id: string, context: ServingContext): IInferenceEndpoint;

  /**
   * Builds what rolls new versions of `endpoint` out and back on `rollbackAlarms`; `undefined` when the platform's
   * endpoint rolls out itself. Alarms of the platform's own rollout notify `alarmTopic` (the most severe
   * monitoring topic; `undefined` when every severity is disabled). Called once by {@link ModelEndpoint}, after
   * the alarms exist.
   */
  public abstract bindRollout(
    scope: Construct,
    id: string,
    endpoint: IInferenceEndpoint,
    rollbackAlarms: readonly cloudwatch.IAlarm[],
    alarmTopic?: sns.ITopic,
  ): LambdaRollout | undefined;
}

class LambdaServing extends ServingPlatform {
  public readonly type = 'lambda';

  private readonly props: Omit<LambdaServingOptions, 'scaling' | 'rollout' | 'network'>;
  private readonly scaling?: ProvisionedConcurrencyScalingProps;
  private readonly rollout?: RolloutStrategy;
  private readonly network?: NetworkPlacement;

  constructor({ scaling, rollout, network, ...props }: LambdaServingOptions) {
    super();
    this.props = props;
    this.scaling = scaling;
    this.rollout = rollout;
    this.network = network;
  }

  public bindEndpoint(scope: Construct, id: string, context: ServingContext): IInferenceEndpoint {
    const endpoint = new LambdaInference(scope, id, {
      ...this.props,
      // Imported next to the endpoint (construct ids `<id>Vpc`, `<id>Subnet<n>`).
      ...(this.network === undefined ? {} : { network: this.network.bind(scope, id) }),
      store: context.store,
      manifest: context.model.manifest,
      ...(context.evaluation === undefined ? {} : { evaluation: context.evaluation }),
      ...(context.capture === undefined ? {} : { capture: context.capture }),
      removalPolicy: context.removalPolicy,
    });
    // Before monitoring reads the endpoint's platform metrics, which include provisioned concurrency.
    if (this.scaling !== undefined) endpoint.autoScaleProvisionedConcurrency(this.scaling);
    return endpoint;
  }

  public bindRollout(scope: Construct, id: string, endpoint: IInferenceEndpoint, rollbackAlarms: readonly cloudwatch.IAlarm[]): LambdaRollout {
    if (!(endpoint instanceof LambdaInference)) throw new Error(`${endpoint.node.path}: a Lambda platform rolls out the LambdaInference it built, not ${endpoint.constructor.name}`);
    return new LambdaRollout(scope, id, { alias: endpoint.alias, strategy: this.rollout, rollbackAlarms });
  }
}

class SageMakerServing extends ServingPlatform {
  public readonly type = 'sagemaker';

  private readonly options: Omit<SageMakerServingOptions, 'network'>;
  private readonly network?: NetworkPlacement;

  constructor({ network, ...options }: SageMakerServingOptions) {
    super();
    this.options = options;
    this.network = network;
  }

  public bindEndpoint(scope: Construct, id: string, context: ServingContext): IInferenceEndpoint {
    return new SageMakerInference(scope, id, {
      ...this.options,
      // Imported next to the endpoint (construct ids `<id>Vpc`, `<id>Subnet<n>`).
      ...(this.network === undefined ? {} : { network: this.network.bind(scope, id) }),
      store: context.store,
      model: ModelFile.fromArtifact(context.model),
      manifest: context.model.manifest,
      removalPolicy: context.removalPolicy,
      ...(context.capture === undefined
        ? {}
        : {
            dataCapture: {
              ...this.options.dataCapture,
              records: context.capture.records,
              samplingPercentage: context.capture.samplingPercentage,
              captureInput: context.capture.captureInputs,
              captureOutput: true,
            },
          }),
    });
  }

  /**
   * The endpoint's `DeploymentConfig` rolls out (and back, on its own alarms): nothing to build. SageMaker acts on
   * those alarms by itself during an update; outside one nobody would hear them, so they notify `alarmTopic`, and a
   * rollback (or a breach between updates) reaches the people on call.
   */
  public bindRollout(_scope: Construct, _id: string, endpoint: IInferenceEndpoint, _rollbackAlarms: readonly cloudwatch.IAlarm[], alarmTopic?: sns.ITopic): undefined {
    if (endpoint instanceof SageMakerInference) notifyOnRollbackAlarms(endpoint.rollbackAlarms, alarmTopic);
    return undefined;
  }
}

function notifyOnRollbackAlarms(alarms: readonly cloudwatch.Alarm[], topic: sns.ITopic | undefined): void {
  for (const alarm of alarms) {
    if (topic !== undefined) {
      const action = new actions.SnsAction(topic);
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    } else {
      acknowledgeRule(
        alarm,
        'CloudWatchAlarmAction',
        "Every alarm severity is disabled in this environment's config, so there is no topic to notify; the alarm's one action is SageMaker's auto-rollback, which reads it by name during an endpoint update.",
      );
    }
  }
}
