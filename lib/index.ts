// The public API of modelstack's constructs. Internals live in ./private and are not re-exported.
export * from './bundling/bundle-error';
export * from './bundling/bundle-size';
export * from './bundling/container-bundling';
export * from './bundling/lambda-bundling';
export * from './bundling/runtime-bundle';
export * from './compliance';
export * from './cost-budget';
export * from './container-image';
export * from './encrypted-log-group';
export * from './inference-endpoint';
export * from './lambda-inference';
export * from './lambda-inference-props';
export * from './lambda-limits';
export * from './lambda-network';
export * from './lambda-rollout';
export * from './lambda-scaling';
export * from './managed-policy-role';
export * from './model-artifact';
export * from './model-endpoint';
export * from './model-file';
export * from './model-stack';
export * from './model-store';
export * from './monitoring';
export * from './monitoring/sagemaker-metrics';
export * from './network-placement';
export * from './props-validation';
export * from './serving-platform';
// SageMaker (begin)
export * from './sagemaker-inference';
export * from './sagemaker/autoscaling';
export * from './sagemaker/data-capture';
export * from './sagemaker/deployment';
export * from './sagemaker/instance-type';
export * from './sagemaker/model-data';
export * from './sagemaker/network';
export * from './sagemaker/shadow-variant';
export * from './sagemaker/variants';
// SageMaker (end)
// Batch scoring (begin)
export * from './batch-scoring';
export * from './batch/batch-data';
export * from './batch/batch-engine';
export * from './batch/batch-limits';
// Batch scoring (end)
export * from './model-pipeline';
export * from './retraining-signals';
// Prediction records (begin)
export * from './prediction-records-interface';
export * from './prediction-records';
export * from './lambda-capture';
export type { CaptureRecord, GroundTruthRecord, CapturedPayload, PayloadEncoding } from '../lambda/records/record-format';
// Prediction records (end)
// Live quality (begin)
export * from './quality-monitor';
export { readTrainingProfile, writeTrainingProfile, PROFILE_FILE } from './evaluation/profile-file';
export type { TrainingProfile, FeatureProfile } from '../lambda/records/training-profile';
// Live quality (end)

// Types that public props mention, defined with the runtime or the evaluation (type-only: no runtime code).
export type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
export type { Manifest, ManifestInput } from '../lambda/core/manifest';
export type { ModelSignature } from '../lambda/core/types';
export type { RejectReason } from '../lambda/serving/metric-names';
export type { LabelDistribution, PredictionDistribution, ValueDistribution } from './evaluation/prediction-distribution';
export { predictionBaseline } from './evaluation/drift-baseline';
export { MAX_BATCH_SIZE_LIMIT } from '../lambda/core/runtime-config';

// The config format, for apps that keep their environments as modelstack's own do (config/environments.ts):
// the package's entry re-exports it, the constructs never import it (a test keeps lib/ apart from config/).
export type { EnvironmentConfig, EnvironmentConfigInput, LambdaPlatformConfig, PlatformConfig } from '../config/schema';
export type { SageMakerPlatformConfig } from '../config/sagemaker-schema';
export { loadEnvironments, ConfigError, type LoadedEnvironment, type LoadOptions } from '../config/load';
export { modelStackProps, type EnvironmentStackInputs } from '../config/endpoint-props';
