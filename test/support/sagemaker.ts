/** A stack with a model store and a {@link SageMakerInference} on the breast-cancer example. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack, type App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { parseManifest, type Manifest } from '../../lambda/core/manifest';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import { PropsValidationError } from '../../lib/props-validation';
import { SageMakerInference, type SageMakerInferenceProps } from '../../lib/sagemaker-inference';
import { PROJECT_ROOT, testApp, type TestAppOptions } from './app';

export const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'breast-cancer');
export const MANIFEST: Manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'model.json'), 'utf8')));
export const MODEL = ModelFile.fromPath(path.join(EXAMPLE, 'model.onnx'));

export interface SageMakerFixture {
  readonly app: App;
  readonly stack: Stack;
  readonly store: ModelStore;
  readonly inference: SageMakerInference;
}

export function createSageMaker(props: Partial<SageMakerInferenceProps> = {}, appOptions: TestAppOptions = {}): SageMakerFixture {
  const app = testApp(appOptions);
  const stack = new Stack(app, 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: MODEL });
  const inference = new SageMakerInference(stack, 'Inference', { store, model: MODEL, manifest: MANIFEST, ...props });
  return { app, stack, store, inference };
}

export function synthSageMaker(props: Partial<SageMakerInferenceProps> = {}): SageMakerFixture & { template: Template } {
  const fixture = createSageMaker(props);
  return { ...fixture, template: Template.fromStack(fixture.stack) };
}

/** The problems a PropsValidationError lists for `props`. */
export function sageMakerProblems(props: Partial<SageMakerInferenceProps>): readonly string[] {
  try {
    createSageMaker(props);
  } catch (error) {
    if (error instanceof PropsValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the props to be refused');
}

/** Unacknowledged cdk-nag findings (AwsSolutions, HIPAA Security) of a synthesized stack. */
export function nagFindings(stack: Stack, under = ''): string[] {
  Template.fromStack(stack);
  return [new AwsSolutionsChecks(undefined, { verbose: true }), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(stack)
      .violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').startsWith(under)))
      .map((v) => v.ruleName),
  );
}
