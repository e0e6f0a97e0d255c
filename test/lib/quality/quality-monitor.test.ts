/**
 * QualityMonitor synthesized: the schedule, the job's role (reads captures and ground truth, writes quality
 * records, nothing more), the encrypted log group, the alarms from the manifest's minimums, the evaluation's
 * figures and the training profile, the dashboard row, the validation, and the five compliance packs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { AlarmTopics } from '../../../lib/monitoring/alarm-topics';
import type { EvaluationKeyFigures } from '../../../lambda/core/evaluation-figures';
import type { Manifest } from '../../../lambda/core/manifest';
import { TrainingProfileSchema, type TrainingProfile } from '../../../lambda/records/training-profile';
import { QualityMonitor, type QualityMonitorProps } from '../../../lib/quality-monitor';
import { exampleManifest, lambdaEndpoint } from '../../support/endpoints';
import { TestPredictionRecords } from '../../support/prediction-records-bucket';
import { PROJECT_ROOT } from '../../support/app';
import { strictSynthProblems } from '../../support/standalone';

const FIGURES: EvaluationKeyFigures = {
  verdict: 'pass',
  keyMetric: 'macroF1',
  metrics: { accuracy: 0.96, macroF1: 0.95 },
  rows: 143,
  dataSha256: 'a'.repeat(64),
  evaluatedAt: '2026-12-01T00:00:00.000Z',
};

function profileOf(example: string): TrainingProfile {
  return TrainingProfileSchema.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', example, 'profile.json'), 'utf8')));
}

function withMinimums(manifest: Manifest): Manifest {
  return { ...manifest, evaluation: { data: 'test.csv', target: 'diagnosis', minimum: { accuracy: 0.9 }, minimumPerClass: { malignant: { recall: 0.85 } } } };
}

function synth(props: Partial<QualityMonitorProps> = {}): { stack: Stack; monitor: QualityMonitor; template: Template } {
  const { stack, endpoint, manifest } = lambdaEndpoint('breast-cancer');
  const records = new TestPredictionRecords(stack, 'Records');
  const topics = new AlarmTopics(stack, 'Topics', { purpose: 'tests', recipients: { warning: [], critical: [] } });
  const monitor = new QualityMonitor(stack, 'Quality', { records, endpoint, topics, manifest: withMinimums(manifest), evaluation: FIGURES, profile: profileOf('breast-cancer'), ...props });
  return { stack, monitor, template: Template.fromStack(stack) };
}

describe('Given a QualityMonitor on an endpoint with a records bucket', () => {
  const { stack, monitor, template } = synth({ dashboard: undefined });

  test('Then an EventBridge Scheduler schedule runs the job hourly, retrying twice', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Quality'), 'Arn'] }, RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 } }),
    });
  });

  test('Then the job is told the bucket, the capture prefix, the label delay and the window', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('quality job'),
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: Match.objectLike({ CAPTURE_PREFIX: 'capture/', LABEL_DELAY_HOURS: '48', WINDOW_HOURS: '1', POWERTOOLS_SERVICE_NAME: 'breast-cancer' }) },
    });
  });

  test("Then the job's role reads captures and ground truth and writes quality records, nothing more", () => {
    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: stack.getLogicalId(monitor.role.node.defaultChild as CfnRole) }] } });
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown }> } } }).Properties.PolicyDocument.Statement);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
    const byAction = s3.map((s) => ({ actions: [s.Action].flat().sort(), resources: JSON.stringify(s.Resource) }));
    expect(byAction.map((s) => s.actions)).toEqual([['s3:ListBucket'], ['s3:GetObject'], ['s3:PutObject']]);
    expect(byAction[1].resources).toMatch(/capture\/\*.*ground-truth\/\*/);
    expect(byAction[2].resources).toMatch(/quality\/\*/);
    expect(byAction[2].resources).not.toMatch(/capture|ground-truth/);
    const other = statements.filter((s) => ![s.Action].flat().some((a) => a.startsWith('s3:') || a.startsWith('kms:') || a.startsWith('logs:') || a.startsWith('xray:')));
    expect(other).toEqual([]);
  });

  test('Then the job logs to a log group encrypted with its own key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), LogGroupName: Match.stringLikeRegexp('Quality') });
  });

  test("Then a critical alarm holds live accuracy to the manifest's minimum, gated on 100 labelled predictions", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.9,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('^\\[critical\\] Live accuracy'),
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(gate >= 100, value, 1000000000)' }),
        Match.objectLike({ Id: 'value', MetricStat: Match.objectLike({ Metric: { Namespace: 'modelstack', MetricName: 'LiveAccuracy', Dimensions: [{ Name: 'service', Value: 'breast-cancer' }] } }) }),
        Match.objectLike({ Id: 'gate', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'LabelledPredictions' }) }) }),
      ]),
    });
  });

  test("Then a warning alarm fires when live accuracy falls below the evaluation's figure minus the tolerance", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 0.91, ComparisonOperator: 'LessThanThreshold', AlarmDescription: Match.stringLikeRegexp('^\\[warning\\] Live accuracy') });
  });

  test("Then a critical alarm holds a class's recall to the manifest's minimumPerClass", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.85,
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'LiveClassRecall', Dimensions: Match.arrayWith([{ Name: 'label', Value: 'malignant' }]) }) }) })]),
    });
  });

  test('Then each numeric feature has a PSI alarm at 0.2 that names it', () => {
    const features = Object.keys(profileOf('breast-cancer').features);
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('has drifted') } });
    expect(Object.keys(alarms)).toHaveLength(features.length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 0.2,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmDescription: Match.stringLikeRegexp(`Feature "${features[0]}" has drifted`),
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'FeaturePSI', Dimensions: Match.arrayWith([{ Name: 'feature', Value: features[0] }]) }) }) })]),
    });
  });

  test('Then the alarms are exposed by severity, and the job failing is itself alarmed', () => {
    expect(monitor.alarmsOf('critical').length).toBe(2);
    expect(monitor.alarms.map((a) => a.definition.id)).toContain('QualityJobFailed');
  });

  test('Then all five compliance packs are clean and nothing warns', () => {
    expect(strictSynthProblems(stack)).toEqual([]);
  });
});

describe('Given a dashboard and alarm topics', () => {
  test('When the monitor is added, then the dashboard gets the quality row with the evaluation line and the top drifting features', () => {
    const { stack, endpoint, manifest } = lambdaEndpoint('breast-cancer');
    const dashboard = new cloudwatch.Dashboard(stack, 'Dashboard');
    const topics = new AlarmTopics(stack, 'Topics', { purpose: 'tests', recipients: { warning: [] } });
    new QualityMonitor(stack, 'Quality', { records: new TestPredictionRecords(stack, 'Records'), endpoint, topics, manifest, evaluation: FIGURES, profile: profileOf('breast-cancer'), dashboard });
    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Live accuracy vs the evaluation');
    expect(body).toContain('evaluation 0.9600');
    expect(body).toContain('SORT(SEARCH(');
    expect(body).toContain('FeaturePSI');
  });
});

describe('Given invalid props', () => {
  test.each([
    ['window', { window: Duration.minutes(30) }, /window must be whole hours from 1 to 24/],
    ['labelDelay', { labelDelay: Duration.minutes(90) }, /labelDelay must be whole hours, 0 or more/],
    ['tolerance', { tolerance: 1.5 }, /tolerance must be a number from 0 to below 1 \(got 1.5\)/],
    ['minLabelledPredictions', { minLabelledPredictions: 0 }, /minLabelledPredictions must be a whole number of at least 1 \(got 0\)/],
    ['minDriftPredictions', { minDriftPredictions: 2.5 }, /minDriftPredictions must be a whole number of at least 1 \(got 2.5\)/],
    ['psiThreshold', { psiThreshold: 0 }, /psiThreshold must be a number above 0 \(got 0\)/],
    ['metricsNamespace', { metricsNamespace: 'AWS/Mine' }, /metricsNamespace must be/],
  ])('When %s is out of range, then it is refused naming the value and what is allowed', (_name, props, message) => {
    expect(() => synth(props as Partial<QualityMonitorProps>)).toThrow(message);
  });

  test('When minLabelledPredictions is too few for the tolerance, then synth warns with the count needed', () => {
    // The test app synthesizes strictly: the warning fails the synth, with its message.
    expect(() => synth({ minLabelledPredictions: 10 })).toThrow(/minLabelledPredictions 10 is too few for the tolerance 0.05 .* use at least 42/);
  });
});

describe('Given a regression model', () => {
  test("Then MAE and RMSE are alarmed against the evaluation's figures plus a relative tolerance", () => {
    const { stack, endpoint } = lambdaEndpoint('diabetes');
    const manifest = exampleManifest('diabetes');
    const evaluation = { ...FIGURES, keyMetric: 'rmse', metrics: { mae: 40, rmse: 50 } };
    const topics = new AlarmTopics(stack, 'Topics', { purpose: 'tests', recipients: { warning: [] } });
    new QualityMonitor(stack, 'Quality', { records: new TestPredictionRecords(stack, 'Records'), endpoint, topics, manifest, evaluation });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 42, ComparisonOperator: 'GreaterThanThreshold', Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(gate >= 100, value, -1000000000)' })]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 52.5, ComparisonOperator: 'GreaterThanThreshold' });
  });
});
