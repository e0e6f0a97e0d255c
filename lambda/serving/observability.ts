/**
 * Logs and metrics of the serving layer, with Powertools for AWS Lambda (TypeScript).
 *
 * - Logs: structured JSON (Powertools Logger) carrying the request id. Request payloads are never logged unless
 *   `logPayloads` is set: bodies, invalid values and JSON parse errors may carry personal data.
 * - Metrics: CloudWatch EMF (Powertools Metrics), namespace `modelstack` unless overridden, dimension
 *   `service` = the model name; names, units and dimensions come from `metric-names.ts` (which the stack's alarms
 *   read too):
 *   - `Latency` (Milliseconds) per request, `BatchSize` (Count) per successful inference,
 *   - `Predictions` (Count) per predicted label, dimension `label` (classification),
 *   - `PredictedValue` (None), one value per prediction (regression): its average is the mean prediction,
 *   - `InvalidRequests` (Count), dimension `reason` (`bad_json`, `invalid_input`, `too_large`, ...),
 *   - `Errors` (Count) for 500s, `ModelLoadTime` (Milliseconds) once per load, `ModelLoadFailures` (Count) once per
 *     failed load attempt.
 *
 * Recording only appends numbers to in-memory stores; EMF is written by {@link Observability.flush}: once per
 * invocation in Lambda, periodically and on shutdown for the local server. (Powertools also writes a document by
 * itself once a metric holds 100 values.)
 */
import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { HttpRequest, InferenceHooks, RequestRecord } from './contract';
import { RUNTIME_DIMENSIONS, RUNTIME_METRICS } from './metric-names';
import { DEFAULT_METRICS_NAMESPACE } from '../core/runtime-defaults';
import type { LoadedModel } from '../core/types';

/** The service name of logs and metrics before a manifest names the model. */
export const FALLBACK_SERVICE_NAME = 'modelstack';

/** Longest request body written to the logs when `logPayloads` is on. */
export const LOGGED_PAYLOAD_MAX_CHARS = 4096;

export interface ObservabilityOptions {
  /** The service: the model name. */
  readonly serviceName: string;
  /** Emit EMF metrics. @default true */
  readonly metrics?: boolean;
  /** CloudWatch namespace. @default 'modelstack' */
  readonly namespace?: string;
  /** Log request bodies (truncated) and client error details. @default false */
  readonly logPayloads?: boolean;
  /** Use this logger instead of a new Powertools Logger (e.g. a silent one in tests). */
  readonly logger?: Logger;
  /** Level of the new logger. @default Powertools' (POWERTOOLS_LOG_LEVEL, else INFO) */
  readonly logLevel?: LogLevel;
  /** Use this Metrics instance (tests). Per-label and per-reason metrics are derived from it. */
  readonly metricsInstance?: Metrics;
}

export interface Observability {
  readonly logger: Logger;
  /** Hooks for {@link createInferenceApp}. */
  readonly hooks: InferenceHooks;
  readonly metricsEnabled: boolean;
  readonly logPayloads: boolean;
  /** Records a successful model load (log line and `ModelLoadTime`). */
  recordModelLoad(model: LoadedModel, durationMs: number, source: string): void;
  /**
   * Records a failed model load attempt: one ERROR line with its cause and `outcome` (what happens next, such as
   * `retryInMs`), and `ModelLoadFailures`.
   */
  recordModelLoadFailure(error: unknown, durationMs: number, source: string, outcome?: Readonly<Record<string, unknown>>): void;
  /** Writes the stored metrics as EMF (no-op when there are none or metrics are off). */
  flush(): void;
  /** Flushes every `intervalMs` (timer does not keep the process alive); returns a function that stops it. */
  startPeriodicFlush(intervalMs?: number): () => void;
}

function errorDetails(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack };
  }
  return { message: String(error) };
}

/**
 * Load failures whose message says all there is to say (the file, the S3 object and what S3 answered, the hashes):
 * logged without a stack, so that each failed attempt is one readable line.
 */
const DESCRIBED_LOAD_ERRORS: ReadonlySet<string> = new Set([
  'ModelSourceError',
  'ModelIntegrityError',
  'ModelMismatchError',
  'ModelLoadError',
  'ManifestError',
  'RuntimeConfigError',
]);

function loadErrorDetails(error: unknown): Record<string, unknown> {
  if (error instanceof Error && DESCRIBED_LOAD_ERRORS.has(error.name)) return { name: error.name, message: error.message };
  return errorDetails(error);
}

function truncatedBody(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.subarray(0, LOGGED_PAYLOAD_MAX_CHARS * 4).toString('utf8');
  return text.length > LOGGED_PAYLOAD_MAX_CHARS ? `${text.slice(0, LOGGED_PAYLOAD_MAX_CHARS)}...` : text;
}

const {
  latency: LATENCY,
  batchSize: BATCH_SIZE,
  predictions: PREDICTIONS,
  predictedValue: PREDICTED_VALUE,
  predictedTargetSum: PREDICTED_TARGET_SUM,
  predictedTargetCount: PREDICTED_TARGET_COUNT,
  invalidRequests: INVALID_REQUESTS,
  errors: ERRORS,
  modelLoadTime: MODEL_LOAD_TIME,
  modelLoadFailures: MODEL_LOAD_FAILURES,
} = RUNTIME_METRICS;

export function createObservability(options: ObservabilityOptions): Observability {
  const logPayloads = options.logPayloads ?? false;
  const logger =
    options.logger ??
    new Logger({
      serviceName: options.serviceName,
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
    });
  const metricsEnabled = options.metrics ?? true;
  const namespace = options.namespace ?? DEFAULT_METRICS_NAMESPACE;
  const metrics = metricsEnabled
    ? (options.metricsInstance ?? new Metrics({ namespace, serviceName: options.serviceName, logger }))
    : undefined;
  // Read once, and again whenever the level changes: `logger.level` reads process.env on every call (Powertools
  // checks AWS_LAMBDA_MAX_CONCURRENCY to find the invocation's store), a measurable share of a batch-1 request.
  // Every change after construction goes through setLogLevel (explicit, or Powertools' debug sampling), which is
  // wrapped to refresh the flag. With concurrent invocations in one Lambda environment a sampled DEBUG level then
  // also logs the successes of requests in flight alongside; only log lines differ.
  let debug = logger.level <= LogLevelThreshold.DEBUG;
  const setLogLevel = logger.setLogLevel.bind(logger);
  logger.setLogLevel = (level: LogLevel): void => {
    setLogLevel(level);
    debug = logger.level <= LogLevelThreshold.DEBUG;
  };

  // Counts by dimension value, turned into EMF at flush: one document per label / reason, since a dimension
  // value applies to a whole EMF document. One Metrics instance per value, created once.
  const labelCounts = new Map<string, number>();
  const reasonCounts = new Map<string, number>();
  const labelEmitters = new Map<string, Metrics>();
  const reasonEmitters = new Map<string, Metrics>();
  // A multi-output regression: per target, the sum and count of its predicted values.
  const targetSums = new Map<string, { sum: number; count: number }>();
  const targetEmitters = new Map<string, Metrics>();
  let stored = false;

  const emitter = (cache: Map<string, Metrics>, dimension: string, value: string): Metrics => {
    let instance = cache.get(value);
    if (instance === undefined && metrics !== undefined) {
      instance = metrics.singleMetric();
      instance.setDefaultDimensions({ [dimension]: value });
      cache.set(value, instance);
    }
    return instance as Metrics;
  };

  /** The fields of every request log line; built only when a line is written (most successes write none). */
  const logFields = (record: RequestRecord) => {
    // A query string may carry data: logged only with logPayloads.
    const query = logPayloads ? -1 : record.path.indexOf('?');
    return {
      requestId: record.requestId,
      method: record.method,
      path: query === -1 ? record.path : record.path.slice(0, query),
      status: record.status,
      durationMs: Math.round(record.durationMs * 1000) / 1000,
    };
  };

  const addTargetValues = (values: Readonly<Record<string, number>>): void => {
    for (const [target, value] of Object.entries(values)) {
      const total = targetSums.get(target);
      if (total === undefined) targetSums.set(target, { sum: value, count: 1 });
      else {
        total.sum += value;
        total.count += 1;
      }
    }
  };

  const onRequest = (record: RequestRecord, request: HttpRequest): void => {
    if (metrics !== undefined) {
      metrics.addMetric(LATENCY.name, LATENCY.unit, record.durationMs);
      stored = true;
      if (record.predictions !== undefined) {
        metrics.addMetric(BATCH_SIZE.name, BATCH_SIZE.unit, record.predictions.length);
        for (const prediction of record.predictions) {
          if ('label' in prediction) labelCounts.set(prediction.label, (labelCounts.get(prediction.label) ?? 0) + 1);
          else if ('value' in prediction) metrics.addMetric(PREDICTED_VALUE.name, PREDICTED_VALUE.unit, prediction.value);
          else addTargetValues(prediction.values);
        }
      }
      if (record.status >= 400 && record.status < 500 && record.reason !== undefined) {
        reasonCounts.set(record.reason, (reasonCounts.get(record.reason) ?? 0) + 1);
      }
      if (record.status >= 500 && record.reason === 'internal_error') {
        metrics.addMetric(ERRORS.name, ERRORS.unit, 1);
      }
    }
    if (record.reason === 'internal_error') {
      logger.error('request failed unexpectedly', {
        ...logFields(record),
        error: errorDetails(record.error),
        ...(logPayloads ? { body: truncatedBody(request.body) } : {}),
      });
    } else if (record.status >= 400) {
      // The client-facing message may quote the payload (invalid values, JSON parse errors): only with logPayloads.
      logger.info('request rejected', {
        ...logFields(record),
        reason: record.reason,
        ...(record.problemCount === undefined ? {} : { problemCount: record.problemCount }),
        ...(logPayloads ? { message: record.message, body: truncatedBody(request.body) } : {}),
      });
    } else if (logPayloads) {
      logger.info('request', {
        ...logFields(record),
        batchSize: record.predictions?.length,
        body: truncatedBody(request.body),
      });
    } else if (debug) {
      logger.debug('request', { ...logFields(record), batchSize: record.predictions?.length });
    }
  };

  const flush = (): void => {
    if (metrics === undefined) return;
    for (const [label, count] of labelCounts) {
      emitter(labelEmitters, RUNTIME_DIMENSIONS.label, label).addMetric(PREDICTIONS.name, PREDICTIONS.unit, count);
    }
    for (const [reason, count] of reasonCounts) {
      emitter(reasonEmitters, RUNTIME_DIMENSIONS.reason, reason).addMetric(INVALID_REQUESTS.name, INVALID_REQUESTS.unit, count);
    }
    for (const [target, { sum, count }] of targetSums) {
      const emit = emitter(targetEmitters, RUNTIME_DIMENSIONS.target, target);
      emit.addMetric(PREDICTED_TARGET_SUM.name, PREDICTED_TARGET_SUM.unit, sum);
      emit.addMetric(PREDICTED_TARGET_COUNT.name, PREDICTED_TARGET_COUNT.unit, count);
    }
    labelCounts.clear();
    reasonCounts.clear();
    targetSums.clear();
    if (stored) {
      stored = false;
      // Powertools may have written everything already (a metric at 100 values): nothing left to publish.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };

  return {
    logger,
    metricsEnabled,
    logPayloads,
    hooks: {
      onRequest,
      onModelLoadFailed: (error) => {
        logger.error('model is not available: requests get 503', { error: errorDetails(error) });
      },
    },
    recordModelLoad: (model, durationMs, source) => {
      logger.info('model loaded', {
        model: model.manifest.name,
        version: model.manifest.version,
        sha256: model.sha256,
        source,
        durationMs: Math.round(durationMs),
      });
      if (metrics !== undefined) {
        metrics.addMetric(MODEL_LOAD_TIME.name, MODEL_LOAD_TIME.unit, durationMs);
        stored = true;
      }
    },
    recordModelLoadFailure: (error, durationMs, source, outcome) => {
      logger.error('model failed to load', { source, durationMs: Math.round(durationMs), error: loadErrorDetails(error), ...outcome });
      if (metrics !== undefined) {
        metrics.addMetric(MODEL_LOAD_FAILURES.name, MODEL_LOAD_FAILURES.unit, 1);
        stored = true;
      }
    },
    flush,
    startPeriodicFlush: (intervalMs = 10_000) => {
      const timer = setInterval(flush, intervalMs);
      timer.unref();
      return () => {
        clearInterval(timer);
        flush();
      };
    },
  };
}
