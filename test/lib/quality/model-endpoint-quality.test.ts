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
import { inspectModelArtifact, type ModelArtifact } from '../../../lib/model-artifact';
import { ModelEndpoint } from '../../../lib/model-endpoint';
import { PROJECT_ROOT } from '../../support/app';
import { TestPredictionRecords } from '../../support/prediction-records-bucket';
import { standaloneStack, strictSynthProblems } from '../../support/standalone';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'breast-cancer');
let model: ModelArtifact;
beforeAll(async () => {
  model = await inspectModelArtifact(path.join(EXAMPLE, 'model.onnx'), path.join(EXAMPLE, 'model.json'));
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
