/**
 * ModelEndpoint with `quality`: the QualityMonitor is its child `Quality`, judges the endpoint's model against
 * the endpoint's evaluation, alarms on the endpoint's topics, adds its row to the endpoint's dashboard, and the
 * whole stays clean under the five compliance packs.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { TrainingProfileSchema } from '../../../lambda/records/training-profile';
import type { ModelArtifact } from '../../../lib/model-artifact';
import { ModelEndpoint } from '../../../lib/model-endpoint';
import { TestPredictionRecords } from '../../support/prediction-records-bucket';
import { standaloneStack, strictSynthProblems } from '../../support/standalone';
import { BREAST_CANCER_EXAMPLE, exampleArtifact } from '../../support/example-artifact';

const EXAMPLE = BREAST_CANCER_EXAMPLE;
let model: ModelArtifact;
beforeAll(async () => {
  model = await exampleArtifact();
});

describe('Given a ModelEndpoint with quality on a records bucket', () => {
  function build() {
    const stack = standaloneStack();
    const records = new TestPredictionRecords(stack, 'Records');
    const profile = TrainingProfileSchema.parse(JSON.parse(readFileSync(path.join(EXAMPLE, 'profile.json'), 'utf8')));
    const evaluation = { verdict: 'pass' as const, keyMetric: 'macroF1', metrics: { accuracy: 0.965, macroF1: 0.96 }, rows: 143, dataSha256: 'a'.repeat(64), evaluatedAt: '2026-12-01T00:00:00Z' };
    const construct = new ModelEndpoint(stack, 'Model', { model, evaluation, quality: { records, profile } });
    return { stack, construct, template: Template.fromStack(stack) };
  }

  test('Then the monitor is the child Quality and its alarms notify the endpoint topics', () => {
    const { stack, construct, template } = build();
    expect(construct.node.children.map((c) => c.node.id)).toContain('Quality');
    const critical = construct.monitoring.topics.topic('critical');
    const alarm = construct.quality?.alarmsOf('critical')[0] as cloudwatch.Alarm;
    const actions = (stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions) as unknown[]);
    expect(actions).toEqual([stack.resolve(critical.topicArn)]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0.915, AlarmDescription: Match.stringLikeRegexp('^\\[warning\\] Live accuracy') });
  });

  test("Then the endpoint's dashboard gets the quality row", () => {
    const { template } = build();
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'))).toContain('Live accuracy vs the evaluation');
  });

  test('Then the five compliance packs are clean and nothing warns', () => {
    expect(strictSynthProblems(build().stack)).toEqual([]);
  });
});

describe("Given a ModelEndpoint with quality and no profile of the caller's", () => {
  const numericFeatures = () => model.manifest.input.features.filter((f) => f.type === 'number' || f.type === 'integer').map((f) => f.name);

  test("Then drift is alarmed per numeric feature against the model folder's profile.json", () => {
    const stack = standaloneStack();
    new ModelEndpoint(stack, 'Model', { model, quality: { records: new TestPredictionRecords(stack, 'Records') } });
    const drift = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('^\\[warning\\] Feature "[^"]+" has drifted') } });
    expect(numericFeatures().length).toBeGreaterThan(0);
    expect(Object.values(drift).map((a) => /Feature "([^"]+)" has drifted/.exec(String(a.Properties.AlarmDescription))?.[1]).sort()).toEqual(numericFeatures().sort());
  });

  test('Then a model without a profile gets no drift alarms', () => {
    const stack = standaloneStack();
    const { profile: _profile, ...withoutProfile } = model;
    new ModelEndpoint(stack, 'Model', { model: withoutProfile, quality: { records: new TestPredictionRecords(stack, 'Records') } });
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('^\\[warning\\] Feature "[^"]+" has drifted') }, 0);
  });
});
