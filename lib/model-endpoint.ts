/**
 * One model in production from typed props, no config file: the store, the endpoint on a {@link ServingPlatform},
 * its monitoring, its rollout and (optionally) a budget, wired the way modelstack's own environments are.
 * `ModelStack` is this construct in a stack of its own, with its props mapped from an environment's config.
 *
 * Default settings:
 * - a {@link ModelStore} with its defaults (KMS key, versioned buckets, access logs), RETAIN;
 * - `ServingPlatform.lambda()`: a {@link LambdaInference} with its defaults, rolled out by a canary (10%, 5 minutes)
 *   that rolls back on the critical alarms;
 * - {@link Monitoring} with its defaults (warning and critical alarms, encrypted topics, a dashboard);
 * - no budget;
 * - no batch scoring;
 * - no retraining signals;
 * - no capture: with `capture`, one {@link PredictionRecords} (construct id `Records`) for the endpoint on either
 *   platform, which the quality job reads (`records`);
 * - no quality monitor: with `quality`, a {@link QualityMonitor} over the records, drift against the model folder's
 *   `profile.json` when it has one.
 *
 * Construct ids of the children (`ModelStore`, `Inference`, `Monitoring`, `Rollout`, `Budget`, `BatchScoring`, `Quality`,
 * `RetrainingSignals`) are
 * part of the contract: changing them replaces resources.
 */
import { RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import { BatchScoring, type BatchScoringProps } from './batch-scoring';
import { BatchEngine, type SageMakerTransformProps } from './batch/batch-engine';
import { DEFAULT_ACCOUNT_CONCURRENCY } from './batch/batch-limits';
import { COST_ALLOCATION_TAG_KEY, CostBudget, type CostAllocationTag, type CostBudgetProps } from './cost-budget';
import type { IInferenceEndpoint } from './inference-endpoint';
import { LambdaInference } from './lambda-inference';
import type { LambdaRollout } from './lambda-rollout';
import type { ModelArtifact } from './model-artifact';
import { ModelFile } from './model-file';
import { ModelStore, type ModelStoreProps } from './model-store';
import { Monitoring, type MonitoringProps } from './monitoring';
import { isDriftAlarm } from './monitoring/drift';
import { PropsValidator } from './props-validation';
import { QualityMonitor, type QualityMonitorProps } from './quality-monitor';
import type { TrainingProfile } from '../lambda/records/training-profile';
import { RetrainingSignals, retrainingSignalOf, type RetrainingSignalsProps } from './retraining-signals';
import { SageMakerInference } from './sagemaker-inference';
import { PredictionRecords, type PredictionRecordsProps } from './prediction-records';
import type { IPredictionRecords } from './prediction-records-interface';
import { ServingPlatform, type EndpointCapture } from './serving-platform';

/** Options of the endpoint's {@link ModelStore}: its props without what the {@link ModelEndpoint} supplies. */
export type ModelEndpointStoreOptions = Omit<ModelStoreProps, 'modelName' | 'model' | 'removalPolicy'>;

/** Options of the endpoint's {@link Monitoring}: its props without what the {@link ModelEndpoint} supplies. */
export type ModelEndpointMonitoringOptions = Omit<MonitoringProps, 'endpoint' | 'labels' | 'removalPolicy'>;

/** Options of the endpoint's {@link RetrainingSignals}, which carry its drift alarms. */
export interface ModelEndpointRetrainingOptions extends Omit<RetrainingSignalsProps, 'modelName' | 'alarms' | 'removalPolicy' | 'eventBus'> {
  /**
   * The bus the signals go to, by ARN, in the endpoint's region.
   * @default - the account's default event bus
   */
  readonly eventBusArn?: string;
}

/** Options of the endpoint's {@link CostBudget}, which alerts to the warning topic as well. */
export interface ModelEndpointBudgetOptions extends Omit<CostBudgetProps, 'topic' | 'costAllocationTag'> {
  /**
   * The tag whose resources the budget counts. The endpoint tags all its resources with it.
   * @default - `modelstack:cost-allocation` = the stack's name
   */
  readonly costAllocationTag?: CostAllocationTag;
}

/**
 * Options of the endpoint's {@link QualityMonitor}: its props without what the {@link ModelEndpoint} supplies (the
 * endpoint, the manifest, the evaluation's figures, the alarm topics, the dashboard and the removal policy).
 */
export interface ModelEndpointQualityOptions extends Omit<QualityMonitorProps, 'endpoint' | 'manifest' | 'evaluation' | 'topics' | 'dashboard' | 'removalPolicy' | 'records'> {
  /**
   * The prediction records the job reads.
   * @default - the endpoint's own `records` (with `capture`)
   */
  readonly records?: IPredictionRecords;
  /**
   * The training profile that feature drift is measured and alarmed against.
   * @default - the model's own (`profile.json` beside its manifest, `model.profile`); no drift without one
   */
  readonly profile?: TrainingProfile;
}

/** Options of the endpoint's {@link BatchScoring}: its props without what the {@link ModelEndpoint} supplies. */
export interface ModelEndpointBatchOptions
  extends Omit<BatchScoringProps, 'store' | 'manifest' | 'accessLogsBucket' | 'alarmTopic' | 'dashboard' | 'removalPolicy' | 'engine' | 'liveConcurrency'> {
  /**
   * The account's Lambda concurrency quota in the region: `maxConcurrency` and the live Lambda endpoint's reserved
   * concurrency must fit in it (checked at synth).
   * @default 1000
   */
  readonly accountConcurrencyLimit?: number;
  /**
   * Score with a SageMaker Batch Transform job on the endpoint's own model instead of the batch function; needs
   * the SageMaker platform.
   * @default - the batch function on a Distributed Map
   */
  readonly transform?: Omit<SageMakerTransformProps, 'modelName' | 'executionRole'>;
}

/**
 * Capture of sampled predictions into the endpoint's prediction records, on either platform (SageMaker data
 * capture, or the Lambda function's capture stream), with the records' lifecycle and ground-truth writer.
 */
export interface ModelEndpointCaptureOptions extends Omit<PredictionRecordsProps, 'modelName' | 'accessLogsBucket' | 'removalPolicy'> {
  /**
   * Share of prediction requests captured, 1 to 100 (a whole number: SageMaker's data capture takes no fractions).
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Keep the requests' inputs, not only the answers. Features the manifest marks `"capture": false` are left out
   * on Lambda; on SageMaker, whose data capture stores bodies whole, such a manifest refuses `captureInputs`.
   * @default false
   */
  readonly captureInputs?: boolean;
}

/** Properties of a {@link ModelEndpoint}. */
export interface ModelEndpointProps {
  /** The model and its manifest, checked against each other: `await inspectModelArtifact(modelPath, manifestPath)`. */
  readonly model: ModelArtifact;

  /**
   * Where the model is served.
   * @default ServingPlatform.lambda()
   */
  readonly platform?: ServingPlatform;

  /**
   * What happens to the stateful resources (buckets, keys, log groups) when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The model store's settings.
   * @default - the ModelStore defaults
   */
  readonly store?: ModelEndpointStoreOptions;

  /**
   * Alarm thresholds, recipients, drift baseline and drift settings.
   * @default - the Monitoring defaults: no drift alarms without a `predictionBaseline`
   */
  readonly monitoring?: ModelEndpointMonitoringOptions;

  /**
   * A monthly AWS Budget over the endpoint's resources.
   * @default - no budget
   */
  readonly budget?: ModelEndpointBudgetOptions;

  /**
   * Publish the drift alarms and the quality monitor's alarms (and optionally a schedule) as retraining signal events.
   * @default - no retraining signals
   */
  readonly retraining?: ModelEndpointRetrainingOptions;

  /**
   * Key figures of the model's evaluation, for the endpoint's metadata.
   * @default - none
   */
  readonly evaluation?: EvaluationKeyFigures;

  /**
   * Batch scoring of data sets in S3 with the same model, alarming on the warning topic, on the dashboard.
   * @default - no batch scoring
   */
  readonly batch?: ModelEndpointBatchOptions;

  /**
   * Capture of sampled predictions and ground truth in prediction records. Payloads may be personal data.
   * @default - no capture, no records
   */
  readonly capture?: ModelEndpointCaptureOptions;

  /**
   * Live quality: the endpoint's prediction records joined with ground truth, scored per window, feature drift
   * against the training profile; alarms on the endpoint's topics, a row on its dashboard.
   * @default - no quality monitor
   */
  readonly quality?: ModelEndpointQualityOptions;
}

/** A model served, watched, rolled out and budgeted: the composition modelstack's environments use. */
export class ModelEndpoint extends Construct {
  /** The model's storage. */
  public readonly store: ModelStore;
  /** The inference endpoint, on the chosen platform. */
  public readonly inference: IInferenceEndpoint;
  /** Alarms, topics and dashboard of the endpoint. */
  public readonly monitoring: Monitoring;
  /** How new Lambda versions reach traffic; `undefined` on SageMaker, whose endpoint rolls out itself. */
  public readonly rollout?: LambdaRollout;
  /** The budget; `undefined` without `budget`. */
  public readonly budget?: CostBudget;
  /** Batch scoring of data sets in S3; `undefined` without `batch`. */
  public readonly batch?: BatchScoring;
  /** The prediction records (captures, ground truth, quality) the quality job reads; `undefined` without `capture`. */
  public readonly records?: PredictionRecords;
  /** The live quality job and its alarms; `undefined` without `quality`. */
  public readonly quality?: QualityMonitor;
  /** Retraining signals out; `undefined` without `retraining`. */
  public readonly retrainingSignals?: RetrainingSignals;

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    const { model } = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const platform = props.platform ?? ServingPlatform.lambda();

    this.store = new ModelStore(this, 'ModelStore', { ...props.store, modelName: model.manifest.name, model: ModelFile.fromArtifact(model), removalPolicy });
    this.records = props.capture === undefined ? undefined : this.addRecords(props.capture, removalPolicy);
    const capture: EndpointCapture | undefined =
      props.capture === undefined || this.records === undefined
        ? undefined
        : { records: this.records, samplingPercentage: props.capture.samplingPercentage ?? 100, captureInputs: props.capture.captureInputs ?? false };
    this.inference = platform.bindEndpoint(this, 'Inference', {
      store: this.store,
      model,
      removalPolicy,
      ...(props.evaluation === undefined ? {} : { evaluation: props.evaluation }),
      ...(capture === undefined ? {} : { capture }),
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      ...props.monitoring,
      endpoint: this.inference,
      labels: model.manifest.task === 'regression' ? [] : model.manifest.output.labels,
      removalPolicy,
    });
    const alarmTopic = this.monitoring.topics.tryTopic('critical') ?? this.monitoring.topics.tryTopic('warning');
    this.rollout = platform.bindRollout(this, 'Rollout', this.inference, this.monitoring.rollbackAlarms, alarmTopic);
    if (props.budget !== undefined) this.budget = this.addBudget(props.budget);
    if (props.batch !== undefined) this.batch = this.addBatch(props.batch, model, removalPolicy);
    if (props.quality !== undefined) {
      const records = props.quality.records ?? this.records;
      if (records === undefined) {
        const validator = new PropsValidator(this);
        validator.fail('quality.records', undefined, "prediction records: set capture (the endpoint's own records) or quality.records");
        validator.throwIfInvalid();
      }
      // The model folder's profile.json unless the caller gives one.
      const profile = props.quality.profile ?? model.profile;
      this.quality = new QualityMonitor(this, 'Quality', {
        ...props.quality,
        records: records as IPredictionRecords,
        ...(profile === undefined ? {} : { profile }),
        endpoint: this.inference,
        manifest: model.manifest,
        ...(props.evaluation === undefined ? {} : { evaluation: props.evaluation }),
        topics: this.monitoring.topics,
        dashboard: this.monitoring.dashboard,
        removalPolicy,
      });
    }
    if (props.retraining !== undefined) {
      const { eventBusArn, ...retraining } = props.retraining;
      this.retrainingSignals = new RetrainingSignals(this, 'RetrainingSignals', {
        ...retraining,
        ...(eventBusArn === undefined ? {} : { eventBus: events.EventBus.fromEventBusArn(this, 'RetrainingBus', eventBusArn) }),
        modelName: model.manifest.name,
        // The alarms that say the model may be stale: prediction drift, and live quality (metrics past their minimum
        // or worse than the evaluation, feature drift; not the job's own failure) with a quality monitor.
        alarms: [...this.monitoring.alarms.filter((a) => isDriftAlarm(a.definition)), ...(this.quality?.modelAlarms ?? [])].map((a) => retrainingSignalOf(a.definition, a.alarm)),
        removalPolicy,
      });
    }
  }

  private addRecords(options: ModelEndpointCaptureOptions, removalPolicy: RemovalPolicy): PredictionRecords {
    const { samplingPercentage, captureInputs: _captureInputs, ...recordsProps } = options;
    const validator = new PropsValidator(this);
    validator.integerInRange('capture.samplingPercentage', samplingPercentage, 1, 100, '%');
    validator.throwIfInvalid();
    return new PredictionRecords(this, 'Records', {
      ...recordsProps,
      modelName: this.store.modelName,
      ...(this.store.accessLogsBucket === undefined ? {} : { accessLogsBucket: this.store.accessLogsBucket }),
      removalPolicy,
    });
  }

  private addBudget(options: ModelEndpointBudgetOptions): CostBudget {
    const costAllocationTag = options.costAllocationTag ?? { key: COST_ALLOCATION_TAG_KEY, value: Stack.of(this).stackName };
    // The budget counts what carries the tag: everything of this endpoint does.
    Tags.of(this).add(costAllocationTag.key, costAllocationTag.value);
    return new CostBudget(this, 'Budget', { ...options, costAllocationTag, topic: this.monitoring.topics.topic('warning') });
  }

  private addBatch(options: ModelEndpointBatchOptions, model: ModelArtifact, removalPolicy: RemovalPolicy): BatchScoring {
    const { accountConcurrencyLimit, transform, ...batchProps } = options;
    const inference = this.inference;
    if (transform !== undefined && !(inference instanceof SageMakerInference)) {
      const validator = new PropsValidator(this);
      validator.fail('batch.transform', transform.instanceType, `a SageMaker platform: the transform job runs the endpoint's SageMaker model, and this endpoint is on ${inference.platform}`);
      validator.throwIfInvalid();
    }
    const engine =
      transform !== undefined && inference instanceof SageMakerInference
        ? BatchEngine.sageMakerTransform({ ...transform, modelName: inference.model.attrModelName, executionRole: inference.role })
        : BatchEngine.lambda();
    // Batch reserves its own concurrency beside the live function's: both must fit in the account's quota.
    const reserved = inference instanceof LambdaInference ? inference.reservedConcurrentExecutions : undefined;
    return new BatchScoring(this, 'BatchScoring', {
      ...batchProps,
      store: this.store,
      manifest: model.manifest,
      accessLogsBucket: this.store.accessLogsBucket,
      alarmTopic: this.monitoring.topics.topic('warning'),
      dashboard: this.monitoring.dashboard,
      removalPolicy,
      engine,
      liveConcurrency: { accountLimit: accountConcurrencyLimit ?? DEFAULT_ACCOUNT_CONCURRENCY, ...(reserved === undefined ? {} : { reserved }) },
    });
  }
}
