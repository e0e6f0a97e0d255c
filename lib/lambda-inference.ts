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
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import type { Manifest } from '../lambda/core/manifest';
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
import type { IPredictionRecords } from './prediction-records-interface';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { IInferenceEndpoint } from './inference-endpoint';
import { LambdaNetwork, type LambdaNetworkOptions } from './lambda-network';
import { LambdaProvisionedConcurrency, type ProvisionedConcurrencyScalingProps } from './lambda-scaling';
import { lambdaMonitoringMetrics } from './monitoring/lambda-metrics';
import type { PlatformMetric } from './monitoring/platform-metric';
import { ManagedPolicyRole } from './managed-policy-role';
import type { IModelStore } from './model-store-interface';
import { iam5ResourceFinding } from './private/nag-findings';
import { NEW_ACCOUNT_CONCURRENCY, warnIfQuotaTooLow } from './private/lambda-quotas';
import { acknowledgeRule } from './private/nag-rules';
import { RuntimeMetricMethods } from './private/runtime-metric-methods';
import { RuntimeMetrics } from './private/runtime-metrics';
import { validateLambdaInferenceProps } from './private/lambda-inference-validation';

/** Name of the alias that serves traffic (and carries the function URL). */
export const LIVE_ALIAS_NAME = 'live';


/** What a {@link LambdaInference} captures of its predictions, and where to. */
export interface LambdaInferenceCapture {
  /** The records the captured predictions go to, under `capture/<function name>/live/`. */
  readonly records: IPredictionRecords;
  /** Share of prediction requests captured: more than 0, at most 100 (fractions allowed). */
  readonly samplingPercentage: number;
  /**
   * Keep the requests' inputs (the features the manifest marks `"capture": false` are left out), not only the answers.
   * @default false
   */
  readonly captureInputs?: boolean;
}

/** Properties of a {@link LambdaInference}. */
export interface LambdaInferenceProps {
  /** Where the model is: the function reads `store.modelKey` and may read nothing else of the store. */
  readonly store: IModelStore;

  /**
   * The validated manifest of the model (`name` must equal `store.modelName`). It is written into the bundle
   * as `model.json`, so a manifest change deploys a new function version.
   */
  readonly manifest: Manifest;

  /**
   * The evaluation's key figures, handed to the runtime (`MODEL_EVALUATION`) for the model metadata document.
   * @default - none
   */
  readonly evaluation?: EvaluationKeyFigures;

  /**
   * CPU architecture. ARM_64 (Graviton) is about 20% cheaper per GB-second, but onnxruntime has a history of
   * start-up failures on arm64 Lambda, where cpuinfo cannot read `/sys` ("Error in cpuinfo: failed to parse
   * the list of possible processors", microsoft/onnxruntime issue 10038): test a cold start before switching.
   * @default lambda.Architecture.X86_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * Memory in MiB, a whole number from 128 to 10240; Lambda allocates CPU in proportion (1769 MiB = 1 vCPU).
   * @default 2048
   */
  readonly memorySizeMiB?: number;

  /**
   * Function timeout: a whole number of seconds from 1 second to 15 minutes. It also bounds the first
   * request's model download and session creation.
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;

  /**
   * Concurrent executions reserved for (and capping) the function; at least 1.
   * @default - no reservation: the function shares the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * The account's Lambda "Concurrent executions" quota in this region (Service Quotas L-B99A9384). Synth warns
   * when the reserved concurrency, or provisioned concurrency without a reservation, would leave Lambda fewer
   * unreserved executions than it keeps (100, or the whole quota below that).
   * @default 10 - a new account's reduced quota
   */
  readonly accountConcurrencyQuota?: number;

  /**
   * Size of `/tmp`, from 512 MiB to 10240 MiB.
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;

  /**
   * Most instances one request may carry (`MAX_BATCH_SIZE`; 413 above), from 1 to 1,000,000.
   * @default 1000
   */
  readonly maxBatchSize?: number;

  /**
   * Largest request body in bytes (`MAX_PAYLOAD_BYTES`; 413 above), from 1 to 6291456 (the function URL's limit).
   * @default 6291456
   */
  readonly maxPayloadBytes?: number;

  /**
   * Log request bodies and error details (`LOG_PAYLOADS`). Payloads may hold personal data.
   * @default false
   */
  readonly logPayloads?: boolean;

  /**
   * CloudWatch namespace of the runtime's metrics (`POWERTOOLS_METRICS_NAMESPACE`): 1-255 letters, digits or
   * `. _ - / # :` and spaces, not starting with `AWS/`.
   * @default 'modelstack'
   */
  readonly metricsNamespace?: string;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key encrypting the log group. A key defined in this app gets a key-policy statement letting CloudWatch
   * Logs use it for this log group; an imported key's policy must already allow that (a warning says so).
   * @default - a new key with rotation enabled, dedicated to this log group
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * What happens to the log group (and the log key this construct creates) when they leave the stack.
   * The log group has a generated name (`/modelstack/<stack name>/<construct path>-<hash>`) so the key policy
   * can name it: after deleting a stack whose log group was retained, delete or rename that log group before
   * creating the stack again under the same name.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Places the function in private subnets of a VPC, behind a security group with no inbound rule, with the S3
   * gateway and X-Ray interface endpoints it needs (see lib/lambda-network.ts for when to use it).
   * @default - no VPC: Lambda's own network
   */
  readonly network?: LambdaNetworkOptions;

  /**
   * The handler's TypeScript entry, exporting `handler`. Checked when the bundle is built (not when bundling
   * is skipped for this stack).
   * @default - `lambda/hosts/lambda-handler.ts` in the project root
   */
  readonly entry?: string;

  /**
   * Capture a sample of predictions into prediction records (`lib/lambda-capture.ts`). Payloads may be personal
   * data: off unless set.
   * @default - no capture
   */
  readonly capture?: LambdaInferenceCapture;

  /**
   * Bundle the AWS SDK v3 into `index.js` (pinned, tested version) rather than use the runtime's copy.
   * Costs about 1.5 MB unzipped / 0.4 MB zipped.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

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
