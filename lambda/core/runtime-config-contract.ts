/**
 * What the runtime configuration is, without the schemas that read it: the variables' names, the bounds each value
 * must keep, the typed result and how it is assembled from the values read, and the error that names bad ones.
 *
 * Two readers share it: the schemas (`runtime-config.ts`, zod), which name every problem, and the plain reader
 * (`plain-runtime-config.ts`), which the Lambda function tries first at cold start so that it need not load zod.
 */
import * as path from 'node:path';
import type { EvaluationKeyFigures } from './evaluation-figures';
import type { S3DownloadTimeouts } from './model-source';
import { CheckFailure } from './modelstack-error';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_METRICS_NAMESPACE, MANIFEST_FILE_NAME } from './runtime-defaults';

/** The environment variables the runtime reads (the CDK construct sets all but the namespace default). */
export const RUNTIME_ENV = {
  modelBucket: 'MODEL_BUCKET',
  modelKey: 'MODEL_KEY',
  modelSha256: 'MODEL_SHA256',
  manifestPath: 'MODEL_MANIFEST',
  maxBatchSize: 'MAX_BATCH_SIZE',
  maxPayloadBytes: 'MAX_PAYLOAD_BYTES',
  logPayloads: 'LOG_PAYLOADS',
  evaluation: 'MODEL_EVALUATION',
  s3ConnectTimeoutMs: 'MODEL_S3_CONNECT_TIMEOUT_MS',
  s3ReadTimeoutMs: 'MODEL_S3_READ_TIMEOUT_MS',
  s3AttemptTimeoutMs: 'MODEL_S3_ATTEMPT_TIMEOUT_MS',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  captureSamplingPercentage: 'CAPTURE_SAMPLING_PERCENTAGE',
  captureInputs: 'CAPTURE_INPUTS',
} as const;

/** An S3 bucket name as `MODEL_BUCKET` (and `CAPTURE_BUCKET`) must be. */
export const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Longest S3 key, in UTF-8 bytes. */
export const MAX_MODEL_KEY_BYTES = 1024;
/** `MODEL_SHA256`, after trimming: the SHA-256 of model.onnx in hex, either case. */
export const MODEL_SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
/** Largest `MAX_PAYLOAD_BYTES`: 1 GiB. */
export const MAX_PAYLOAD_BYTES_LIMIT = 1024 * 1024 * 1024;
/** Largest S3 timeout of a model download, each of the three, in ms. */
export const MAX_S3_TIMEOUT_MS = 900_000;
/** Longest `POWERTOOLS_METRICS_NAMESPACE` (CloudWatch's limit), in UTF-16 code units as the schema counts. */
export const MAX_METRICS_NAMESPACE_LENGTH = 255;
/** A positive whole number variable, after trimming. */
export const WHOLE_NUMBER_PATTERN = /^\d+$/;
/** A percentage variable, after trimming. */
export const PERCENTAGE_PATTERN = /^\d+(\.\d+)?$/;
/** Words a true/false variable accepts, trimmed and in any case. */
export const TRUE_WORDS: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
export const FALSE_WORDS: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);
/** The verdicts of the evaluation's key figures (`MODEL_EVALUATION`). */
export const EVALUATION_VERDICTS = ['pass', 'fail'] as const;
/** The SHA-256 of the evaluated data in the evaluation's key figures: lower-case hex. */
export const DATA_SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** What the runtime captures of its predictions (`serving/prediction-capture.ts`). */
export interface CaptureConfig {
  /** Share of prediction requests captured, above 0 and at most 100. */
  readonly samplingPercentage: number;
  /** Keep the inputs (without the features marked `"capture": false`). */
  readonly captureInputs: boolean;
}

/** Validated runtime configuration. */
export interface RuntimeConfig {
  /** Bucket of the ONNX model. */
  readonly modelBucket: string;
  /** Key of the ONNX model in {@link modelBucket}. */
  readonly modelKey: string;
  /** Expected SHA-256 of the ONNX bytes, lower-case hex. */
  readonly modelSha256: string;
  /** Absolute (or bundle-relative) path of the manifest. */
  readonly manifestPath: string;
  readonly limits: { readonly maxBatchSize: number; readonly maxPayloadBytes: number };
  /** Log request bodies (truncated) and client error details. Off by default: payloads may be personal data. */
  readonly logPayloads: boolean;
  /** CloudWatch namespace of the EMF metrics. */
  readonly metricsNamespace: string;
  /** The evaluation's key figures, when the stack provides them. */
  readonly evaluation?: EvaluationKeyFigures;
  /** Bounds of a model download attempt, where any is set. @default DEFAULT_S3_TIMEOUTS */
  readonly s3Timeouts?: S3DownloadTimeouts;
  /** Capture of sampled predictions; absent when `CAPTURE_SAMPLING_PERCENTAGE` is unset or 0. */
  readonly capture?: CaptureConfig;
}

export interface RuntimeConfigOptions {
  /** Directory the default manifest path is resolved against. @default the directory of this module (the bundle) */
  readonly bundleDir?: string;
}

/** Raised when the environment is not a valid configuration; the message names every bad variable and its value. */
export class RuntimeConfigError extends CheckFailure {
  constructor(readonly problems: readonly string[]) {
    super(`invalid runtime configuration (environment variables):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RuntimeConfigError';
  }
}

/** The variables' values once read and checked (unset ones undefined), by variable name. */
export interface RuntimeVariables {
  readonly MODEL_BUCKET: string;
  readonly MODEL_KEY: string;
  readonly MODEL_SHA256: string;
  readonly MODEL_MANIFEST?: string;
  readonly MAX_BATCH_SIZE?: number;
  readonly MAX_PAYLOAD_BYTES?: number;
  readonly LOG_PAYLOADS?: boolean;
  readonly MODEL_S3_CONNECT_TIMEOUT_MS?: number;
  readonly MODEL_S3_READ_TIMEOUT_MS?: number;
  readonly MODEL_S3_ATTEMPT_TIMEOUT_MS?: number;
  readonly POWERTOOLS_METRICS_NAMESPACE?: string;
  readonly MODEL_EVALUATION?: EvaluationKeyFigures;
  readonly CAPTURE_SAMPLING_PERCENTAGE?: number;
  readonly CAPTURE_INPUTS?: boolean;
}

/** The configuration of checked variable values, with the defaults. */
export function runtimeConfigOf(parsed: RuntimeVariables, options: RuntimeConfigOptions = {}): RuntimeConfig {
  const bundleDir = options.bundleDir ?? __dirname;
  return {
    modelBucket: parsed.MODEL_BUCKET,
    modelKey: parsed.MODEL_KEY,
    modelSha256: parsed.MODEL_SHA256,
    manifestPath:
      parsed.MODEL_MANIFEST === undefined ? path.join(bundleDir, MANIFEST_FILE_NAME) : path.resolve(bundleDir, parsed.MODEL_MANIFEST),
    ...servingSettingsOf(parsed),
    ...(parsed.MODEL_EVALUATION === undefined ? {} : { evaluation: parsed.MODEL_EVALUATION }),
    ...s3TimeoutsOf(parsed.MODEL_S3_CONNECT_TIMEOUT_MS, parsed.MODEL_S3_READ_TIMEOUT_MS, parsed.MODEL_S3_ATTEMPT_TIMEOUT_MS),
    ...captureOf(parsed.CAPTURE_SAMPLING_PERCENTAGE, parsed.CAPTURE_INPUTS),
  };
}

/** The request limits, payload logging and metrics namespace every serving host reads, with their defaults. */
export function servingSettingsOf(
  parsed: Pick<RuntimeVariables, 'MAX_BATCH_SIZE' | 'MAX_PAYLOAD_BYTES' | 'LOG_PAYLOADS' | 'POWERTOOLS_METRICS_NAMESPACE'>,
): Pick<RuntimeConfig, 'limits' | 'logPayloads' | 'metricsNamespace'> {
  return {
    limits: {
      maxBatchSize: parsed.MAX_BATCH_SIZE ?? DEFAULT_MAX_BATCH_SIZE,
      maxPayloadBytes: parsed.MAX_PAYLOAD_BYTES ?? DEFAULT_MAX_PAYLOAD_BYTES,
    },
    logPayloads: parsed.LOG_PAYLOADS ?? false,
    metricsNamespace: parsed.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
  };
}

/** Capture settings of the two capture variables: none when the percentage is unset or 0. */
export function captureOf(samplingPercentage?: number, captureInputs?: boolean): { capture?: CaptureConfig } {
  if (samplingPercentage === undefined || samplingPercentage === 0) return {};
  return { capture: { samplingPercentage, captureInputs: captureInputs ?? false } };
}

function s3TimeoutsOf(connect?: number, read?: number, attempt?: number): { s3Timeouts?: S3DownloadTimeouts } {
  if (connect === undefined && read === undefined && attempt === undefined) return {};
  return {
    s3Timeouts: {
      ...(connect === undefined ? {} : { connectTimeoutMs: connect }),
      ...(read === undefined ? {} : { readTimeoutMs: read }),
      ...(attempt === undefined ? {} : { attemptTimeoutMs: attempt }),
    },
  };
}

/**
 * Whether the process runs inside AWS Lambda (the runtime API is only set there). The handler module starts
 * loading the model at import time only in Lambda, so that importing it elsewhere (tests, tools) has no side effects.
 */
export function isLambdaEnvironment(env: NodeJS.ProcessEnv): boolean {
  return typeof env.AWS_LAMBDA_RUNTIME_API === 'string' && env.AWS_LAMBDA_RUNTIME_API !== '';
}
