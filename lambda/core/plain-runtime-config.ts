/**
 * The runtime configuration read without zod, for the Lambda function's cold start: loading zod and building the
 * configuration's schemas was the largest share of the bundle's init (see docs/benchmarks.md).
 *
 * The plain reader accepts exactly the values the schemas accept (`runtime-config.ts`), and gives the same
 * configuration; it names no problem. When any variable is not valid it returns `undefined`, and
 * {@link readRuntimeConfig} reads the environment again with the schemas, which name every problem. A property test
 * (test/lambda/core/plain-runtime-config.test.ts) holds the two readers to the same answers.
 */
import type { EvaluationKeyFigures } from './evaluation-figures';
import {
  BUCKET_NAME_PATTERN,
  DATA_SHA256_PATTERN,
  EVALUATION_VERDICTS,
  FALSE_WORDS,
  MAX_METRICS_NAMESPACE_LENGTH,
  MAX_MODEL_KEY_BYTES,
  MAX_PAYLOAD_BYTES_LIMIT,
  MAX_S3_TIMEOUT_MS,
  MODEL_SHA256_PATTERN,
  PERCENTAGE_PATTERN,
  RuntimeConfigError,
  runtimeConfigOf,
  TRUE_WORDS,
  WHOLE_NUMBER_PATTERN,
  type RuntimeConfig,
  type RuntimeConfigOptions,
} from './runtime-config-contract';
import type * as RuntimeConfigSchemas from './runtime-config';
import { MAX_BATCH_SIZE_LIMIT } from './runtime-defaults';

/** Why a value is refused: the plain reader stops at the first, and the schemas say what it is. */
class NotPlain extends Error {}

/** A variable's value, `undefined` when unset or blank (as the schemas treat it). */
function valueOf(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value: unknown = env[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new NotPlain();
  return value.trim() === '' ? undefined : value;
}

function required(value: string | undefined): string {
  if (value === undefined) throw new NotPlain();
  return value;
}

function positiveInteger(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!WHOLE_NUMBER_PATTERN.test(trimmed) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new NotPlain();
  return n;
}

function flag(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  if (!TRUE_WORDS.has(word) && !FALSE_WORDS.has(word)) throw new NotPlain();
  return TRUE_WORDS.has(word);
}

function percentage(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const n = Number(trimmed);
  if (!PERCENTAGE_PATTERN.test(trimmed) || !(n <= 100)) throw new NotPlain();
  return n;
}

function check(ok: boolean): void {
  if (!ok) throw new NotPlain();
}

const EVALUATION_KEYS = ['verdict', 'keyMetric', 'metrics', 'rows', 'dataSha256', 'evaluatedAt'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The evaluation's key figures, as the schema's strict object gives them (its keys, in its order). */
function evaluation(value: string | undefined): EvaluationKeyFigures | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new NotPlain();
  }
  check(isRecord(parsed));
  const figures = parsed as Record<string, unknown>;
  const keys = Object.keys(figures);
  check(keys.length === EVALUATION_KEYS.length && EVALUATION_KEYS.every((key) => keys.includes(key)));
  const { verdict, keyMetric, metrics, rows, dataSha256, evaluatedAt } = figures;
  check((EVALUATION_VERDICTS as readonly unknown[]).includes(verdict));
  check(typeof keyMetric === 'string' && keyMetric.length >= 1);
  check(isRecord(metrics));
  const metricValues: Record<string, number> = {};
  for (const [name, metric] of Object.entries(metrics as Record<string, unknown>)) {
    // Dropped unread, as the schema's record drops it (it would set the prototype of the object built).
    if (name === '__proto__') continue;
    check(typeof metric === 'number' && Number.isFinite(metric));
    metricValues[name] = metric as number;
  }
  check(Number.isSafeInteger(rows) && (rows as number) >= 0);
  check(typeof dataSha256 === 'string' && DATA_SHA256_PATTERN.test(dataSha256));
  check(typeof evaluatedAt === 'string' && evaluatedAt.length >= 1);
  return {
    verdict: verdict as EvaluationKeyFigures['verdict'],
    keyMetric: keyMetric as string,
    metrics: metricValues,
    rows: rows as number,
    dataSha256: dataSha256 as string,
    evaluatedAt: evaluatedAt as string,
  };
}

/**
 * The configuration of `env` when every variable is valid, read without the schemas; `undefined` otherwise (the
 * schemas then say what is wrong).
 */
export function plainRuntimeConfig(env: NodeJS.ProcessEnv, options: RuntimeConfigOptions = {}): RuntimeConfig | undefined {
  try {
    const bucket = required(valueOf(env, 'MODEL_BUCKET'));
    check(BUCKET_NAME_PATTERN.test(bucket));
    const key = required(valueOf(env, 'MODEL_KEY'));
    check(Buffer.byteLength(key) <= MAX_MODEL_KEY_BYTES);
    const sha256 = required(valueOf(env, 'MODEL_SHA256')).trim();
    check(MODEL_SHA256_PATTERN.test(sha256));
    const namespace = valueOf(env, 'POWERTOOLS_METRICS_NAMESPACE');
    check(namespace === undefined || namespace.length <= MAX_METRICS_NAMESPACE_LENGTH);
    return runtimeConfigOf(
      {
        MODEL_BUCKET: bucket,
        MODEL_KEY: key,
        MODEL_SHA256: sha256.toLowerCase(),
        MODEL_MANIFEST: valueOf(env, 'MODEL_MANIFEST'),
        MAX_BATCH_SIZE: positiveInteger(valueOf(env, 'MAX_BATCH_SIZE'), MAX_BATCH_SIZE_LIMIT),
        MAX_PAYLOAD_BYTES: positiveInteger(valueOf(env, 'MAX_PAYLOAD_BYTES'), MAX_PAYLOAD_BYTES_LIMIT),
        LOG_PAYLOADS: flag(valueOf(env, 'LOG_PAYLOADS')),
        MODEL_S3_CONNECT_TIMEOUT_MS: positiveInteger(valueOf(env, 'MODEL_S3_CONNECT_TIMEOUT_MS'), MAX_S3_TIMEOUT_MS),
        MODEL_S3_READ_TIMEOUT_MS: positiveInteger(valueOf(env, 'MODEL_S3_READ_TIMEOUT_MS'), MAX_S3_TIMEOUT_MS),
        MODEL_S3_ATTEMPT_TIMEOUT_MS: positiveInteger(valueOf(env, 'MODEL_S3_ATTEMPT_TIMEOUT_MS'), MAX_S3_TIMEOUT_MS),
        POWERTOOLS_METRICS_NAMESPACE: namespace,
        MODEL_EVALUATION: evaluation(valueOf(env, 'MODEL_EVALUATION')),
        CAPTURE_SAMPLING_PERCENTAGE: percentage(valueOf(env, 'CAPTURE_SAMPLING_PERCENTAGE')),
        CAPTURE_INPUTS: flag(valueOf(env, 'CAPTURE_INPUTS')),
      },
      options,
    );
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

/**
 * Reads and validates the runtime configuration: plainly when it is valid, else with the schemas (zod, loaded
 * then), which throw the RuntimeConfigError naming each bad variable, its value and what is allowed.
 */
export function readRuntimeConfig(env: NodeJS.ProcessEnv, options: RuntimeConfigOptions = {}): RuntimeConfig {
  const plain = plainRuntimeConfig(env, options);
  if (plain !== undefined) return plain;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only for a configuration with a problem
  const schemas = require('./runtime-config') as typeof RuntimeConfigSchemas;
  try {
    return schemas.runtimeConfigFromEnv(env, options);
  } catch (error) {
    if (error instanceof RuntimeConfigError) throw error;
    // Bundled apart (lib/bundling/esbuild-entry.ts), the schemas throw their own copy of the class.
    if (error instanceof schemas.RuntimeConfigError) throw new RuntimeConfigError(error.problems);
    throw error;
  }
}
