/** A stack with a model store and a {@link BatchScoring} on the breast-cancer example. */
import { Stack, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { BatchScoring, type BatchScoringProps } from '../../lib/batch-scoring';
import { ModelStore } from '../../lib/model-store';
import { PropsValidationError } from '../../lib/props-validation';
import { testApp } from './app';
import { MANIFEST, MODEL } from './sagemaker';

export interface BatchFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly store: ModelStore;
  readonly batch: BatchScoring;
}

export function createBatch(props: Partial<BatchScoringProps> = {}): BatchFixture {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: MODEL });
  const alarmTopic = new sns.Topic(stack, 'Topic', { enforceSSL: true });
  const batch = new BatchScoring(stack, 'Batch', { store, manifest: MANIFEST, accessLogsBucket: store.accessLogsBucket, alarmTopic, ...props });
  return { app, stack, store, batch };
}

export function synthBatch(props: Partial<BatchScoringProps> = {}): BatchFixture & { template: Template } {
  const fixture = createBatch(props);
  return { ...fixture, template: Template.fromStack(fixture.stack) };
}

/** The problems a PropsValidationError lists for `props`. */
export function batchProblems(props: Partial<BatchScoringProps>): readonly string[] {
  try {
    createBatch(props);
  } catch (error) {
    if (error instanceof PropsValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the props to be refused');
}

/** The five cdk-nag packs. */
export const NAG_PACKS = {
  AwsSolutions: () => new AwsSolutionsChecks(undefined, { verbose: true }),
  HIPAASecurity: () => new HIPAASecurityChecks(),
  NIST80053R5: () => new NIST80053R5Checks(),
  PCIDSS321: () => new PCIDSS321Checks(),
  Serverless: () => new ServerlessChecks(),
} as const;

/** Unacknowledged findings of `pack` on resources under `under`. */
export function packFindings(stack: Stack, pack: keyof typeof NAG_PACKS, under: string): string[] {
  Template.fromStack(stack);
  return NAG_PACKS[pack]()
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.filter((r) => (r.constructPath ?? '').startsWith(under)).map((r) => `${v.ruleName} at ${r.constructPath}`));
}
