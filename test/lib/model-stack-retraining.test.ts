/**
 * An environment with a `retraining` block: its drift alarms and its quality monitor's alarms become retraining signals with the facts of their
 * own alarm definitions, and its schedule goes to EventBridge Scheduler. Built from the shipped prod environment
 * exactly as `bin/app.ts` builds it.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { environments } from '../../config/environments';
import { isDriftAlarm } from '../../lib/monitoring/drift';
import type { ModelStack } from '../../lib/model-stack';
import { buildTestStacks } from '../support/stacks';

describe('Given the prod environment with retraining signals and a monthly schedule', () => {
  let stack: ModelStack;
  let template: Template;
  beforeAll(async () => {
    [stack] = (await buildTestStacks({ only: 'prod' })).stacks;
    template = Template.fromStack(stack);
  });

  test("When synthesized, then every drift alarm and every quality alarm but the job's own failure, and no other alarm, has a signal rule carrying its own facts", () => {
    const quality = (stack.endpoint.quality?.alarms ?? []).filter((a) => a.definition.id !== 'QualityJobFailed');
    const drift = [...stack.monitoring.alarms.filter((a) => isDriftAlarm(a.definition)), ...quality];
    // The live metrics past their minimum and the per-feature drift of the example's profile among them.
    expect(quality.map((a) => a.definition.id)).toEqual(expect.arrayContaining(['LiveAccuracyPastMinimum', 'FeatureDrift-MeanRadius']));
    const rules = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { 'detail-type': ['CloudWatch Alarm State Change'] } } })) as Array<{
      Properties: { EventPattern: { resources: unknown[] }; Targets: Array<{ InputTransformer: { InputTemplate: string } }> };
    }>;
    expect(rules).toHaveLength(drift.length);
    for (const { definition, alarm } of drift) {
      const rule = rules.find((r) => JSON.stringify(stack.resolve(r.Properties.EventPattern.resources)) === JSON.stringify(stack.resolve([alarm.alarmArn])));
      expect(rule).toBeDefined();
      const template = rule?.Properties.Targets[0].InputTransformer.InputTemplate ?? '';
      const facts = (JSON.parse(template.replace(/<[a-z0-9-]+>/g, 'null')) as { signal: unknown }).signal;
      expect(facts).toEqual({
        version: '1',
        kind: 'alarm',
        model: 'breast-cancer',
        environment: 'prod',
        metric: definition.id,
        description: definition.title,
        threshold: definition.threshold,
        comparison: definition.comparisonOperator,
        window: { periodSeconds: 3600, evaluationPeriods: definition.evaluationPeriods, datapointsToAlarm: definition.datapointsToAlarm },
      });
    }
  });

  test('When synthesized, then the monthly schedule puts a retrain-due signal on the default bus', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: environments.prod.retraining.schedule,
      Target: Match.objectLike({ EventBridgeParameters: { DetailType: 'Model Retraining Signal', Source: 'modelstack' } }),
    });
  });
});

describe('Given an environment with retraining signals to a configured bus', () => {
  test('When synthesized, then the translator may put events on that bus only', async () => {
    const bus = 'arn:aws:events:eu-west-1:123456789012:event-bus/ml-training';
    const [stack] = (await buildTestStacks({ environments: { prod: { ...environments.prod, retraining: { eventBusArn: bus } } } })).stacks;
    const template = Template.fromStack(stack);
    // No retrain-due schedule (prod's other schedule runs its quality job).
    template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { Target: Match.objectLike({ EventBridgeParameters: Match.anyValue() }) }, 0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: bus }]) },
    });
  });
});
