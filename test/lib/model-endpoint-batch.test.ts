/**
 * ModelEndpoint's optional batch scoring: built from the endpoint's own store, warning topic, dashboard and live
 * concurrency, and on SageMaker optionally as a Batch Transform job on the endpoint's model.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { ModelArtifact } from '../../lib/model-artifact';
import { ModelEndpoint, type ModelEndpointProps } from '../../lib/model-endpoint';
import { PropsValidationError } from '../../lib/props-validation';
import { SageMakerInference } from '../../lib/sagemaker-inference';
import { ServingPlatform } from '../../lib/serving-platform';
import { standaloneStack } from '../support/standalone';
import { exampleArtifact } from '../support/example-artifact';

let model: ModelArtifact;
beforeAll(async () => {
  model = await exampleArtifact();
});

function endpoint(props: Partial<ModelEndpointProps>) {
  const stack = standaloneStack();
  const construct = new ModelEndpoint(stack, 'Model', { model, ...props });
  return { stack, construct };
}

function problemsOf(props: Partial<ModelEndpointProps>): readonly string[] {
  try {
    endpoint(props);
  } catch (error) {
    if (error instanceof PropsValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the props to be refused');
}

describe('Given a ModelEndpoint with batch scoring on Lambda', () => {
  test('When it synthesizes, then BatchScoring is a child alarming on the warning topic, with a dashboard row', () => {
    const { stack, construct } = endpoint({ batch: { maxConcurrency: 3 } });
    expect(construct.node.children.map((child) => child.node.id)).toEqual(['ModelStore', 'Inference', 'Monitoring', 'Rollout', 'BatchScoring']);
    expect(construct.batch?.engine.kind).toBe('lambda');
    const template = Template.fromStack(stack);
    const warning = stack.resolve(construct.monitoring.topics.topic('warning').topicArn);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => String(alarm.Properties.AlarmName).includes('-Batch'));
    expect(alarms.map((alarm) => [alarm.Properties.AlarmActions, alarm.Properties.OKActions])).toEqual([[[warning], [warning]], [[warning], [warning]]]);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard.Properties)).toContain('Batch executions');
  });

  test("When the live function's reservation leaves too little of the account's quota, then maxConcurrency is refused", () => {
    const problems = problemsOf({ platform: ServingPlatform.lambda({ reservedConcurrentExecutions: 850 }), batch: { maxConcurrency: 100 } });
    expect(problems.join('\n')).toMatch(/maxConcurrency.*at most 50 .*live endpoint's reserved 850/);
  });

  test('When the account quota is raised, then the same batch fits', () => {
    const { construct } = endpoint({ platform: ServingPlatform.lambda({ reservedConcurrentExecutions: 850 }), batch: { maxConcurrency: 100, accountConcurrencyLimit: 2000 } });
    expect(construct.batch?.maxConcurrency).toBe(100);
  });

  test('When a transform job is asked for, then it is refused naming batch.transform (it needs a SageMaker model)', () => {
    expect(problemsOf({ batch: { transform: { instanceType: 'ml.c6i.large' } } }).join('\n')).toMatch(/batch\.transform.*SageMaker platform.*on lambda/);
  });
});

describe('Given a ModelEndpoint on SageMaker with a batch transform', () => {
  test("When it synthesizes, then the state machine runs a transform job on the endpoint's model and there is no batch function", () => {
    const { stack, construct } = endpoint({ platform: ServingPlatform.sageMaker(), batch: { transform: { instanceType: 'ml.m5.large' } } });
    expect(construct.batch?.function).toBeUndefined();
    const definition = JSON.stringify(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain(':states:::sagemaker:createTransformJob.sync');
    expect(definition).toContain('\\"InstanceType\\":\\"ml.m5.large\\"');
    if (!(construct.inference instanceof SageMakerInference)) throw new Error('expected a SageMaker endpoint');
    expect(definition).toContain(JSON.stringify(stack.resolve(construct.inference.model.attrModelName)));
  });
});
