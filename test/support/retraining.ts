/**
 * A stack with {@link RetrainingSignals} on one drift alarm, with the facts of docs/retraining-signals.md's
 * example, and helpers to run its state machine locally: the definition with CloudFormation references made
 * literal, and EventBridge's input transformer applied to an event as the rule would.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { RetrainingSignals, type RetrainingSignalAlarm, type RetrainingSignalsProps } from '../../lib/retraining-signals';
import { testApp } from './app';

type Json = Record<string, unknown>;

/** The drift alarm of the documented example. */
export function exampleSignal(stack: Stack, overrides: Partial<RetrainingSignalAlarm> = {}): RetrainingSignalAlarm {
  const alarm = new cloudwatch.Alarm(stack, `Alarm${stack.node.children.length}`, {
    metric: new cloudwatch.Metric({ namespace: 'modelstack', metricName: 'Predictions', period: Duration.hours(1) }),
    threshold: 0,
    evaluationPeriods: 3,
  });
  return {
    alarm,
    metric: 'PredictionShareDrift-malignant',
    description: "Share of 'malignant' outside its band (percentage points)",
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    period: Duration.hours(1),
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
    ...overrides,
  };
}

/** The stack, its signals and template. */
export interface SignalsFixture {
  readonly stack: Stack;
  readonly signals: RetrainingSignals;
  readonly template: Template;
}

/** Signals of `breast-cancer` in `prod` on the example alarm; `options` may add a bus or a schedule. */
export function buildSignals(options: { eventBus?: (stack: Stack) => events.IEventBus; schedule?: scheduler.ScheduleExpression; props?: Partial<RetrainingSignalsProps> } = {}): SignalsFixture {
  const stack = new Stack(testApp(), 'Signals', { env: { account: '123456789012', region: 'eu-west-1' } });
  const signals = new RetrainingSignals(stack, 'RetrainingSignals', {
    modelName: 'breast-cancer',
    environmentName: 'prod',
    alarms: [exampleSignal(stack)],
    ...(options.eventBus === undefined ? {} : { eventBus: options.eventBus(stack) }),
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    ...options.props,
  });
  return { stack, signals, template: Template.fromStack(stack) };
}

/** The state machine's ASL with `Ref AWS::Partition` as `aws` and any other reference refused. */
export function definitionOf(template: Template): Json {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: Json }>;
  const body = machine.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  if (typeof body === 'string') return JSON.parse(body) as Json;
  const literal = (part: unknown): string => {
    if (typeof part === 'string') return part;
    if ((part as { Ref?: string }).Ref === 'AWS::Partition') return 'aws';
    throw new Error(`unexpected reference in the definition: ${JSON.stringify(part)}`);
  };
  return JSON.parse(body['Fn::Join'][1].map(literal).join('')) as Json;
}

/** A value of `event` at an EventBridge input path such as `$.detail.state` or `$.resources[0]`. */
function at(event: unknown, path: string): unknown {
  const steps = path.replace(/^\$\.?/, '').split('.').filter((s) => s !== '');
  let value: unknown = event;
  for (const step of steps) {
    const match = /^([^[]+)(?:\[(\d+)\])?$/.exec(step);
    if (match === null) throw new Error(`unsupported input path ${path}`);
    value = (value as Json | undefined)?.[match[1]];
    if (match[2] !== undefined) value = (value as unknown[] | undefined)?.[Number(match[2])];
  }
  return value;
}

/**
 * What EventBridge hands the target: the template with each `<key>` replaced by the JSON of the value at its
 * input path (a string value is inserted quoted, as EventBridge does for JSON templates).
 */
export function applyInputTransformer(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: unknown): Json {
  let text = transformer.InputTemplate;
  for (const [key, path] of Object.entries(transformer.InputPathsMap)) {
    const value = at(event, path);
    if (value === undefined) throw new Error(`input path ${path} has no value in the event`);
    text = text.split(`<${key}>`).join(JSON.stringify(value));
  }
  return JSON.parse(text) as Json;
}
