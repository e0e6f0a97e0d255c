// The evaluation library: `modelstack evaluate` and `compare`, the report, and the promotion gate.
export * from './classification-metrics';
export * from './compare';
export * from './evaluate-model';
export * from './evaluation-error';
export * from './evaluation-record';
export * from './evaluation-tags';
export * from './html-report';
export * from './metric-names';
export * from './prediction-distribution';
export * from './promotion-gate';
export * from './ranking-metrics';
export * from './regression-metrics';
export * from './rejected-rows';
export * from './verdict';
