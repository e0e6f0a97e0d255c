/** BatchScoring with a SageMaker Batch Transform engine on the endpoint's model. */
import { Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BatchEngine } from '../../lib/batch/batch-engine';
import { BatchScoring } from '../../lib/batch-scoring';
import { PropsValidationError } from '../../lib/props-validation';
import { NAG_PACKS } from '../support/batch';
import { createSageMaker, MANIFEST } from '../support/sagemaker';

function build(engine: { instanceType?: string; maxPayload?: Size } = {}) {
  const fixture = createSageMaker();
  const { stack, store, inference } = fixture;
  const batch = new BatchScoring(stack, 'Batch', {
    store,
    manifest: MANIFEST,
    accessLogsBucket: store.accessLogsBucket,
    alarmTopic: new sns.Topic(stack, 'Topic', { enforceSSL: true }),
    engine: BatchEngine.sageMakerTransform({ modelName: inference.model.attrModelName, executionRole: inference.role, instanceType: engine.instanceType ?? 'ml.c6i.large', ...(engine.maxPayload === undefined ? {} : { maxPayload: engine.maxPayload }) }),
  });
  return { ...fixture, batch };
}

describe('Given the SageMaker transform engine', () => {
  const { stack, batch } = build();
  const template = Template.fromStack(stack);
  const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));

  test('Then the state machine runs one transform job and waits for it (.sync), with no batch function', () => {
    expect(batch.function).toBeUndefined();
    expect(definition).toContain(':states:::sagemaker:createTransformJob.sync');
  });

  test('Then the job splits CSV by line into multi-record mini-batches of at most 6 MB, with the runtime limits raised to match', () => {
    for (const fragment of ['\\"SplitType\\":\\"Line\\"', '\\"BatchStrategy\\":\\"MultiRecord\\"', '\\"MaxPayloadInMB\\":6', '\\"ContentType\\":\\"text/csv\\"', '\\"AssembleWith\\":\\"Line\\"', '\\"MAX_PAYLOAD_BYTES\\":\\"6291456\\"', '\\"InstanceType\\":\\"ml.c6i.large\\"']) {
      expect(definition).toContain(fragment);
    }
  });

  test("Then the model's role reads the input prefix and writes the output prefix", () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('SageMaker endpoint'),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Resource: Match.arrayWith([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchData'), 'Arn'] }, '/batch/input/*']] }]) })]) },
    });
  });

  test.each(Object.keys(NAG_PACKS) as (keyof typeof NAG_PACKS)[])('When cdk-nag %s checks it, then every finding of the batch construct and the model role it grants to is fixed or acknowledged', (pack) => {
    const findings = NAG_PACKS[pack]().validateScope(stack).violations.flatMap((v) => v.violatingResources.filter((r) => (r.constructPath ?? '').match(/^Test\/(Batch|Inference)/)).map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });
});

describe('Given invalid transform settings', () => {
  test.each([
    [{ instanceType: 'c6i.large' }, /engine.instanceType must be a SageMaker instance type such as ml.c6i.large \(got 'c6i.large'\)/],
    [{ maxPayload: Size.mebibytes(8) }, /engine.maxPayload must be more than 0 and at most 6 MiB/],
  ])('When %p, then it is refused naming the setting', (engine, message) => {
    let problems: readonly string[] = [];
    try {
      build(engine);
    } catch (error) {
      if (!(error instanceof PropsValidationError)) throw error;
      problems = error.problems;
    }
    expect(problems.join('\n')).toMatch(message);
  });
});
