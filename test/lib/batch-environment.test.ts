/** Batch scoring from an environment's config: dev has `batch: { maxConcurrency: 5 }`, prod has none. */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BATCH_STATE_MACHINE_OUTPUT } from '../../lib/batch/remote-run';
import { buildTestStacks } from '../support/stacks';

describe('Given the dev environment (batch configured)', () => {
  let template: Template;
  beforeAll(async () => {
    const { stacks } = await buildTestStacks({ only: 'dev' });
    template = Template.fromStack(stacks[0]);
  });

  test('Then the stack outputs the state machine the CLI starts', () => {
    template.hasOutput(BATCH_STATE_MACHINE_OUTPUT, { Value: { Ref: Match.stringLikeRegexp('^BatchScoring') } });
  });

  test('Then the batch function reserves the configured 5 beside the live function reserved 5', () => {
    const reserved = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => (f.Properties as { ReservedConcurrentExecutions?: number }).ReservedConcurrentExecutions);
    expect(reserved.filter((r) => r !== undefined).sort()).toEqual([5, 5]);
  });

  test("Then the environment's dashboard has the batch row", () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard.Properties)).toContain('Batch executions');
  });
});

describe('Given the prod environment (no batch in its config)', () => {
  test('Then it has no batch state machine', async () => {
    const { stacks } = await buildTestStacks({ only: 'prod' });
    // Its one state machine is the retraining signal translator (config: retraining), not a batch one.
    const machines = Object.keys(Template.fromStack(stacks[0]).findResources('AWS::StepFunctions::StateMachine'));
    expect(machines.filter((id) => !id.startsWith('RetrainingSignalsTranslator'))).toEqual([]);
    expect(stacks[0].batch).toBeUndefined();
  });
});
