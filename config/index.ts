// The config format of a modelstack app (`modelstack/config`): the schema that types a project's environments,
// and its loader. Constructs never see it: the app maps it to typed props (`modelstack/app`).
export {
  ENVIRONMENT_NAME_PATTERN,
  EnvironmentSchema,
  LambdaPlatformSchema,
  LOG_RETENTION_DAYS,
  PlatformSchema,
  PROTECTION_LEVELS,
  type EnvironmentConfig,
  type EnvironmentConfigInput,
  type LambdaPlatformConfig,
  type PlatformConfig,
  type Protection,
} from './schema';
export { BudgetSchema, TrafficSchema, type BudgetConfig, type TrafficConfig } from './cost-schema';
export { EnvironmentEvaluationSchema, type EnvironmentEvaluationConfig } from './evaluation-schema';
export {
  AlarmsSchema,
  LambdaRolloutSchema,
  LambdaScalingSchema,
  type AlarmsConfig,
  type LambdaRolloutConfig,
  type LambdaScalingConfig,
  type SeverityAlarmsConfig,
} from './monitoring-schema';
export { SageMakerPlatformSchema, type SageMakerPlatformConfig } from './sagemaker-schema';
export { BatchSchema, type BatchConfig } from './batch-schema';
export { CaptureSchema, type CaptureConfig } from './capture-schema';
export { ShadowSchema, type ShadowConfig } from './shadow-schema';
export { ConfigError, loadEnvironments, type LoadedEnvironment, type LoadOptions } from './load';
