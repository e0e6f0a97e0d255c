/**
 * The inference runtime's configuration, read from environment variables. This is the ONLY module of the runtime
 * that reads the environment: everything else receives a typed {@link RuntimeConfig}.
 *
 * The CDK construct sets exactly these variables on the function:
 *
 * | Variable            | Meaning                                                        | Default                        |
 * | ------------------- | -------------------------------------------------------------- | ------------------------------ |
 * | `MODEL_BUCKET`      | S3 bucket holding `model.onnx`                                  | required                       |
 * | `MODEL_KEY`         | S3 key of `model.onnx`                                          | required                       |
 * | `MODEL_SHA256`      | SHA-256 (64 hex characters) the downloaded bytes must have      | required                       |
 * | `MODEL_MANIFEST`    | Path of the manifest (`model.json`) inside the bundle           | `model.json` next to the bundle |
 * | `MAX_BATCH_SIZE`    | Most instances in one request (413 above)                       | 1000                           |
 * | `MAX_PAYLOAD_BYTES` | Largest request body in bytes (413 above)                       | 6291456 (6 MiB)                |
 * | `LOG_PAYLOADS`      | Log request bodies and error details (`true`/`false`)           | `false`                        |
 * | `MODEL_EVALUATION`  | The evaluation's key figures (JSON), for the metadata document   | none                           |
 * | `MODEL_S3_CONNECT_TIMEOUT_MS` | Longest wait for the connection to S3 (model download)  | 3000                           |
 * | `MODEL_S3_READ_TIMEOUT_MS`    | Longest silence of S3 once connected                    | 5000                           |
 * | `MODEL_S3_ATTEMPT_TIMEOUT_MS` | Longest download attempt, body included                 | 60000                          |
 * | `CAPTURE_SAMPLING_PERCENTAGE` | Share of predictions captured, 0 to 100 (`records/`)     | 0: no capture                  |
 * | `CAPTURE_INPUTS`    | Keep the inputs of captured predictions (`true`/`false`)        | `false`                        |
 *
 * The container outside SageMaker (and `modelstack serve`) also reads `CAPTURE_BUCKET` (the records bucket its
 * captures go to; capture is on only with it), `CAPTURE_NAME` (the folder under `capture/`, default the model's name)
 * and `CAPTURE_S3_ENDPOINT` (an S3-compatible server).
 *
 * Powertools reads its own `POWERTOOLS_*` variables (log level, service name...); the metrics namespace is resolved
 * here because the runtime passes a default (`modelstack`) that `POWERTOOLS_METRICS_NAMESPACE` overrides.
 */
import * as path from 'node:path';
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.cjs';
import { EvaluationFiguresSchema, type EvaluationKeyFigures } from './evaluation-figures';
import { formatPath, formatValue } from './issues';
import type { S3DownloadTimeouts } from './model-source';
import { CheckFailure } from './modelstack-error';

import {
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_METRICS_NAMESPACE,
  MANIFEST_FILE_NAME,
  MAX_BATCH_SIZE_LIMIT,
  MAX_CONTAINER_WORKERS,
} from './runtime-defaults';

// The runtime's limits and names live in a module of their own, which a server reads without this one's schemas.
export * from './runtime-defaults';

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

/** Raised when the environment is not a valid configuration; the message names every bad variable and its value. */
export class RuntimeConfigError extends CheckFailure {
  constructor(readonly problems: readonly string[]) {
    super(`invalid runtime configuration (environment variables):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RuntimeConfigError';
  }
}

/** Unset and empty variables are treated alike. */
const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** zod/mini carries no messages of its own: zod's English ones, for the problems no custom message covers. */
const PARSE_OPTIONS = { reportInput: true, error: english().localeError } as const;

/** A variable read through `schema`, unset when empty. */
const variable = <T extends z.core.$ZodType>(schema: T) => z.pipe(z.transform(unsetIfEmpty), schema);

const positiveInteger = (max: number) =>
  z.pipe(
    z.string().check(z.trim(), z.regex(/^\d+$/, { message: 'must be a positive whole number' })),
    z.pipe(
      z.transform(Number),
      z.number().check(
        z.refine((n) => Number.isSafeInteger(n) && n >= 1 && n <= max, { message: `must be a whole number between 1 and ${max}` }),
      ),
    ),
  );

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

const flag = z.pipe(
  z.pipe(z.string(), z.transform((v) => v.trim().toLowerCase())).check(
    z.refine((v) => TRUE_WORDS.has(v) || FALSE_WORDS.has(v), { message: 'must be true or false' }),
  ),
  z.transform((v) => TRUE_WORDS.has(v)),
);

const percentage = z.pipe(
  z.string().check(z.trim(), z.regex(/^\d+(\.\d+)?$/, { message: 'must be a percentage from 0 to 100' })),
  z.pipe(z.transform(Number), z.number().check(z.refine((n) => n <= 100, { message: 'must be a percentage from 0 to 100' }))),
);

const evaluationJson = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: 'custom', input: text, message: 'must be JSON (the evaluation key figures the stack writes)' });
        return z.NEVER;
      }
    }),
  ),
  EvaluationFiguresSchema,
);

// zod's lighter entry (zod/mini): the configuration is read at every cold start, before the first request.
const envSchema = z.object({
  MODEL_BUCKET: variable(
    z.string().check(
      z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
        message: 'must be an S3 bucket name (3-63 lower-case letters, digits, dots or hyphens)',
      }),
    ),
  ),
  MODEL_KEY: variable(
    z.string().check(z.refine((key) => Buffer.byteLength(key) <= 1024, { message: 'must be an S3 key of at most 1024 bytes' })),
  ),
  MODEL_SHA256: variable(
    z.pipe(
      z.string().check(z.trim(), z.regex(/^[0-9a-fA-F]{64}$/, { message: 'must be 64 hexadecimal characters (the SHA-256 of model.onnx)' })),
      z.transform((hex) => hex.toLowerCase()),
    ),
  ),
  MODEL_MANIFEST: variable(z.optional(z.string())),
  MAX_BATCH_SIZE: variable(z.optional(positiveInteger(MAX_BATCH_SIZE_LIMIT))),
  MAX_PAYLOAD_BYTES: variable(z.optional(positiveInteger(1024 * 1024 * 1024))),
  LOG_PAYLOADS: variable(z.optional(flag)),
  MODEL_S3_CONNECT_TIMEOUT_MS: variable(z.optional(positiveInteger(900_000))),
  MODEL_S3_READ_TIMEOUT_MS: variable(z.optional(positiveInteger(900_000))),
  MODEL_S3_ATTEMPT_TIMEOUT_MS: variable(z.optional(positiveInteger(900_000))),
  POWERTOOLS_METRICS_NAMESPACE: variable(z.optional(z.string().check(z.maxLength(255, { message: 'must be at most 255 characters' })))),
  MODEL_EVALUATION: variable(z.optional(evaluationJson)),
  CAPTURE_SAMPLING_PERCENTAGE: variable(z.optional(percentage)),
  CAPTURE_INPUTS: variable(z.optional(flag)),
});

/** One problem of a variable: its name (and the path inside a JSON value), what is wrong, and the value set. */
function describeVariableIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = String(issue.path[0]);
  const raw = env[name];
  if (raw === undefined) return `${name}: is required`;
  if (raw.trim() === '') return `${name}: is required (it is set but empty)`;
  // The raw string, not the parsed value: that is what the operator set. Inside a JSON value, the path too.
  return `${formatPath(issue.path)}: ${issue.message} (got ${formatValue(raw)})`;
}

export interface RuntimeConfigOptions {
  /** Directory the default manifest path is resolved against. @default the directory of this module (the bundle) */
  readonly bundleDir?: string;
}

/**
 * Reads and validates the runtime configuration from `env` (pass `process.env`).
 * @throws RuntimeConfigError naming each bad variable, its value and what is allowed.
 */
export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv, options: RuntimeConfigOptions = {}): RuntimeConfig {
  const result = envSchema.safeParse(env, PARSE_OPTIONS);
  if (!result.success) {
    throw new RuntimeConfigError(result.error.issues.map((issue) => describeVariableIssue(issue, env)));
  }
  const parsed = result.data;
  const bundleDir = options.bundleDir ?? __dirname;
  return {
    modelBucket: parsed.MODEL_BUCKET,
    modelKey: parsed.MODEL_KEY,
    modelSha256: parsed.MODEL_SHA256,
    manifestPath:
      parsed.MODEL_MANIFEST === undefined
        ? path.join(bundleDir, MANIFEST_FILE_NAME)
        : path.resolve(bundleDir, parsed.MODEL_MANIFEST),
    limits: {
      maxBatchSize: parsed.MAX_BATCH_SIZE ?? DEFAULT_MAX_BATCH_SIZE,
      maxPayloadBytes: parsed.MAX_PAYLOAD_BYTES ?? DEFAULT_MAX_PAYLOAD_BYTES,
    },
    logPayloads: parsed.LOG_PAYLOADS ?? false,
    metricsNamespace: parsed.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    ...(parsed.MODEL_EVALUATION === undefined ? {} : { evaluation: parsed.MODEL_EVALUATION }),
    ...s3TimeoutsOf(parsed.MODEL_S3_CONNECT_TIMEOUT_MS, parsed.MODEL_S3_READ_TIMEOUT_MS, parsed.MODEL_S3_ATTEMPT_TIMEOUT_MS),
    ...captureOf(parsed.CAPTURE_SAMPLING_PERCENTAGE, parsed.CAPTURE_INPUTS),
  };
}

function captureOf(samplingPercentage?: number, captureInputs?: boolean): { capture?: CaptureConfig } {
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


/** SageMaker's port and model directory for a serving container. */
export const SAGEMAKER_DEFAULT_PORT = 8080;
export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';

/** Validated configuration of the SageMaker container host. */
export interface ContainerConfig {
  /** Port to listen on (0 picks a free one, for tests). */
  readonly port: number;
  /** Directory holding `model.onnx` and `model.json`. */
  readonly modelDir: string;
  /** Expected SHA-256 of `model.onnx`, lower-case hex. */
  readonly modelSha256: string;
  readonly limits: { readonly maxBatchSize: number; readonly maxPayloadBytes: number };
  readonly logPayloads: boolean;
  readonly metricsNamespace: string;
  /** Server workers sharing the port. @default - one per CPU available */
  readonly workers?: number;
  /** Concurrent predictions share model runs (`core/dynamic-batching.ts`). @default true */
  readonly dynamicBatching: boolean;
  /** Capture to a records bucket (off on SageMaker, whose own data capture does it). @default - none */
  readonly capture?: ServerCaptureConfig;
}

/** Capture of a server outside Lambda: what to capture, and the bucket it goes to. */
export interface ServerCaptureConfig extends CaptureConfig {
  /** The records bucket. */
  readonly bucket: string;
  /** The folder under `capture/`. @default the model's name */
  readonly name?: string;
  /** An S3-compatible server's URL. @default - S3 */
  readonly endpoint?: string;
}

/** The container's capture variables, beside {@link RUNTIME_ENV}'s. */
export const CAPTURE_SERVER_ENV = { bucket: 'CAPTURE_BUCKET', name: 'CAPTURE_NAME', endpoint: 'CAPTURE_S3_ENDPOINT' } as const;

const containerEnvSchema = z.extend(
  z.pick(envSchema, {
    MODEL_SHA256: true,
    MAX_BATCH_SIZE: true,
    MAX_PAYLOAD_BYTES: true,
    LOG_PAYLOADS: true,
    POWERTOOLS_METRICS_NAMESPACE: true,
    CAPTURE_SAMPLING_PERCENTAGE: true,
    CAPTURE_INPUTS: true,
  }),
  {
    CAPTURE_BUCKET: variable(z.optional(z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name' })))),
    CAPTURE_NAME: variable(z.optional(z.string().check(z.regex(/^[A-Za-z0-9._-]{1,200}$/, { message: 'must be 1 to 200 letters, digits, dots, hyphens or underscores' })))),
    CAPTURE_S3_ENDPOINT: variable(z.optional(z.string().check(z.refine((v) => URL.canParse(v), { message: 'must be a URL such as http://127.0.0.1:4569' })))),
    SAGEMAKER_BIND_TO_PORT: variable(
      z.optional(
        z.pipe(
          z.string().check(z.trim(), z.regex(/^\d+$/, { message: 'must be a port number from 0 to 65535' })),
          z.pipe(z.transform(Number), z.number().check(z.refine((n) => n <= 65535, { message: 'must be a port number from 0 to 65535' }))),
        ),
      ),
    ),
    MODELSTACK_MODEL_DIR: variable(z.optional(z.string())),
    SAGEMAKER_MODEL_SERVER_WORKERS: variable(z.optional(positiveInteger(MAX_CONTAINER_WORKERS))),
    MODELSTACK_DYNAMIC_BATCHING: variable(z.optional(flag)),
  },
);

/**
 * Reads and validates the container host's configuration from `env` (pass `process.env`).
 * @throws RuntimeConfigError naming each bad variable, its value and what is allowed.
 */
export function containerConfigFromEnv(env: NodeJS.ProcessEnv): ContainerConfig {
  const result = containerEnvSchema.safeParse(env, PARSE_OPTIONS);
  if (!result.success) {
    throw new RuntimeConfigError(result.error.issues.map((issue) => describeVariableIssue(issue, env)));
  }
  const parsed = result.data;
  return {
    port: parsed.SAGEMAKER_BIND_TO_PORT ?? SAGEMAKER_DEFAULT_PORT,
    modelDir: parsed.MODELSTACK_MODEL_DIR ?? SAGEMAKER_MODEL_DIR,
    modelSha256: parsed.MODEL_SHA256,
    limits: {
      maxBatchSize: parsed.MAX_BATCH_SIZE ?? DEFAULT_MAX_BATCH_SIZE,
      maxPayloadBytes: parsed.MAX_PAYLOAD_BYTES ?? DEFAULT_MAX_PAYLOAD_BYTES,
    },
    logPayloads: parsed.LOG_PAYLOADS ?? false,
    metricsNamespace: parsed.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
    ...(parsed.SAGEMAKER_MODEL_SERVER_WORKERS === undefined ? {} : { workers: parsed.SAGEMAKER_MODEL_SERVER_WORKERS }),
    dynamicBatching: parsed.MODELSTACK_DYNAMIC_BATCHING ?? true,
    ...serverCaptureOf(parsed),
  };
}

function serverCaptureOf(parsed: {
  CAPTURE_SAMPLING_PERCENTAGE?: number;
  CAPTURE_INPUTS?: boolean;
  CAPTURE_BUCKET?: string;
  CAPTURE_NAME?: string;
  CAPTURE_S3_ENDPOINT?: string;
}): { capture?: ServerCaptureConfig } {
  const { capture } = captureOf(parsed.CAPTURE_SAMPLING_PERCENTAGE, parsed.CAPTURE_INPUTS);
  if (capture === undefined || parsed.CAPTURE_BUCKET === undefined) return {};
  return {
    capture: {
      ...capture,
      bucket: parsed.CAPTURE_BUCKET,
      ...(parsed.CAPTURE_NAME === undefined ? {} : { name: parsed.CAPTURE_NAME }),
      ...(parsed.CAPTURE_S3_ENDPOINT === undefined ? {} : { endpoint: parsed.CAPTURE_S3_ENDPOINT }),
    },
  };
}

/** The environment variables the batch host reads besides {@link RUNTIME_ENV}'s model location. */
export const BATCH_ENV = {
  /** `s3://bucket/prefix/` the function's role may read input from. */
  inputUri: 'BATCH_INPUT_URI',
  /** `s3://bucket/prefix/` the function's role may write output to. */
  outputUri: 'BATCH_OUTPUT_URI',
} as const;

/** Where a batch host may read and write, as `s3://` URIs; either may be unset (no check beyond IAM). */
export function batchLocationsFromEnv(env: NodeJS.ProcessEnv): { readonly inputUri?: string; readonly outputUri?: string } {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    if (value === undefined || value === '') return undefined;
    if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\//.test(value)) {
      throw new RuntimeConfigError([`${name}: must be an s3://<bucket>/<prefix>/ location (got ${formatValue(value)})`]);
    }
    return value;
  };
  const inputUri = read(BATCH_ENV.inputUri);
  const outputUri = read(BATCH_ENV.outputUri);
  return { ...(inputUri === undefined ? {} : { inputUri }), ...(outputUri === undefined ? {} : { outputUri }) };
}
