// The cost estimator: reads a cloud assembly, prices it with the dated table, reports and compares.
export * from './cloud-assembly';
export * from './cloudformation-template';
export * from './compare';
export * from './estimate';
export * from './estimate-assembly';
export * from './line-item';
export * from './price-table';
export * from './pricing-context';
export * from './report';
export * from './traffic-profile';
