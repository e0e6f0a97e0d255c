/**
 * The inference endpoint on Amazon SageMaker: this repo's runtime as a container (`lambda/hosts/container.ts`),
 * built from the L1 `CfnModel` / `CfnEndpointConfig` / `CfnEndpoint`, on instances or serverless.
 *
 * Default settings:
 * - one instance variant named `primary` on one `ml.c6i.large` (or one serverless variant, never both);
 * - the model from its own S3 prefix (`models/<name>/<version>/` with `model.onnx` and `model.json` only, `S3Prefix`,
 *   `CompressionType: None`), verified by SHA-256 in the container;
 * - network isolation on for instance variants (the container needs no network: SageMaker copies the model);
 * - the endpoint config's storage volume encrypted with the model store's KMS key;
 * - its log group `/aws/sagemaker/Endpoints/<endpoint name>` created here: retention one month, a dedicated KMS key;
 * - its own execution role, one customer-managed policy: read this model's objects (and decrypt through S3), list
 *   this version's prefix only,
 *   pull its image, write its log group, put metrics in the runtime's namespace. No managed policies, no `s3:*`.
 */
import { Aws, Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { Construct } from 'constructs';
import type { Manifest } from '../lambda/core/manifest';
import { CONTAINER_ENV, DEFAULT_MAX_BATCH_SIZE, DEFAULT_METRICS_NAMESPACE, RUNTIME_ENV } from '../lambda/core/runtime-config';
import { ContainerImage } from './container-image';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { IInferenceEndpoint } from './inference-endpoint';
import type { ManagedPolicyRole } from './managed-policy-role';
import type { ModelFile } from './model-file';
import type { IModelStore } from './model-store-interface';
import type { PlatformMetric } from './monitoring/platform-metric';
import { inMilliseconds, sageMakerMonitoringMetrics } from './monitoring/sagemaker-metrics';
import { iam5ResourceFinding } from './private/nag-findings';
import { RuntimeMetricMethods } from './private/runtime-metric-methods';
import { RuntimeMetrics } from './private/runtime-metrics';
import { VariantAutoScaling, type AutoScalingOptions } from './sagemaker/autoscaling';
import { renderDeploymentConfig, type DeploymentOptions } from './sagemaker/deployment';
import { SageMakerInstanceType } from './sagemaker/instance-type';
import { DataCapture, type DataCaptureOptions } from './sagemaker/data-capture';
import { createExecutionRole } from './sagemaker/execution-role';
import { createRollbackAlarms } from './sagemaker/rollback-alarms';
import { validateSageMakerProps } from './sagemaker/validation';
import { SageMakerModelData } from './sagemaker/model-data';
import { ModelNetwork, type NetworkOptions } from './sagemaker/network';
import { renderShadowVariant, type ShadowVariantOptions } from './sagemaker/shadow-variant';
import { PRODUCTION_VARIANT_NAME, renderProductionVariant, type InstanceVariantOptions, type ServerlessVariantOptions } from './sagemaker/variants';

/** SageMaker real-time invocation payload limit: 6 MB. */
export const SAGEMAKER_REALTIME_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** SageMaker serverless invocation payload limit: 4 MB. */
export const SAGEMAKER_SERVERLESS_MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** SageMaker gives a real-time invocation 60 seconds. */
const INVOCATION_TIMEOUT = Duration.seconds(60);

/** What `grantInvoke` allows. */
const INVOKE_ACTIONS = ['sagemaker:InvokeEndpoint'];

/** Properties of a {@link SageMakerInference}. */
export interface SageMakerInferenceProps {
  /** Where the model is stored: its key encrypts the endpoint config's volumes. */
  readonly store: IModelStore;
  /** The store's ONNX file (`sha256` must equal `store.modelSha256`). */
  readonly model: ModelFile;
  /** The validated manifest (`name` must equal `store.modelName`); deployed next to the model as `model.json`. */
  readonly manifest: Manifest;
  /**
   * The container image.
   * @default - ContainerImage.fromAsset({ manifest }): this repo's runtime, built by `cdk deploy`
   */
  readonly image?: ContainerImage;
  /**
   * Serve from dedicated instances. Cannot be combined with `serverlessVariant`.
   * @default - one ml.c6i.large, unless `serverlessVariant` is given
   */
  readonly instanceVariant?: InstanceVariantOptions;
  /**
   * Serve from SageMaker Serverless Inference instead of instances. Cannot be combined with `instanceVariant`.
   * @default - instances
   */
  readonly serverlessVariant?: ServerlessVariantOptions;
  /**
   * Scale the instance variant with Application Auto Scaling (not serverless, not burstable `ml.t*` types).
   * @default - a fixed instance count
   */
  readonly autoScaling?: AutoScalingOptions;
  /**
   * Guarded rollout of endpoint updates (blue/green or rolling, with auto-rollback alarms).
   * @default - SageMaker's default update: blue/green, all at once, no alarms
   */
  readonly deployment?: DeploymentOptions;
  /**
   * Place the models' ENIs in a VPC (with the VPC endpoints they then need). Not with serverless.
   * @default - no VPC: SageMaker's own network, with network isolation for instance variants
   */
  readonly network?: NetworkOptions;
  /**
   * A candidate model run as a shadow variant on a copy of live traffic (instance variants only).
   * @default - none
   */
  readonly shadowVariant?: ShadowVariantOptions;
  /**
   * Capture a sample of requests and responses into prediction records, KMS-encrypted (not with serverless).
   * @default - off
   */
  readonly dataCapture?: DataCaptureOptions;
  /**
   * Keep the variant's current properties (the instance count autoscaling set) when an update deploys a new
   * endpoint config; data capture settings always come from the new config.
   * @default - true when autoScaling is set, else false
   */
  readonly retainAllVariantProperties?: boolean;
  /**
   * Most instances one request may carry (`MAX_BATCH_SIZE`), 1 to 1,000,000.
   * @default 1000
   */
  readonly maxBatchSize?: number;
  /**
   * Largest request body in bytes (`MAX_PAYLOAD_BYTES`), up to SageMaker's limit: 6 MB real-time, 4 MB serverless.
   * @default - SageMaker's limit for the variant
   */
  readonly maxPayloadBytes?: number;
  /**
   * Log request bodies and error details. Payloads may hold personal data.
   * @default false
   */
  readonly logPayloads?: boolean;
  /**
   * Run the predictions a worker is asked for at the same moment (one event-loop turn) together, one model run for
   * many requests (`MODELSTACK_DYNAMIC_BATCHING`): more requests per second under concurrent load. A row's answer may
   * then differ in the last bits of a float32 from its answer alone (a matrix product can sum in another order in a
   * bigger batch); `false` runs every request alone.
   * @default true
   */
  readonly dynamicBatching?: boolean;
  /**
   * CloudWatch namespace of the runtime's metrics.
   * @default 'modelstack'
   */
  readonly metricsNamespace?: string;
  /**
   * How long the endpoint's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * KMS key of the log group.
   * @default - a new key with rotation, dedicated to this log group
   */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * What happens to the log group, its key and the model prefix's objects when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Serves a model from a SageMaker endpoint (IAM-authenticated `InvokeEndpoint`). Callers need {@link grantInvoke}.
 */
export class SageMakerInference extends RuntimeMetricMethods implements IInferenceEndpoint {
  public readonly platform = 'sagemaker';
  public readonly endpointUrlDescription = 'SageMaker runtime InvokeEndpoint URL (IAM auth: sign requests with SigV4, service "sagemaker")';
  public readonly modelName: string;
  public readonly requestTimeout = INVOCATION_TIMEOUT;
  /** The generated endpoint name (lower case; also the metrics' `EndpointName`). */
  public readonly endpointName: string;
  /** The production variant's name, stable across updates. */
  public readonly variantName = PRODUCTION_VARIANT_NAME;
  /** Whether the production variant is serverless. */
  public readonly serverless: boolean;
  /** The endpoint (construct id `Resource`). */
  public readonly endpoint: sagemaker.CfnEndpoint;
  /** The endpoint configuration. */
  public readonly endpointConfig: sagemaker.CfnEndpointConfig;
  /** The production model. */
  public readonly model: sagemaker.CfnModel;
  /** The shadow (candidate) model, when a shadow variant is configured. */
  public readonly shadowModel?: sagemaker.CfnModel;
  /** The candidate's S3 prefix, when a shadow variant is configured. */
  public readonly shadowModelData?: SageMakerModelData;
  /** The model's S3 prefix for SageMaker. */
  public readonly modelData: SageMakerModelData;
  /** The instance variant's autoscaling, when configured. */
  public readonly autoScaling?: VariantAutoScaling;
  /**
   * The alarms that roll an update back (5XX rate, p99 model latency), when a deployment config is set:
   * reuse them for notifications instead of creating alarms on the same metrics again.
   */
  public readonly rollbackAlarms: readonly cloudwatch.Alarm[];
  /** The VPC placement, when configured. */
  public readonly network?: ModelNetwork;
  /** The data capture bucket and key, when capture is on. */
  public readonly dataCapture?: DataCapture;
  /** The execution role; its statements are in one customer-managed policy. */
  public readonly role: ManagedPolicyRole;
  /** The endpoint's log group and its key. */
  public readonly logs: EncryptedLogGroup;
  protected readonly runtimeMetrics: RuntimeMetrics;
  private readonly instanceVcpus: number;

  constructor(scope: Construct, id: string, props: SageMakerInferenceProps) {
    super(scope, id);
    const store = props.store;
    const serverless = props.serverlessVariant !== undefined;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const payloadLimit = serverless ? SAGEMAKER_SERVERLESS_MAX_PAYLOAD_BYTES : SAGEMAKER_REALTIME_MAX_PAYLOAD_BYTES;
    const maxPayloadBytes = props.maxPayloadBytes ?? payloadLimit;
    validateSageMakerProps(this, props, { metricsNamespace, maxPayloadBytes, payloadLimit });

    this.serverless = serverless;
    this.instanceVcpus = (props.instanceVariant?.instanceType ?? SageMakerInstanceType.C6I_LARGE).vcpus;
    this.modelName = store.modelName;
    this.endpointName = Names.uniqueResourceName(this, { maxLength: 63, separator: '-' }).toLowerCase();
    this.runtimeMetrics = new RuntimeMetrics({
      namespace: metricsNamespace,
      modelName: store.modelName,
      labels: props.manifest.task === 'regression' ? [] : props.manifest.output.labels,
    });

    this.logs = new EncryptedLogGroup(this, 'Logs', {
      purpose: `the SageMaker endpoint of model '${store.modelName}'`,
      logGroupName: `/aws/sagemaker/Endpoints/${this.endpointName}`,
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy,
    });
    this.modelData = new SageMakerModelData(this, 'ModelData', { store, model: props.model, manifest: props.manifest, removalPolicy });
    const shadow = props.shadowVariant;
    if (shadow !== undefined) {
      this.shadowModelData = new SageMakerModelData(this, 'ShadowModelData', { store, model: shadow.model, manifest: shadow.manifest, removalPolicy });
    }
    const modelPrefixes = [this.modelData.prefix, ...(this.shadowModelData === undefined ? [] : [this.shadowModelData.prefix])];
    this.role = createExecutionRole(this, { store, modelPrefixes, logGroup: this.logs.logGroup, metricsNamespace });
    const image = (props.image ?? ContainerImage.fromAsset({ manifest: props.manifest })).bind(this, this.role);

    if (props.network !== undefined) {
      this.network = new ModelNetwork(this, 'Network', props.network);
      this.network.grantEni(this.role);
    }
    const environment = {
      [RUNTIME_ENV.maxBatchSize]: String(props.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
      [RUNTIME_ENV.maxPayloadBytes]: String(maxPayloadBytes),
      [RUNTIME_ENV.logPayloads]: String(props.logPayloads ?? false),
      [RUNTIME_ENV.metricsNamespace]: metricsNamespace,
      POWERTOOLS_SERVICE_NAME: store.modelName,
      // Only the opt-out is written: the runtime batches by default.
      ...(props.dynamicBatching === false ? { [CONTAINER_ENV.dynamicBatching]: 'false' } : {}),
    };
    this.model = this.createModel('Model', image.imageUri, this.modelData, environment, !serverless);
    if (this.shadowModelData !== undefined) this.shadowModel = this.createModel('ShadowModel', image.imageUri, this.shadowModelData, environment, true);

    if (props.dataCapture !== undefined) {
      this.dataCapture = new DataCapture(this, 'DataCapture', {
        ...props.dataCapture,
        modelName: store.modelName,
        ...(store.accessLogsBucket === undefined ? {} : { accessLogsBucket: store.accessLogsBucket }),
        removalPolicy,
      });
      this.dataCapture.grantWrite(this.role);
    }
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      kmsKeyId: store.encryptionKey.keyArn,
      ...(this.dataCapture === undefined ? {} : { dataCaptureConfig: this.dataCapture.config }),
      productionVariants: [renderProductionVariant(props, this.model.attrModelName)],
      ...(shadow === undefined || this.shadowModel === undefined
        ? {}
        : { shadowProductionVariants: [renderShadowVariant(shadow, this.shadowModel.attrModelName, props.instanceVariant?.instanceType)] }),
    });
    this.rollbackAlarms = props.deployment === undefined ? [] : createRollbackAlarms(this, this, props.deployment.rollbackThresholds);
    const retain = props.retainAllVariantProperties ?? props.autoScaling !== undefined;
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Resource', {
      endpointName: this.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      ...(props.deployment === undefined
        ? {}
        : { deploymentConfig: renderDeploymentConfig(props.deployment, [...this.rollbackAlarms, ...(props.deployment.additionalRollbackAlarms ?? [])]) }),
      ...(retain ? { retainAllVariantProperties: true, excludeRetainedVariantProperties: [{ variantPropertyType: 'DataCaptureConfig' }] } : {}),
    });
    this.endpoint.node.addDependency(this.logs);
    if (props.autoScaling !== undefined) {
      this.autoScaling = new VariantAutoScaling(this, 'AutoScaling', { ...props.autoScaling, endpointName: this.endpointName, variantName: this.variantName });
      this.autoScaling.scalableTarget.node.addDependency(this.endpoint);
    }

    this.acknowledgeFindings();
  }

  /** Lets `grantee` call `sagemaker:InvokeEndpoint` on this endpoint only. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: INVOKE_ACTIONS, resourceArns: [this.endpointArn] });
  }

  /** ARN of the endpoint. */
  public get endpointArn(): string {
    return this.endpoint.ref;
  }

  /** The SageMaker runtime URL of `InvokeEndpoint` for this endpoint. */
  public get endpointUrl(): string {
    return `https://runtime.sagemaker.${Aws.REGION}.${Aws.URL_SUFFIX}/endpoints/${this.endpointName}/invocations`;
  }

  /** A metric of this endpoint's production variant in `AWS/SageMaker`; the caller's options are spread last. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      statistic: 'Sum',
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { EndpointName: this.endpointName, VariantName: this.variantName, ...props.dimensionsMap },
    });
  }

  /** `Invocations` (Sum over 5 minutes unless overridden). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  /** `Invocation4XXErrors` (Sum over 5 minutes unless overridden). */
  public metricInvocation4XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', props);
  }

  /** `Invocation5XXErrors` (Sum over 5 minutes unless overridden). */
  public metricInvocation5XXErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', props);
  }

  /** `ModelLatency`, in microseconds (Average over 5 minutes unless overridden). */
  public metricModelLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', { statistic: 'Average', ...props });
  }

  /** `OverheadLatency`, in microseconds (Average over 5 minutes unless overridden). */
  public metricOverheadLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OverheadLatency', { statistic: 'Average', ...props });
  }

  /** `ModelSetupTime` of serverless cold starts, in microseconds (Average over 5 minutes unless overridden). */
  public metricModelSetupTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ModelSetupTime', { statistic: 'Average', ...props });
  }

  /** Server-side failures: `Invocation5XXErrors`. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricInvocation5XXErrors(props);
  }

  /** `ModelLatency` converted to milliseconds, like Lambda's `Duration`. */
  public metricLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    // The expression's metric id names the statistic, so several percentiles can share one alarm or graph.
    return inMilliseconds(this.metricModelLatency(props), props.label ?? 'ModelLatency (ms)');
  }

  /** The 4XX rate, overhead latency, instance CPU and memory (or serverless model setup time) for monitoring. */
  public metricsForMonitoring(): PlatformMetric[] {
    return sageMakerMonitoringMetrics({ endpointName: this.endpointName, variantName: this.variantName, serverless: this.serverless, instanceVcpus: this.instanceVcpus });
  }

  /** SageMaker reports no throttling metric: real-time endpoints queue, serverless answers 429 (a 4XX). */
  public metricThrottles(): undefined {
    return undefined;
  }

  private createModel(id: string, imageUri: string, data: SageMakerModelData, environment: Record<string, string>, isolated: boolean): sagemaker.CfnModel {
    const model = new sagemaker.CfnModel(this, id, {
      executionRoleArn: this.role.roleArn,
      // The container needs no network: SageMaker copies the model in. Serverless does not support isolation.
      enableNetworkIsolation: isolated,
      primaryContainer: {
        image: imageUri,
        modelDataSource: { s3DataSource: { s3Uri: data.s3Uri, s3DataType: 'S3Prefix', compressionType: 'None' } },
        environment: { [RUNTIME_ENV.modelSha256]: data.modelSha256, ...environment },
      },
      ...(this.network === undefined ? {} : { vpcConfig: this.network.vpcConfig }),
    });
    // SageMaker checks the role's permissions and copies the model when it creates the model and the endpoint.
    // The role itself is ordered by executionRoleArn; its policy is a separate resource to wait for.
    model.node.addDependency(this.role.policy, data.deployment);
    return model;
  }

  private acknowledgeFindings(): void {
    Validations.of(this.role).acknowledge({
      id: iam5ResourceFinding(this, '*'),
      reason: `ecr:GetAuthorizationToken (pulling the image) and cloudwatch:PutMetricData (limited by the cloudwatch:namespace condition to the runtime namespace)${
        this.network === undefined ? '' : ', and the EC2 network-interface actions SageMaker uses to attach the model to its VPC,'
      } do not support resource-level permissions; AWS requires Resource "*".`,
    });
  }
}

