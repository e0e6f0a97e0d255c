// The runtime a user may host themselves (`modelstack/runtime`): the serving app, the local HTTP server, the
// SageMaker container's entry, and loading a model with its manifest. The Lambda handler is not re-exported: its
// module starts loading a model when imported inside Lambda; `LambdaInference` deploys it.
export { containerMain, SERVE_COMMAND, type ContainerMainDeps } from './hosts/container';
export { DEFAULT_REQUEST_TIMEOUT_MS, startServer, type CloseResult, type RunningServer, type ServerOptions } from './hosts/local-server';
export { handleShutdownSignals, type ShutdownOptions } from './hosts/shutdown-signals';
export { createInferenceApp } from './serving/app';
export * from './serving/contract';
export { createObservability, type Observability, type ObservabilityOptions } from './serving/observability';
export * from './core/manifest';
export * from './core/model';
export { readModelFromFile, readModelFromS3, sha256Hex, verifySha256, type S3ModelLocation } from './core/model-source';
export * from './core/runtime-config';
export { InvalidInputError } from './core/invalid-input';
export { CsvError } from './core/csv';
export type * from './core/types';
