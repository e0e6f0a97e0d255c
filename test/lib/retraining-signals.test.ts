/**
 * RetrainingSignals: the alarm -> rule -> state machine -> event path, checked on the synthesized template. The
 * state machine's definition passes a real ASL validator (asl-validator) and runs in a local executor
 * (aws-local-stepfunctions) on docs/retraining-signals.md's example alarm state change, after the rule's own
 * input transformer: the PutEvents entry it makes must equal the page's example signal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { RETRAINING_SIGNAL_DETAIL_TYPE, RETRAINING_SIGNAL_SOURCE } from '../../lib/retraining-signals';
import { applyInputTransformer, buildSignals, definitionOf, exampleSignal, type SignalsFixture } from '../support/retraining';
import '../support/promise-with-resolvers';
// asl-validator ships no types: one function from definition to { isValid, errors }.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errors: Array<{ message: string }> };


type Json = Record<string, unknown>;
interface Entry {
  readonly Detail: Json;
  readonly DetailType: string;
  readonly Source: string;
  readonly EventBusName?: string;
}

/** The JSON block of docs/retraining-signals.md tagged `name` (```json <name>). */
function docExample(name: string): Json {
  const page = readFileSync(join(__dirname, '../../docs/retraining-signals.md'), 'utf8');
  const match = new RegExp('```json ' + name + '\\n([\\s\\S]*?)\\n```').exec(page);
  if (match === null) throw new Error(`docs/retraining-signals.md has no json ${name} block`);
  return JSON.parse(match[1]) as Json;
}

function ruleTransformer(fixture: SignalsFixture): { InputPathsMap: Record<string, string>; InputTemplate: string } {
  const [rule] = Object.values(fixture.template.findResources('AWS::Events::Rule')) as Array<{ Properties: { Targets: Array<{ InputTransformer: never }> } }>;
  // The template is a token-free string here: the facts are literals.
  return fixture.stack.resolve(rule.Properties.Targets[0].InputTransformer) as { InputPathsMap: Record<string, string>; InputTemplate: string };
}

/** Runs the synthesized state machine on `alarmEvent` as the rule delivers it; returns the PutEvents entries. */
async function publish(fixture: SignalsFixture, alarmEvent: Json): Promise<Entry[]> {
  const input = applyInputTransformer(ruleTransformer(fixture), alarmEvent);
  const machine = new StateMachine(definitionOf(fixture.template) as never, { validationOptions: { checkArn: false } });
  const published: Entry[] = [];
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: {
        Publish: (parameters) => {
          published.push(...(parameters as unknown as { Entries: Entry[] }).Entries);
          return Promise.resolve({ Entries: [{ EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' }], FailedEntryCount: 0 });
        },
      },
    },
  });
  await execution.result;
  return published;
}

describe('Given retraining signals on a drift alarm', () => {
  const fixture = buildSignals();

  test('When asl-validator checks the state machine, then it is valid Amazon States Language', () => {
    const result = aslValidator(definitionOf(fixture.template));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  test('When the state machine is synthesized, then it is Express, traced, logs every execution and publishes with the optimized events:putEvents integration', () => {
    fixture.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
    const states = definitionOf(fixture.template).States as Record<string, Json>;
    expect(states.Publish.Resource).toBe('arn:aws:states:::events:putEvents');
    expect(Object.values(states).filter((s) => s.Type === 'Task')).toHaveLength(1);
  });

  test('When the documented alarm state change arrives, then the state machine puts exactly the documented signal', async () => {
    const [entry, ...more] = await publish(fixture, docExample('alarm-state-change'));
    expect(more).toEqual([]);
    expect({ 'detail-type': entry.DetailType, source: entry.Source, detail: entry.Detail }).toEqual(docExample('retraining-signal'));
    // No bus named: the integration's default, the account's default bus.
    expect(entry.EventBusName).toBeUndefined();
  });

  test('When the alarm state change carries no reasonData (set by hand), then the signal goes out with value null', async () => {
    const event = docExample('alarm-state-change');
    const detail = event.detail as { state: Json };
    delete detail.state.reasonData;
    const [entry] = await publish(fixture, event);
    expect(entry.Detail).toMatchObject({ value: null, state: 'ALARM', metric: 'PredictionShareDrift-malignant' });
  });

  test('When CloudWatch reports no evaluated value, then the signal goes out with value null', async () => {
    const event = docExample('alarm-state-change');
    const state = (event.detail as { state: Json }).state;
    state.reasonData = JSON.stringify({ version: '1.0', recentDatapoints: [], threshold: 0, evaluatedDatapoints: [{ timestamp: '2026-11-03T08:00:00.000+0000' }] });
    const [entry] = await publish(fixture, event);
    expect(entry.Detail.value).toBeNull();
  });

  test("When the rule is synthesized, then it matches only this alarm's transitions to ALARM and starts the state machine with a role", () => {
    fixture.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Alarm'), 'Arn'] }],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Translator') }, RoleArn: Match.anyValue() })],
    });
  });

  test('When the roles are read, then the translator may only put events on the default bus and the rule only start the translator', () => {
    const policies = fixture.template.findResources('AWS::IAM::ManagedPolicy');
    const text = (part: string): string => JSON.stringify(Object.entries(policies).find(([id]) => id.includes(part))?.[1]);
    expect(text('TranslatorRole')).toContain('{"Action":"events:PutEvents","Effect":"Allow","Resource":"arn:aws:events:eu-west-1:123456789012:event-bus/default"}');
    expect(text('RulesRole')).toContain('"Action":"states:StartExecution"');
    expect(text('RulesRole')).not.toContain('events:PutEvents');
  });

  test('When the five compliance packs check it, then every finding is fixed or acknowledged with a reason', () => {
    const stack = fixture.stack;
    for (const pack of [new AwsSolutionsChecks(stack), new HIPAASecurityChecks(stack), new NIST80053R5Checks(stack), new PCIDSS321Checks(stack), new ServerlessChecks(stack)]) {
      // The fixture's stand-in alarm has no action of its own; the signals' resources are what is checked.
      const findings = pack.validateScope(stack).violations.filter((v) => !v.ruleName.endsWith('CloudWatchAlarmAction')).map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings).toEqual([]);
    }
  });
});

describe('Given retraining signals to a configured bus', () => {
  const fixture = buildSignals({ eventBus: (stack) => events.EventBus.fromEventBusArn(stack, 'Bus', 'arn:aws:events:eu-west-1:123456789012:event-bus/ml-training') });

  test('When the documented alarm state change arrives, then the signal is put on that bus', async () => {
    const [entry] = await publish(fixture, docExample('alarm-state-change'));
    expect(entry.EventBusName).toBe('arn:aws:events:eu-west-1:123456789012:event-bus/ml-training');
  });
});

describe('Given a monthly retraining schedule', () => {
  const fixture = buildSignals({ schedule: scheduler.ScheduleExpression.expression('cron(0 6 1 * ? *)') });

  test('When synthesized, then EventBridge Scheduler puts the same event shape on the default bus with the scheduled time', () => {
    const [schedule] = Object.values(fixture.template.findResources('AWS::Scheduler::Schedule')) as Array<{ Properties: { ScheduleExpression: string; Target: { Arn: unknown; Input: string; EventBridgeParameters: Json } } }>;
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 6 1 * ? *)');
    expect(schedule.Properties.Target.EventBridgeParameters).toEqual({ DetailType: RETRAINING_SIGNAL_DETAIL_TYPE, Source: RETRAINING_SIGNAL_SOURCE });
    const documented = docExample('retraining-signal').detail as Json;
    const detail = JSON.parse(schedule.Properties.Target.Input) as Json;
    expect(Object.keys(detail).sort()).toEqual(Object.keys(documented).sort());
    expect(detail).toEqual({
      version: '1',
      kind: 'schedule',
      model: 'breast-cancer',
      environment: 'prod',
      metric: 'schedule',
      description: 'Retraining is due on schedule (cron(0 6 1 * ? *))',
      value: null,
      threshold: null,
      comparison: null,
      window: { schedule: 'cron(0 6 1 * ? *)' },
      alarm: null,
      state: 'DUE',
      time: '<aws.scheduler.scheduled-time>',
    });
    expect(JSON.stringify(fixture.stack.resolve(schedule.Properties.Target.Arn))).toContain('event-bus/default');
  });

  test('When the five compliance packs check it, then the schedule adds no finding', () => {
    const stack = fixture.stack;
    for (const pack of [new AwsSolutionsChecks(stack), new HIPAASecurityChecks(stack), new NIST80053R5Checks(stack), new PCIDSS321Checks(stack), new ServerlessChecks(stack)]) {
      const findings = pack.validateScope(stack).violations.filter((v) => !v.ruleName.endsWith('CloudWatchAlarmAction')).map((v) => v.ruleName);
      expect(findings).toEqual([]);
    }
  });
});

describe('Given invalid signal alarms', () => {
  test.each([
    ['metric', { metric: ' ' }, /metric must be a non-blank id of at most 256 characters \(got ' '\)/],
    ['evaluationPeriods', { evaluationPeriods: 0 }, /evaluationPeriods must be a whole number from 1/],
    ['datapointsToAlarm', { datapointsToAlarm: 4 }, /datapointsToAlarm must be a whole number from 1 to 3/],
  ])('When %s is wrong, then adding it fails naming it', (_field, overrides, message) => {
    const { stack, signals } = buildSignals();
    expect(() => signals.addAlarm(exampleSignal(stack, { metric: 'Other', ...overrides }))).toThrow(message);
  });

  test('When two alarms share a metric id, then the second is refused', () => {
    const { stack, signals } = buildSignals();
    expect(() => signals.addAlarm(exampleSignal(stack))).toThrow(/metric must be unique among the signals \(it names the event and the rule\) \(got 'PredictionShareDrift-malignant'\)/);
  });

  test('When an alarm id holds a label with spaces and slashes, then it is the event\'s metric as it is and its rule gets a safe id', () => {
    const { stack, signals } = buildSignals();
    const rule = signals.addAlarm(exampleSignal(stack, { metric: 'PredictionShareDrift-class a/b' }));
    expect(rule.node.id).toMatch(/^Signal-PredictionShareDrift-class_a_b-[0-9a-f]{8}$/);
    const input = JSON.stringify(stack.resolve((rule.node.defaultChild as events.CfnRule).targets));
    expect(input).toContain('PredictionShareDrift-class a/b');
  });

  test('When a second alarm is added, then it gets a rule of its own on the same state machine', () => {
    const { stack, signals } = buildSignals();
    signals.addAlarm(exampleSignal(stack, { metric: 'QualityF1', period: Duration.days(1), evaluationPeriods: 1, datapointsToAlarm: 1 }));
    const rules = stack.node.findAll().filter((c) => c instanceof events.CfnRule);
    expect(rules).toHaveLength(2);
    expect(new Set(rules.map((rule) => JSON.stringify(stack.resolve(rule.targets))).map((targets) => /Translator[0-9A-F]{8}/.exec(targets)?.[0]))).toEqual(new Set([expect.stringMatching(/^Translator/)]));
  });
});
