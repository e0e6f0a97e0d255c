/**
 * The runtime's limits, defaults and variable names: plain constants, so that a server (`modelstack serve`, the
 * container) reads them without loading the configuration's schemas (`runtime-config.ts`, which re-exports them).
 */

/** Lambda's synchronous invocation payload limit, which function URLs share: 6 MB. */
export const FUNCTION_URL_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Default of {@link RequestLimits.maxPayloadBytes}: as much as a function URL can carry. */
export const DEFAULT_MAX_PAYLOAD_BYTES = FUNCTION_URL_MAX_PAYLOAD_BYTES;
/** Largest `MAX_BATCH_SIZE` the runtime accepts: the one bound the constructs and the config schema check too. */
export const MAX_BATCH_SIZE_LIMIT = 1_000_000;

/** Default of {@link RequestLimits.maxBatchSize}. */
export const DEFAULT_MAX_BATCH_SIZE = 1000;
/** The manifest's file name next to the handler in the bundle (the stack's bundler writes it there). */
export const MANIFEST_FILE_NAME = 'model.json';
/** Default CloudWatch namespace of the runtime's metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'modelstack';

/** The environment variables the SageMaker container host reads besides {@link RUNTIME_ENV}'s limits and flags. */
export const CONTAINER_ENV = {
  /** Port SageMaker asks the container to listen on. */
  port: 'SAGEMAKER_BIND_TO_PORT',
  /** Where the model files are (SageMaker copies `ModelDataSource` there); overridable for tests. */
  modelDir: 'MODELSTACK_MODEL_DIR',
  /** Number of server workers (SageMaker's own convention). */
  workers: 'SAGEMAKER_MODEL_SERVER_WORKERS',
  /** `false` turns dynamic batching off (`core/dynamic-batching.ts`): every request then runs alone. */
  dynamicBatching: 'MODELSTACK_DYNAMIC_BATCHING',
} as const;

/** Most server workers the container accepts in {@link CONTAINER_ENV.workers}. */
export const MAX_CONTAINER_WORKERS = 256;
