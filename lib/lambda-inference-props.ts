/**
 * The properties of a `LambdaInference` (lib/lambda-inference.ts): the model, the function's size and
 * limits, its logs, capture, network and bundling options.
 */
import type { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import type { Manifest } from '../lambda/core/manifest';
import type { LambdaNetworkOptions } from './lambda-network';
import type { IModelStore } from './model-store-interface';
import type { IPredictionRecords } from './prediction-records-interface';

/** What a `LambdaInference` captures of its predictions, and where to. */
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

/** Properties of a `LambdaInference`. */
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
