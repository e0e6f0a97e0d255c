// The public API of modelstack's constructs. Internals live in ./private and ./platforms and are not re-exported.
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
export * from './lambda-rollout';
export * from './lambda-scaling';
export * from './managed-policy-role';
export * from './model-artifact';
export * from './model-file';
export * from './model-stack';
export * from './model-store';
export * from './monitoring';
export * from './monitoring/sagemaker-metrics';
export * from './props-validation';
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
export * from './model-pipeline';
