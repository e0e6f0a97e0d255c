/**
 * The modelling assumptions of the estimate, each written once with its reason. They turn a monthly traffic
 * profile into billable quantities where the template and the profile alone do not say; the estimate's notes name
 * the ones a line depends on.
 */

/** Hours in a month as AWS bills and its calculator counts them. */
export const HOURS_PER_MONTH = 730;
/** Seconds in such a month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** Days in such a month (budget-days). */
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** Bytes in a GB as AWS bills storage and transfer (GiB). */
export const BYTES_PER_GB = 1024 ** 3;
/** Lambda bills memory in GB of 1024 MB. */
export const MB_PER_GB = 1024;

/** Share of requests that start a new execution environment when the profile gives no figure (AWS: "under 1%"). */
export const DEFAULT_COLD_START_PERCENT = 1;

/** Ephemeral storage Lambda includes free, in MB. */
export const LAMBDA_FREE_EPHEMERAL_MB = 512;
/** Lambda's default memory when a template omits `MemorySize`. */
export const LAMBDA_DEFAULT_MEMORY_MB = 128;
/** Lambda's timeout when `Timeout` is unset, in seconds. */
export const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

/**
 * X-Ray's default sampling rule: the first request each second, then 5% of the rest. Traffic is assumed spread
 * evenly over the month, so at most one reservoir trace per second.
 */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;

/** Log bytes Lambda writes per invocation in JSON log format (`platform.start` and `platform.report`). */
export const LAMBDA_PLATFORM_LOG_BYTES = 600;
/** Log bytes per cold start: `platform.initStart`/`initReport`, the runtime's "model loaded" line and its EMF document. */
export const INIT_LOG_BYTES = 1200;
/**
 * Bytes of one EMF document of the runtime (measured: 233-256 bytes for `Latency`+`BatchSize` and one
 * `Predictions` label with a short model name). One document per request, plus one per distinct label predicted.
 */
export const EMF_DOCUMENT_BYTES = 260;
/** Longest request body the runtime logs with `LOG_PAYLOADS=true` (lambda/serving/observability.ts). */
export const LOGGED_PAYLOAD_MAX_BYTES = 4096;
/** Response bytes per instance when the profile gives none: a label and its probabilities as JSON. */
export const DEFAULT_RESPONSE_BYTES_PER_INSTANCE = 100;

/** CloudWatch Logs bills storage on gzip-compressed data; JSON logs compress to about this share. */
export const LOG_COMPRESSION_RATIO = 0.2;
/** Months of logs kept when a log group never expires them: expected (a year in) and worst case (five years in). */
export const UNBOUNDED_RETENTION_MONTHS = { expected: 12, worstCase: 60 } as const;
/** Days in a month, to turn `RetentionInDays` into months of stored logs. */
export const DAYS_PER_RETENTION_MONTH = 365.25 / 12;

/** Per-record envelope SageMaker data capture adds (event metadata, JSON Lines). */
export const DATA_CAPTURE_RECORD_OVERHEAD_BYTES = 300;
/** Months of data capture kept: expected (the first month's capture) and worst case (a year of it, never expired). */
export const DATA_CAPTURE_RETENTION_MONTHS = { expected: 1, worstCase: 12 } as const;

/** Bytes of one S3 server access log record. */
export const S3_ACCESS_LOG_RECORD_BYTES = 400;

/** Notifications a month an alarm topic sends (alarm state changes, budget alerts): a quiet month. */
export const NOTIFICATIONS_PER_MONTH = 30;

/** Key-months a KMS key with yearly rotation costs: expected (first year), worst case (after two rotations). */
export const ROTATED_KEY_MONTHS = { expected: 1, worstCase: 3 } as const;

/** Alarms Application Auto Scaling creates for each target-tracking policy (scale out and scale in). */
export const TARGET_TRACKING_ALARMS = 2;

/**
 * Bytes of one captured prediction's line around its data (lambda/serving/prediction-capture.ts): measured 405 bytes
 * for a record whose input and output `data` are empty (two UUIDs, the time, content types). The input side holds
 * the request's instances (its features, about the request body's size) when inputs are captured; the output side
 * the response body.
 */
export const LAMBDA_CAPTURE_ENVELOPE_BYTES = 405;
/** Firehose bills Direct PUT ingestion per record rounded up to 5 KB (Amazon Data Firehose pricing page). */
export const FIREHOSE_BILLING_INCREMENT_BYTES = 5 * 1024;
/** Firehose's S3 buffering when a stream's template leaves it out (its documented defaults: 300 s, 5 MiB). */
export const FIREHOSE_DEFAULT_BUFFER = { seconds: 300, mebibytes: 5 } as const;
