/**
 * The compliance findings fixed rather than acknowledged, each next to a negative control: the same resource as
 * CDK builds it by default, on which the five packs (or the policy shape) show what the fix removes.
 */
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import type { ModelStack } from '../../lib/model-stack';
import { testApp, PROJECT_ROOT } from '../support/app';
import { ALL_ENVIRONMENTS } from '../support/configurations';
import { buildTestStacks } from '../support/stacks';

/** Unacknowledged findings of the five packs on constructs under `under`. */
function findings(stack: Stack, under: string): string[] {
  Template.fromStack(stack);
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks(), new ServerlessChecks()].flatMap((pack) =>
    pack
      .validateScope(stack)
      .violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').startsWith(`${stack.stackName}/${under}`)))
      .map((v) => v.ruleName),
  );
}

const built: Record<string, { stack: ModelStack; template: Template }> = {};
beforeAll(async () => {
  for (const name of ['dev', 'staging']) {
    const { stacks } = await buildTestStacks({ environments: ALL_ENVIRONMENTS, only: name });
    built[name] = { stack: stacks[0], template: Template.fromStack(stacks[0]) };
  }
});

describe('Given the model deployment copy step (BucketDeployment)', () => {
  test('When synthesized, then its role may read its asset and write under this model\'s prefix only, from a customer-managed policy', () => {
    const { template } = built.staging;
    const [, policy] = Object.entries(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^Copies model files') } }))[0];
    const statements = policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }>;
    const text = JSON.stringify(statements);
    expect(text).not.toMatch(/"s3:(GetObject|List|GetBucket|DeleteObject|Abort)\*"|"kms:ReEncrypt\*"/);
    expect(text).toContain('/models/breast-cancer/*');
    expect(statements.find((s) => s.Action === 's3:ListBucket')?.Condition).toEqual({ StringLike: { 's3:prefix': ['models/breast-cancer/*'] } });
    template.resourcePropertiesCountIs('AWS::IAM::Policy', Match.anyValue(), 0);
  });

  test('When synthesized, then its log group is encrypted with a customer-managed key and has a retention', () => {
    const { template, stack } = built.dev;
    const copySteps = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => id.startsWith('CustomCDKBucketDeployment'));
    expect(copySteps.length).toBeGreaterThan(0);
    for (const [, fn] of copySteps) expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.stringMatching(/^ModelDeploymentHandlerLogs/) } });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp(`^/modelstack/${stack.stackName}/.*ModelDeploymentHandler-Logs-`),
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelDeploymentHandlerLogsKey'), 'Arn'] },
      RetentionInDays: 30,
    });
    expect(findings(stack, 'Custom::CDKBucketDeployment')).toEqual([]);
    expect(findings(stack, 'ModelDeploymentHandler')).toEqual([]);
  });

  test('When CDK builds it by default (negative control), then the packs find the inline policy, the broad grants and the unencrypted log group', () => {
    const stack = new Stack(testApp(), 'Control');
    const bucket = new s3.Bucket(stack, 'Bucket', { encryptionKey: new kms.Key(stack, 'Key'), encryption: s3.BucketEncryption.KMS });
    new s3deploy.BucketDeployment(stack, 'Deployment', { sources: [s3deploy.Source.asset(path.join(PROJECT_ROOT, 'examples', 'breast-cancer'))], destinationBucket: bucket });
    const found = findings(stack, 'Custom::CDKBucketDeployment').map((rule) => rule.replace(/\[.*$/, ''));
    expect(found).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM4', 'AwsSolutions-IAM5', 'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', 'PCI.DSS.321-CloudWatchLogGroupEncrypted']),
    );
    expect(findings(stack, 'Custom::CDKBucketDeployment')).toContain('AwsSolutions-IAM5[Resource::<Bucket83908E77.Arn>/*]');
  });
});

describe('Given the keys of an environment', () => {
  test('When synthesized, then no statement gives the account kms:*, administration and use are apart, and grants are for AWS services only', () => {
    const keys = Object.values(built.staging.template.findResources('AWS::KMS::Key'));
    expect(keys.length).toBeGreaterThanOrEqual(4);
    for (const key of keys) {
      const statements = key.Properties.KeyPolicy.Statement as Array<{ Sid: string; Action: string | string[]; Condition?: unknown }>;
      const actions = (s: { Action: string | string[] }) => [s.Action].flat();
      expect(statements.flatMap(actions)).not.toContain('kms:*');
      expect(statements.find((s) => s.Sid === 'KeyAdministrationByAccountPolicies')).toBeDefined();
      expect(actions(statements.find((s) => s.Sid === 'KeyAdministrationByAccountPolicies') ?? { Action: [] })).not.toContain('kms:Decrypt');
      for (const statement of statements.filter((s) => actions(s).includes('kms:CreateGrant'))) {
        expect(statement.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
      }
    }
  });

  test('When CDK builds a key by default (negative control), then one statement gives the account root kms:*', () => {
    const stack = new Stack(testApp(), 'Control');
    new kms.Key(stack, 'Key');
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: [Match.objectLike({ Action: 'kms:*' })] } });
  });
});

describe('Given the alarm topics', () => {
  test('When synthesized, then every topic signs with SHA-256 (signature version 2)', () => {
    const topics = Object.values(built.staging.template.findResources('AWS::SNS::Topic'));
    expect(topics.map((t) => t.Properties.SignatureVersion)).toEqual(topics.map(() => '2'));
  });

  test('When synthesized, then every e-mail subscription has an encrypted dead-letter queue and the packs find nothing', () => {
    const { template, stack } = built.staging;
    const emails = Object.values(template.findResources('AWS::SNS::Subscription', { Properties: { Protocol: 'email' } }));
    expect(emails.length).toBeGreaterThan(0);
    for (const subscription of emails) expect(subscription.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetters/), 'Arn'] } });
    template.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MonitoringTopicsKey'), 'Arn'] }, MessageRetentionPeriod: 1209600 });
    expect(findings(stack, 'Monitoring/Topics')).toEqual([]);
  });

  test('When an e-mail subscription has no dead-letter queue (negative control), then the Serverless pack finds it', () => {
    const stack = new Stack(testApp(), 'Control');
    new sns.Topic(stack, 'Topic').addSubscription(new subscriptions.EmailSubscription('ops@example.com'));
    expect(findings(stack, 'Topic')).toContain('Serverless-SNSRedrivePolicy');
  });
});

describe('Given the SageMaker rollback alarms', () => {
  test('When synthesized, then they notify the critical topic when they fire and clear, and the packs find nothing', () => {
    const { template, stack } = built.staging;
    for (const name of ['ErrorRateAlarm', 'LatencyAlarm']) {
      const [alarm] = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith(`Inference${name}`));
      expect(alarm[1].Properties).toMatchObject({ AlarmActions: [{ Ref: expect.stringMatching(/^MonitoringTopicsCritical/) }], OKActions: [{ Ref: expect.stringMatching(/^MonitoringTopicsCritical/) }] });
    }
    expect(findings(stack, 'Inference/ErrorRateAlarm')).toEqual([]);
  });

  test('When an alarm has no action (negative control), then HIPAA and NIST find it', () => {
    const stack = new Stack(testApp(), 'Control');
    new cloudwatch.Alarm(stack, 'Alarm', { metric: new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors' }), threshold: 1, evaluationPeriods: 1 });
    expect(findings(stack, 'Alarm')).toEqual(expect.arrayContaining(['HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5-CloudWatchAlarmAction']));
  });
});
