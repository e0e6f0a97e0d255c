export * from './compliance';
export * from './lambda-bundle';
export * from './lambda-inference';
export * from './managed-policy-role';
export * from './model-artifact';
export * from './model-stack';
export * from './model-store';
export * from './props-validation';
