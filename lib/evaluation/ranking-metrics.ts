// Moved to the runtime tree (CDK-free) so the quality job's bundle runs the same metric code; re-exported here.
export * from '../../lambda/evaluation/ranking-metrics';
