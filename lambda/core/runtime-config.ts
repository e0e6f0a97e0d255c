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
import * as z from 'zod/mini';
import english from 'zod/v4/locales/en.cjs';
import { EvaluationFiguresSchema } from './evaluation-figures';
import { formatPath, formatValue } from './issues';
import {
  BUCKET_NAME_PATTERN,
  captureOf,
  FALSE_WORDS,
  MAX_METRICS_NAMESPACE_LENGTH,
  MAX_MODEL_KEY_BYTES,
  MAX_PAYLOAD_BYTES_LIMIT,
  MAX_S3_TIMEOUT_MS,
  MODEL_SHA256_PATTERN,
  PERCENTAGE_PATTERN,
  RuntimeConfigError,
  runtimeConfigOf,
  servingSettingsOf,
  TRUE_WORDS,
  WHOLE_NUMBER_PATTERN,
  type CaptureConfig,
  type RuntimeConfig,
  type RuntimeConfigOptions,
} from './runtime-config-contract';
import { MAX_BATCH_SIZE_LIMIT, MAX_CONTAINER_WORKERS } from './runtime-defaults';

// The runtime's limits and names live in a module of their own, which a server reads without this one's schemas;
// the configuration's names, types and bounds in another, which the Lambda function's plain reader shares.
export * from './runtime-defaults';
export * from './runtime-config-contract';

/** Unset and empty variables are treated alike. */
const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** zod/mini carries no messages of its own: zod's English ones, for the problems no custom message covers. */
const PARSE_OPTIONS = { reportInput: true, error: english().localeError } as const;

/** A variable read through `schema`, unset when empty. */
const variable = <T extends z.core.$ZodType>(schema: T) => z.pipe(z.transform(unsetIfEmpty), schema);

const positiveInteger = (max: number) =>
  z.pipe(
    z.string().check(z.trim(), z.regex(WHOLE_NUMBER_PATTERN, { message: 'must be a positive whole number' })),
    z.pipe(
      z.transform(Number),
      z.number().check(
        z.refine((n) => Number.isSafeInteger(n) && n >= 1 && n <= max, { message: `must be a whole number between 1 and ${max}` }),
      ),
    ),
  );

const flag = z.pipe(
  z.pipe(z.string(), z.transform((v) => v.trim().toLowerCase())).check(
    z.refine((v) => TRUE_WORDS.has(v) || FALSE_WORDS.has(v), { message: 'must be true or false' }),
  ),
  z.transform((v) => TRUE_WORDS.has(v)),
);

const percentage = z.pipe(
  z.string().check(z.trim(), z.regex(PERCENTAGE_PATTERN, { message: 'must be a percentage from 0 to 100' })),
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
      z.regex(BUCKET_NAME_PATTERN, {
        message: 'must be an S3 bucket name (3-63 lower-case letters, digits, dots or hyphens)',
      }),
    ),
  ),
  MODEL_KEY: variable(
    z.string().check(z.refine((key) => Buffer.byteLength(key) <= MAX_MODEL_KEY_BYTES, { message: `must be an S3 key of at most ${MAX_MODEL_KEY_BYTES} bytes` })),
  ),
  MODEL_SHA256: variable(
    z.pipe(
      z.string().check(z.trim(), z.regex(MODEL_SHA256_PATTERN, { message: 'must be 64 hexadecimal characters (the SHA-256 of model.onnx)' })),
      z.transform((hex) => hex.toLowerCase()),
    ),
  ),
  MODEL_MANIFEST: variable(z.optional(z.string())),
  MAX_BATCH_SIZE: variable(z.optional(positiveInteger(MAX_BATCH_SIZE_LIMIT))),
  MAX_PAYLOAD_BYTES: variable(z.optional(positiveInteger(MAX_PAYLOAD_BYTES_LIMIT))),
  LOG_PAYLOADS: variable(z.optional(flag)),
  MODEL_S3_CONNECT_TIMEOUT_MS: variable(z.optional(positiveInteger(MAX_S3_TIMEOUT_MS))),
  MODEL_S3_READ_TIMEOUT_MS: variable(z.optional(positiveInteger(MAX_S3_TIMEOUT_MS))),
  MODEL_S3_ATTEMPT_TIMEOUT_MS: variable(z.optional(positiveInteger(MAX_S3_TIMEOUT_MS))),
  POWERTOOLS_METRICS_NAMESPACE: variable(z.optional(z.string().check(z.maxLength(MAX_METRICS_NAMESPACE_LENGTH, { message: `must be at most ${MAX_METRICS_NAMESPACE_LENGTH} characters` })))),
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

/**
 * Reads and validates the runtime configuration from `env` (pass `process.env`).
 * @throws RuntimeConfigError naming each bad variable, its value and what is allowed.
 */
export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv, options: RuntimeConfigOptions = {}): RuntimeConfig {
  const result = envSchema.safeParse(env, PARSE_OPTIONS);
  if (!result.success) {
    throw new RuntimeConfigError(result.error.issues.map((issue) => describeVariableIssue(issue, env)));
  }
  return runtimeConfigOf(result.data, options);
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
    CAPTURE_BUCKET: variable(z.optional(z.string().check(z.regex(BUCKET_NAME_PATTERN, { message: 'must be an S3 bucket name' })))),
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
    ...servingSettingsOf(parsed),
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
