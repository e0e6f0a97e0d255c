import { CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config/schema';
import { COST_ALLOCATION_TAG_KEY, CostBudget } from './cost-budget';
import type { IInferenceEndpoint } from './inference-endpoint';
import type { LambdaRollout } from './lambda-rollout';
import type { ModelArtifact } from './model-artifact';
import { ModelFile } from './model-file';
import { ModelStore } from './model-store';
import { Monitoring } from './monitoring';
import type { PredictionBaseline } from './monitoring/drift';
import { monitoringProps } from './monitoring/from-config';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import { evaluationTags } from './evaluation/evaluation-tags';
import { buildEndpoint, type PlatformContext } from './platforms';
import { buildRollout } from './platforms/operations';

/** Properties of a {@link ModelStack}. */
export interface ModelStackProps extends StackProps {
  /** Name of the environment (`dev`, `staging`, `prod`, ...): tagged on every resource, never a policy switch. */
  readonly environmentName: string;
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /** The model and its manifest, already checked against each other. */
  readonly model: ModelArtifact;
  /**
   * Key figures of the model's evaluation (checked fresh at synth), tagged on every resource.
   * @default - none: no evaluation.json, and no gate for the environment
   */
  readonly evaluation?: EvaluationKeyFigures;
  /**
   * The model's prediction distribution on its evaluation data, the center of the drift alarms' bands
   * (`predictionBaseline()` in lib/evaluation/drift-baseline.ts derives it).
   * @default - no drift alarms: synth warns unless alarms.drift.enabled is false
   */
  readonly predictionBaseline?: PredictionBaseline;
}

/**
 * One environment of one model, composed from a validated config: the store, then the endpoint on the configured
 * platform, then whatever operates on that endpoint through {@link IInferenceEndpoint} only. Physical names are
 * all generated, so several environments (or models) can share an account.
 */
export class ModelStack extends Stack {
  /** The model's storage: KMS key, bucket, access logs and the content-addressed model object. */
  public readonly store: ModelStore;
  /** The inference endpoint, on whichever platform the config names. */
  public readonly inference: IInferenceEndpoint;
  /** Alarms, topics and dashboard of the endpoint. */
  public readonly monitoring: Monitoring;
  /**
   * How new Lambda versions reach traffic, rolling back on the critical alarms; `undefined` on SageMaker, whose
   * endpoint's deployment config rolls out (and back) itself.
   */
  public readonly rollout?: LambdaRollout;
  /** The environment's AWS Budget over this stack's cost-allocation tag; `undefined` without `budget` in the config. */
  public readonly budget?: CostBudget;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    const { config, model, environmentName } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.store = new ModelStore(this, 'ModelStore', {
      modelName: model.manifest.name,
      model: ModelFile.fromArtifact(model),
      removalPolicy,
      noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
      accessLogsExpiration: Duration.days(config.storage.accessLogsExpirationDays),
    });
    const context: PlatformContext = { config, model, store: this.store, removalPolicy, ...(props.evaluation === undefined ? {} : { evaluation: props.evaluation }) };
    this.inference = buildEndpoint(this, 'Inference', context);
    this.monitoring = new Monitoring(this, 'Monitoring', monitoringProps(config, this.inference, model.manifest, props.predictionBaseline, removalPolicy));
    const alarmTopic = this.monitoring.topics.tryTopic('critical') ?? this.monitoring.topics.tryTopic('warning');
    this.rollout = buildRollout(this, 'Rollout', context, this.inference, this.monitoring.rollbackAlarms, alarmTopic);
    // Cost (issue 10): the budget counts the resources tagged with this stack's cost-allocation tag (addTags).
    if (config.budget !== undefined) {
      this.budget = new CostBudget(this, 'Budget', {
        monthlyLimitUsd: config.budget.monthlyLimitUsd,
        actualThresholdsPercent: config.budget.alertThresholdsPercent,
        forecastThresholdPercent: config.budget.forecastThresholdPercent,
        emails: config.budget.emails ?? config.alarms.emails,
        topic: this.monitoring.topics.topic('warning'),
        costAllocationTag: { key: COST_ALLOCATION_TAG_KEY, value: this.stackName },
      });
    }

    this.addTags(config, model, environmentName, props.evaluation);
    this.addOutputs();
  }

  private addTags(config: EnvironmentConfig, model: ModelArtifact, environmentName: string, evaluation: EvaluationKeyFigures | undefined): void {
    for (const [key, value] of Object.entries(config.tags)) Tags.of(this).add(key, value);
    Tags.of(this).add('modelstack:environment', environmentName);
    Tags.of(this).add('modelstack:model', model.manifest.name);
    Tags.of(this).add('modelstack:model-version', model.manifest.version);
    for (const [key, value] of Object.entries(evaluationTags(evaluation))) Tags.of(this).add(key, value);
    Tags.of(this).add(COST_ALLOCATION_TAG_KEY, this.stackName);
  }

  private addOutputs(): void {
    new CfnOutput(this, 'InferenceUrl', { description: this.inference.endpointUrlDescription, value: this.inference.endpointUrl });
    new CfnOutput(this, 'ModelBucketName', { description: 'Bucket holding the model', value: this.store.bucket.bucketName });
    new CfnOutput(this, 'ModelKey', { description: 'Content-addressed key of the served model', value: this.store.modelKey });
    new CfnOutput(this, 'ModelSha256', { description: 'SHA-256 the endpoint verifies when it loads the model', value: this.store.modelSha256 });
  }
}
