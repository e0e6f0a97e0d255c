/**
 * The inference endpoint on AWS Lambda: a Node.js 24 function bundled locally (esbuild + a pruned onnxruntime-node,
 * no Docker), an alias `live` on the current version and an IAM-authenticated function URL on that alias.
 *
 * Default settings:
 * - x86_64, 2048 MiB, 30 s timeout, 512 MiB ephemeral storage, account's unreserved concurrency;
 * - X-Ray tracing active, JSON log format, source maps enabled (`NODE_OPTIONS=--enable-source-maps`);
 * - its own log group: 30-day retention, encrypted with a dedicated KMS key (rotation on) whose policy lets
 *   CloudWatch Logs use it for this log group only; removal policy RETAIN;
 * - its own role, whose statements are in one customer-managed policy: logs of its log group, X-Ray, and
 *   `s3:GetObject` + `kms:Decrypt` on its model's objects only;
 * - function URL with `AWS_IAM` auth (never public); old versions retained for rollbacks.
 */
import * as path from 'node:path';
import { Annotations, AssetHashType, DockerImage, Duration, RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_METRICS_NAMESPACE,
  RUNTIME_ENV,
} from '../lambda/core/runtime-config';
import { formatBytes } from './bundling/bundle-size';
import { OnnxRuntimeBundling } from './bundling/lambda-bundling';
import { BUNDLE_ENTRY_FILE, PROJECT_ROOT } from './bundling/runtime-bundle';
import { LambdaCapture } from './lambda-capture';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { IInferenceEndpoint } from './inference-endpoint';
import type { LambdaInferenceProps } from './lambda-inference-props';
import { LambdaNetwork } from './lambda-network';
import { LambdaProvisionedConcurrency, type ProvisionedConcurrencyScalingProps } from './lambda-scaling';
import { lambdaMonitoringMetrics } from './monitoring/lambda-metrics';
import type { PlatformMetric } from './monitoring/platform-metric';
import { ManagedPolicyRole } from './managed-policy-role';
import { iam5ResourceFinding } from './private/nag-findings';
import { NEW_ACCOUNT_CONCURRENCY, warnIfQuotaTooLow } from './private/lambda-quotas';
import { acknowledgeRule } from './private/nag-rules';
import { RuntimeMetricMethods } from './private/runtime-metric-methods';
import { RuntimeMetrics } from './private/runtime-metrics';
import { validateLambdaInferenceProps } from './private/lambda-inference-validation';

/** Name of the alias that serves traffic (and carries the function URL). */
export const LIVE_ALIAS_NAME = 'live';

/**
 * Serves a model from AWS Lambda behind an IAM-authenticated function URL.
 *
 * Callers need {@link grantInvoke}; later deployments can shift traffic by moving the {@link alias}.
 */
export class LambdaInference extends RuntimeMetricMethods implements IInferenceEndpoint {
  public readonly platform = 'lambda';
  public readonly endpointUrlDescription = 'Function URL of the live alias (IAM auth: sign requests with SigV4, service "lambda")';
  /** The model served (the store's `modelName`). */
  public readonly modelName: string;
  /** The function timeout. */
  public readonly requestTimeout: Duration;
  /** The function (construct id `Resource`). */
  public readonly function: lambda.Function;
  /** Alias `live` on the function's current version: what the URL serves. */
  public readonly alias: lambda.Alias;
  /** The function URL (AWS_IAM auth) on {@link alias}. */
  public readonly functionUrl: lambda.FunctionUrl;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The function's log group and its dedicated key. */
  public readonly logs: EncryptedLogGroup;
  /** The function's role; its statements are in one customer-managed policy. */
  public readonly role: iam.IRole;
  /** Unzipped size of the deployment package in bytes; `undefined` when bundling was skipped for this stack. */
  public readonly bundleSizeBytes?: number;
  /** Estimated zipped size of the deployment package in bytes; `undefined` when bundling was skipped. */
  public readonly bundleZippedBytes?: number;
  /** The account's concurrent-executions quota the quota warnings assume. */
  public readonly accountConcurrencyQuota: number;
  /** The function's VPC placement; `undefined` outside a VPC. */
  public readonly network?: LambdaNetwork;
  /** Concurrency reserved for the function; `undefined` when it shares the account's pool. */
  public readonly reservedConcurrentExecutions?: number;
  /** The stream carrying captured predictions to the records; `undefined` without `capture`. */
  public readonly capture?: LambdaCapture;
  protected readonly runtimeMetrics: RuntimeMetrics;
  private scaledConcurrency?: LambdaProvisionedConcurrency;

  constructor(scope: Construct, id: string, props: LambdaInferenceProps) {
    super(scope, id);

    const store = props.store;
    const architecture = props.architecture ?? lambda.Architecture.X86_64;
    const memorySizeMiB = props.memorySizeMiB ?? 2048;
    const timeout = props.timeout ?? Duration.seconds(30);
    const ephemeralStorageSize = props.ephemeralStorageSize ?? Size.mebibytes(512);
    const maxBatchSize = props.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const maxPayloadBytes = props.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
    const metricsNamespace = props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    validateLambdaInferenceProps(this, props, { architecture, memorySizeMiB, timeout, ephemeralStorageSize, maxBatchSize, maxPayloadBytes, metricsNamespace });

    this.logs = new EncryptedLogGroup(this, 'Logs', {
      purpose: `the inference function of model '${store.modelName}'`,
      retention: props.logRetention,
      encryptionKey: props.logEncryptionKey,
      removalPolicy,
    });
    this.logGroup = this.logs.logGroup;
    this.runtimeMetrics = new RuntimeMetrics({
      namespace: metricsNamespace,
      modelName: store.modelName,
      labels: props.manifest.task === 'regression' ? [] : props.manifest.output.labels,
    });
    this.modelName = store.modelName;
    this.requestTimeout = timeout;
    this.reservedConcurrentExecutions = props.reservedConcurrentExecutions;
    this.accountConcurrencyQuota = props.accountConcurrencyQuota ?? NEW_ACCOUNT_CONCURRENCY;
    warnIfQuotaTooLow(this, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions, this.accountConcurrencyQuota);

    const role = new ManagedPolicyRole(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the inference function of model '${store.modelName}' (modelstack)`,
    });
    this.role = role;
    if (props.network !== undefined) {
      this.network = new LambdaNetwork(this, 'Network', props.network);
      this.network.grantEni(role);
    }

    const entry = props.entry ?? path.join(PROJECT_ROOT, 'lambda', 'hosts', 'lambda-handler.ts');
    const bundling = new OnnxRuntimeBundling({
      entry,
      architecture,
      manifest: props.manifest,
      projectRoot: PROJECT_ROOT,
      bundleAwsSdk: props.bundleAwsSdk,
    });

    this.function = new lambda.Function(this, 'Resource', {
      description: `modelstack inference: model '${store.modelName}' ${props.manifest.version}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture,
      handler: `${path.basename(BUNDLE_ENTRY_FILE, '.js')}.handler`,
      code: lambda.Code.fromAsset(path.dirname(path.resolve(entry)), {
        // The bundle, not the source folder, defines the asset: same bundle, same hash, no new version.
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: DockerImage.fromRegistry('none-local-only'), local: bundling },
      }),
      role,
      memorySize: memorySizeMiB,
      timeout,
      ephemeralStorageSize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      ...(this.network === undefined ? {} : { vpc: this.network.vpc, vpcSubnets: this.network.subnets, securityGroups: [...this.network.securityGroups] }),
      environment: {
        [RUNTIME_ENV.modelBucket]: store.bucket.bucketName,
        [RUNTIME_ENV.modelKey]: store.modelKey,
        [RUNTIME_ENV.modelSha256]: store.modelSha256,
        [RUNTIME_ENV.maxBatchSize]: String(maxBatchSize),
        [RUNTIME_ENV.maxPayloadBytes]: String(maxPayloadBytes),
        [RUNTIME_ENV.logPayloads]: String(props.logPayloads ?? false),
        [RUNTIME_ENV.metricsNamespace]: metricsNamespace,
        ...(props.evaluation === undefined ? {} : { [RUNTIME_ENV.evaluation]: JSON.stringify(props.evaluation) }),
        ...(props.capture === undefined
          ? {}
          : {
              [RUNTIME_ENV.captureSamplingPercentage]: String(props.capture.samplingPercentage),
              [RUNTIME_ENV.captureInputs]: String(props.capture.captureInputs ?? false),
            }),
        POWERTOOLS_SERVICE_NAME: store.modelName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // Old versions stay so the alias can be moved back to one (rollback, canary).
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    // The function reads the model when it starts: the object must be there first.
    this.function.node.addDependency(store.modelDeployment);

    this.logs.grantWrite(this.function);
    store.grantRead(this.function);
    if (props.capture !== undefined) {
      this.capture = new LambdaCapture(this, 'Capture', { records: props.capture.records, logGroup: this.logGroup, functionName: this.function.functionName, removalPolicy });
    }

    this.alias = new lambda.Alias(this, 'LiveAlias', { aliasName: LIVE_ALIAS_NAME, version: this.function.currentVersion });
    this.functionUrl = this.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

    const report = bundling.report;
    if (report !== undefined) {
      this.bundleSizeBytes = report.unzippedBytes;
      this.bundleZippedBytes = report.zippedBytes;
      Annotations.of(this).addInfo(
        `Lambda bundle (${report.architecture}): ${formatBytes(report.unzippedBytes)} unzipped, about ${formatBytes(report.zippedBytes)} zipped, ${report.fileCount} files`,
      );
    }

    this.acknowledgeFindings(props);
  }

  /**
   * Lets `grantee` call the function URL with SigV4: `lambda:InvokeFunctionUrl` (condition
   * `lambda:FunctionUrlAuthType = AWS_IAM`) and, as Lambda requires since October 2025, `lambda:InvokeFunction`
   * (condition `lambda:InvokedViaFunctionUrl = true`), both on the `live` alias only.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return this.alias.grantInvokeUrl(grantee);
  }

  /** The function URL of the `live` alias. */
  public get endpointUrl(): string {
    return this.functionUrl.url;
  }

  /** Invocation errors of the `live` alias (sum over 5 minutes unless overridden). */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricErrors(props);
  }

  /** Duration of the `live` alias's invocations (average over 5 minutes unless overridden). */
  public metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricDuration(props);
  }

  /** Throttled invocations of the `live` alias (sum over 5 minutes unless overridden). */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricThrottles(props);
  }

  /** Invocations of the `live` alias (sum over 5 minutes unless overridden). */
  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.alias.metricInvocations(props);
  }

  /** The `live` alias's `Duration` (average over 5 minutes unless overridden). */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricDuration(props);
  }

  /** Provisioned concurrency of the `live` alias, once {@link autoScaleProvisionedConcurrency} has been called. */
  public get provisionedConcurrency(): LambdaProvisionedConcurrency | undefined {
    return this.scaledConcurrency;
  }

  /** Gives the `live` alias provisioned concurrency, auto-scaled between the bounds (see lib/lambda-scaling.ts). Once. */
  public autoScaleProvisionedConcurrency(props: ProvisionedConcurrencyScalingProps): LambdaProvisionedConcurrency {
    if (this.scaledConcurrency !== undefined) throw new Error(`${this.node.path}: provisioned concurrency is already auto-scaled`);
    const reservedConcurrentExecutions = this.reservedConcurrentExecutions;
    this.scaledConcurrency = new LambdaProvisionedConcurrency(this, 'ProvisionedConcurrency', { ...props, alias: this.alias, reservedConcurrentExecutions });
    // Without a reservation, provisioned executions come out of the account's unreserved pool.
    if (reservedConcurrentExecutions === undefined) warnIfQuotaTooLow(this, 'provisioned concurrency (maxCapacity)', props.maxCapacity, this.accountConcurrencyQuota);
    return this.scaledConcurrency;
  }

  /** Concurrency against the reservation and, with provisioned concurrency, its spillover (lib/monitoring/lambda-metrics.ts). */
  public metricsForMonitoring(): PlatformMetric[] {
    const hasProvisionedConcurrency = this.scaledConcurrency !== undefined;
    return lambdaMonitoringMetrics({ function: this.function, alias: this.alias, reservedConcurrentExecutions: this.reservedConcurrentExecutions, hasProvisionedConcurrency });
  }

  private acknowledgeFindings(props: LambdaInferenceProps): void {
    Validations.of(this.role).acknowledge({
      id: iam5ResourceFinding(this, '*'),
      reason:
        props.network === undefined
          ? 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) do not support resource-level permissions; AWS requires Resource "*".'
          : 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing), and the ec2 network-interface actions Lambda uses to place the function in its VPC, do not support resource-level permissions; AWS requires Resource "*".',
    });
    const fn = this.function;
    acknowledgeRule(fn, 'LambdaDLQ', 'Invoked synchronously through its function URL, which returns errors to the caller; there are no asynchronous events to dead-letter.');
    if (props.network === undefined) {
      acknowledgeRule(
        fn,
        'LambdaInsideVPC',
        'No VPC placement was configured: the function reads one object from S3 and serves a function URL, reaching no private resources; access is IAM-authenticated and S3 access is TLS-only and KMS-encrypted. Set a VPC placement to keep its traffic on private endpoints.',
      );
    }
    if (props.reservedConcurrentExecutions === undefined) {
      acknowledgeRule(
        fn,
        'LambdaConcurrency',
        "reservedConcurrentExecutions was left unset for this deployment: the function shares the account's unreserved concurrency. Set it to cap cost and protect other functions.",
      );
    }
  }
}
