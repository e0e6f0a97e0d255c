import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BatchScoring } from './batch-scoring';
import { BATCH_STATE_MACHINE_OUTPUT } from './batch/remote-run';
import { COST_ALLOCATION_TAG_KEY, type CostBudget } from './cost-budget';
import { evaluationTags } from './evaluation/evaluation-tags';
import type { IInferenceEndpoint } from './inference-endpoint';
import type { LambdaRollout } from './lambda-rollout';
import { ModelEndpoint, type ModelEndpointProps } from './model-endpoint';
import type { ModelStore } from './model-store';
import type { Monitoring } from './monitoring';
import { RECORDS_OUTPUTS } from './records/records-outputs';

export { RECORDS_OUTPUTS } from './records/records-outputs';

/** Properties of a {@link ModelStack}. */
export interface ModelStackProps extends StackProps {
  /** Name of the environment (`dev`, `staging`, `prod`, ...): tagged on every resource, never a policy switch. */
  readonly environmentName: string;
  /** The model endpoint the stack holds. */
  readonly endpoint: ModelEndpointProps;
  /**
   * Tags applied to every resource of the stack (as `Tags.of(stack)`, unlike `tags`, which are stack-level tags).
   * @default {}
   */
  readonly resourceTags?: Readonly<Record<string, string>>;
}

/**
 * One environment of one model: a {@link ModelEndpoint} in a stack of its own, tagged (environment, model,
 * version, evaluation, cost allocation) with the outputs the CLI reads. Built from an environment's config by
 * `modelStackProps()` in config/endpoint-props.ts. Physical names are all generated, so several environments
 * (or models) can share an account.
 */
export class ModelStack extends Stack {
  /** The endpoint and everything around it. */
  public readonly endpoint: ModelEndpoint;
  /** The model's storage: KMS key, bucket, access logs and the content-addressed model object. */
  public readonly store: ModelStore;
  /** The inference endpoint, on whichever platform the props name. */
  public readonly inference: IInferenceEndpoint;
  /** Alarms, topics and dashboard of the endpoint. */
  public readonly monitoring: Monitoring;
  /** How new Lambda versions reach traffic; `undefined` on SageMaker, whose endpoint rolls out itself. */
  public readonly rollout?: LambdaRollout;
  /** The environment's AWS Budget over this stack's cost-allocation tag; `undefined` without a budget. */
  public readonly budget?: CostBudget;
  /** Batch scoring of data sets in S3; `undefined` without batch in the endpoint's props. */
  public readonly batch?: BatchScoring;

  constructor(scope: Construct, id: string, props: ModelStackProps) {
    super(scope, id, props);
    // The id `Default` is left out of logical ids and generated names, so the resources keep the ids they had as
    // direct children of the stack: wrapping them changed no resource of a deployed environment.
    this.endpoint = new ModelEndpoint(this, 'Default', props.endpoint);
    this.store = this.endpoint.store;
    this.inference = this.endpoint.inference;
    this.monitoring = this.endpoint.monitoring;
    this.rollout = this.endpoint.rollout;
    this.budget = this.endpoint.budget;
    this.batch = this.endpoint.batch;
    this.addTags(props);
    this.addOutputs();
  }

  private addTags(props: ModelStackProps): void {
    const { manifest } = props.endpoint.model;
    for (const [key, value] of Object.entries(props.resourceTags ?? {})) Tags.of(this).add(key, value);
    Tags.of(this).add('modelstack:environment', props.environmentName);
    Tags.of(this).add('modelstack:model', manifest.name);
    Tags.of(this).add('modelstack:model-version', manifest.version);
    for (const [key, value] of Object.entries(evaluationTags(props.endpoint.evaluation))) Tags.of(this).add(key, value);
    // What a budget (and Cost Explorer) selects this stack's costs by.
    Tags.of(this).add(COST_ALLOCATION_TAG_KEY, this.stackName);
  }

  private addOutputs(): void {
    new CfnOutput(this, 'InferenceUrl', { description: this.inference.endpointUrlDescription, value: this.inference.endpointUrl });
    new CfnOutput(this, 'ModelBucketName', { description: 'Bucket holding the model', value: this.store.bucket.bucketName });
    new CfnOutput(this, 'ModelKey', { description: 'Content-addressed key of the served model', value: this.store.modelKey });
    new CfnOutput(this, 'ModelSha256', { description: 'SHA-256 the endpoint verifies when it loads the model', value: this.store.modelSha256 });
    const records = this.endpoint.records;
    if (records !== undefined) {
      new CfnOutput(this, RECORDS_OUTPUTS.bucket, { description: 'Prediction records: capture/, ground-truth/ (modelstack label), quality/', value: records.bucket.bucketName });
      new CfnOutput(this, RECORDS_OUTPUTS.groundTruthWriter, { description: 'Role that may write ground truth under ground-truth/ (and nothing else)', value: records.groundTruthWriter.roleArn });
    }
    if (this.batch !== undefined) {
      new CfnOutput(this, BATCH_STATE_MACHINE_OUTPUT, { description: 'Batch scoring state machine (modelstack batch --env)', value: this.batch.stateMachine.stateMachineArn });
      new CfnOutput(this, 'BatchInputUri', { description: 'Where batch input goes', value: this.batch.locations.inputUri });
    }
  }
}
