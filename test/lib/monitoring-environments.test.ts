/**
 * The shipped environments as deployed: every alarm (metric or expression and its inputs, statistic, period,
 * comparison, threshold, evaluation, missing data, action), the topics and their key, the recipients, the
 * provisioned-concurrency scaling and the deployment group. Dev is cheap and quiet, prod is paged and careful, and
 * `rehearsal` (a Lambda environment like staging was before staging moved to SageMaker) rehearses the rollout
 * without paging anyone. The SageMaker environments' alarms come through the same interface (last block).
 */
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { environments } from '../../config/environments';
import { DEFAULT_ALARMED_REASONS } from '../../lib/monitoring';
import type { ModelStack } from '../../lib/model-stack';
import { alarmLines, monitoringAlarms } from '../support/alarms';
import { buildTestStacks } from '../support/stacks';

const RATE = (min: number) => `IF(requests >= ${min}, 100 * FILL(events, 0) / requests, 0)`;
const THROTTLE = (min: number) => `IF(FILL(requests, 0) + FILL(throttles, 0) >= ${min}, 100 * FILL(throttles, 0) / (FILL(requests, 0) + FILL(throttles, 0)), 0)`;
const INVOCATIONS = 'requests=AWS/Lambda Invocations Sum';
// The band around the breast-cancer model's own predictions on test.csv: 56 of 143 malignant (test/lib/evaluation/drift-baseline.test.ts).
const TOTAL = '(FILL(l0, 0) + FILL(l1, 0))';
const HALF_WIDTH = `IF(3 * SQRT(0.238251 * (1 / ${TOTAL} + 0.00699301)) > 0.05, 3 * SQRT(0.238251 * (1 / ${TOTAL} + 0.00699301)), 0.05)`;
const DRIFT =
  `IF(${TOTAL} >= 100, 100 * (ABS(FILL(l0, 0) / ${TOTAL} - 0.391608) - ${HALF_WIDTH}), 0) ` +
  '{l0=modelstack Predictions[label=malignant] Sum, l1=modelstack Predictions[label=benign] Sum} @3600s > 0 (3 of 3, notBreaching) -> Warning';

/** The warning alarms every environment has. */
function warnings(reserved: number): Record<string, string> {
  const rows: Record<string, string> = {
    'ErrorRate-Warning': `${RATE(20)} {events=AWS/Lambda Errors Sum, ${INVOCATIONS}} @300s > 1 (3 of 3, notBreaching) -> Warning`,
    'RuntimeErrorRate-Warning': `${RATE(20)} {events=modelstack Errors Sum, ${INVOCATIONS}} @300s > 1 (3 of 3, notBreaching) -> Warning`,
    'LatencyP99-Warning': 'AWS/Lambda Duration p99 @300s > 15000 (3 of 3, notBreaching) -> Warning',
    'ThrottleRate-Warning': `${THROTTLE(20)} {${INVOCATIONS}, throttles=AWS/Lambda Throttles Sum} @300s > 1 (3 of 3, notBreaching) -> Warning`,
    'ConcurrencyPercentOfReserved-Warning': `100 * concurrency / ${reserved} {concurrency=AWS/Lambda ConcurrentExecutions Maximum} @60s > 80 (3 of 5, notBreaching) -> Warning`,
    'PredictionShareDrift-malignant-Warning': DRIFT,
  };
  for (const reason of DEFAULT_ALARMED_REASONS) {
    rows[`InvalidRequestRate-${reason}-Warning`] = `${RATE(20)} {events=modelstack InvalidRequests[reason=${reason}] Sum, ${INVOCATIONS}} @300s > 5 (3 of 3, notBreaching) -> Warning`;
  }
  return rows;
}

/** The critical alarms (rehearsal, prod): 1-minute periods, 3 of 5, so a bad canary rolls back within its 5 minutes. */
const CRITICALS: Record<string, string> = {
  'ErrorRate-Critical': `${RATE(10)} {events=AWS/Lambda Errors Sum, ${INVOCATIONS}} @60s > 5 (3 of 5, notBreaching) -> Critical`,
  'RuntimeErrorRate-Critical': `${RATE(10)} {events=modelstack Errors Sum, ${INVOCATIONS}} @60s > 5 (3 of 5, notBreaching) -> Critical`,
  'LatencyP99-Critical': 'AWS/Lambda Duration p99 @60s > 24000 (3 of 5, notBreaching) -> Critical',
  'ThrottleRate-Critical': `${THROTTLE(10)} {${INVOCATIONS}, throttles=AWS/Lambda Throttles Sum} @60s > 5 (3 of 5, notBreaching) -> Critical`,
  'ModelLoadFailures-Critical': 'modelstack ModelLoadFailures Sum @60s >= 1 (1 of 1, notBreaching) -> Critical',
};

const EXPECTED_ALARMS: Record<string, Record<string, string>> = {
  dev: {
    ...warnings(5),
    'ModelLoadFailures-Warning': 'modelstack ModelLoadFailures Sum @300s >= 1 (1 of 1, notBreaching) -> Warning',
    // Batch scoring (config batch): failed and timed-out executions of its state machine.
    'BatchExecutionsFailed-Warning': 'AWS/States ExecutionsFailed Sum @300s >= 1 (1 of 1, notBreaching) -> Warning',
    'BatchExecutionsTimedOut-Warning': 'AWS/States ExecutionsTimedOut Sum @300s >= 1 (1 of 1, notBreaching) -> Warning',
  },
  rehearsal: { ...warnings(20), ...CRITICALS },
  prod: {
    ...warnings(100),
    'Heartbeat-Warning': 'AWS/Lambda Invocations Sum @3600s < 1 (1 of 1, breaching) -> Warning',
    'ProvisionedSpilloverRate-Warning':
      'IF(requests >= 20, 100 * FILL(spillover, 0) / requests, 0) {spillover=AWS/Lambda ProvisionedConcurrencySpilloverInvocations Sum, requests=AWS/Lambda Invocations Sum} @300s > 10 (3 of 3, notBreaching) -> Warning',
    ...CRITICALS,
  },
};

let stacks: Record<string, ModelStack>;
/** A Lambda environment that rehearses prod's rollout (linear, rolled back on the critical alarms), paging nobody. */
const REHEARSAL = {
  region: 'eu-west-1',
  model: { directory: 'examples/breast-cancer' },
  // Reserving 20 needs an account quota above 10 (docs/account-quotas.md): this account has the default 1000.
  platform: { type: 'lambda', memorySizeMiB: 2048, timeoutSeconds: 30, reservedConcurrency: 20, accountConcurrencyQuota: 1000, rollout: { strategy: 'linear', percent: 10, intervalMinutes: 1 } },
  removalPolicy: 'destroy',
  alarms: { emails: ['ml-team@example.com'] },
  budget: { monthlyLimitUsd: 100 },
  traffic: { requestsPerMonth: 1_000_000, meanDurationMs: 15 },
};

beforeAll(async () => {
  const built = await buildTestStacks({ environments: { dev: environments.dev, rehearsal: REHEARSAL, prod: environments.prod } });
  stacks = Object.fromEntries(built.stacks.map((stack) => [stack.stackName.replace('modelstack-breast-cancer-', ''), stack]));
});

describe.each(Object.keys(EXPECTED_ALARMS))('Given the %s environment', (environment) => {
  const template = () => Template.fromStack(stacks[environment]);

  test('When synthesized, then exactly these alarms exist, each with its metric, window, threshold, missing-data treatment and topic', () => {
    expect(alarmLines(template(), stacks[environment].stackName)).toEqual(EXPECTED_ALARMS[environment]);
  });

  test('When synthesized, then every alarm notifies its topic on ALARM and on OK, and its description carries a runbook', () => {
    for (const alarm of Object.values(monitoringAlarms(template()))) {
      const p = alarm.Properties as { AlarmActions: unknown[]; OKActions: unknown[]; ActionsEnabled: boolean; AlarmDescription: string };
      expect(p.ActionsEnabled).toBe(true);
      expect(p.AlarmActions).toHaveLength(1);
      expect(p.OKActions).toEqual(p.AlarmActions);
      expect(p.AlarmDescription).toMatch(/^\[(warning|critical)\] .+ Runbook: .+/);
      expect(p.AlarmDescription.length).toBeLessThanOrEqual(1024);
    }
  });

  test('When synthesized, then every topic is encrypted with the one notification key', () => {
    const t = template();
    const key = new Capture();
    const topics = t.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics).length).toBeGreaterThan(0);
    t.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    expect(key.asString()).toMatch(/^MonitoringTopicsKey/);
    t.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('alarm notifications') } });
  });

  test('When synthesized, then the key lets the account administer and use it apart, and only CloudWatch (this stack\'s alarms), SNS (dead letters) and Budgets use it', () => {
    const stackName = stacks[environment].stackName;
    const keys = template().findResources('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('alarm notifications') } });
    const statements = (Object.values(keys)[0].Properties as { KeyPolicy: { Statement: Array<Record<string, unknown>> } }).KeyPolicy.Statement;
    const account = { AWS: { 'Fn::Join': ['', ['arn:aws:iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
    expect(statements.map((s) => [s.Sid, s.Principal])).toEqual([
      ['KeyAdministrationByAccountPolicies', account],
      ['KeyUseByAccountPolicies', account],
      ['GrantsForAwsServicesOnly', account],
      ['AllowCloudWatchAlarmsOfThisStack', { Service: 'cloudwatch.amazonaws.com' }],
      ['AllowSnsDeadLettersOfThisAccount', { Service: 'sns.amazonaws.com' }],
      ['AllowBudgetsOfThisAccount', { Service: 'budgets.amazonaws.com' }],
    ]);
    for (const service of statements.slice(3)) expect(service.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(JSON.stringify(statements[3].Condition)).toContain(`:alarm:${stackName}-*`);
    // The cost budget publishes to the warning topic and adds its own statement there; no other topic lets Budgets in.
    const warningTopic = stacks[environment].resolve(stacks[environment].monitoring.topics.topic('warning').topicArn) as { Ref: string };
    for (const topicPolicy of Object.values(template().findResources('AWS::SNS::TopicPolicy'))) {
      const properties = topicPolicy.Properties as { Topics: Array<{ Ref: string }>; PolicyDocument: { Statement: Array<Record<string, unknown>> } };
      const isBudgetTopic = properties.Topics.some((t) => t.Ref === warningTopic.Ref);
      expect(properties.PolicyDocument.Statement.map((s) => [s.Sid, s.Effect, s.Principal, s.Action])).toEqual([
        ['AllowPublishThroughSSLOnly', 'Deny', '*', 'sns:Publish'],
        ['AllowCloudWatchAlarmsOfThisStack', 'Allow', { Service: 'cloudwatch.amazonaws.com' }, 'sns:Publish'],
        ...(isBudgetTopic ? [['AllowBudgetsToPublish', 'Allow', { Service: 'budgets.amazonaws.com' }, 'sns:Publish']] : []),
      ]);
    }
  });

  test('When synthesized, then the dashboard exists with a generated name', () => {
    const dashboards = template().findResources('AWS::CloudWatch::Dashboard');
    expect(Object.values(dashboards).map((d) => (d.Properties as Record<string, unknown>).DashboardName)).toEqual([undefined]);
  });
});

/** E-mail addresses subscribed to each topic, by severity. */
function recipients(template: Template): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const sub of Object.values(template.findResources('AWS::SNS::Subscription'))) {
    const p = sub.Properties as { Protocol: string; Endpoint: string; TopicArn: { Ref: string } };
    const severity = /Warning|Critical/.exec(p.TopicArn.Ref)?.[0] ?? '?';
    expect(p.Protocol).toBe('email');
    (out[severity] ??= []).push(p.Endpoint);
  }
  return out;
}

describe('Given the recipients per environment', () => {
  test('When dev is synthesized, then only a warning topic exists, mailing the team', () => {
    expect(recipients(Template.fromStack(stacks.dev))).toEqual({ Warning: ['ml-team@example.com'] });
    Template.fromStack(stacks.dev).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('When rehearsal is synthesized, then both severities mail the team and nobody is paged', () => {
    expect(recipients(Template.fromStack(stacks.rehearsal))).toEqual({ Warning: ['ml-team@example.com'], Critical: ['ml-team@example.com'] });
  });

  test('When prod is synthesized, then critical alarms also reach the on-call address', () => {
    expect(recipients(Template.fromStack(stacks.prod))).toEqual({ Warning: ['ml-team@example.com'], Critical: ['ml-team@example.com', 'ml-oncall@example.com'] });
  });
});

describe('Given provisioned concurrency per environment', () => {
  test.each(['dev', 'rehearsal'])('When %s is synthesized, then the alias has no provisioned concurrency and nothing scales', (environment) => {
    const t = Template.fromStack(stacks[environment]);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(Object.values(t.findResources('AWS::Lambda::Alias'))[0].Properties.ProvisionedConcurrencyConfig).toBeUndefined();
  });

  test('When prod is synthesized, then the live alias starts at 2, scales from 2 to 40 on 70% utilization and has more in business hours', () => {
    const t = Template.fromStack(stacks.prod);
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ServiceNamespace: 'lambda',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: 2,
      MaxCapacity: 40,
      ResourceId: { 'Fn::Join': ['', ['function:', Match.anyValue(), ':live']] },
      ScheduledActions: [
        { ScheduledActionName: 'business-hours', Schedule: 'cron(0 7 ? * MON-FRI *)', Timezone: 'Europe/Dublin', ScalableTargetAction: { MinCapacity: 10 } },
        { ScheduledActionName: 'after-hours', Schedule: 'cron(0 19 ? * MON-FRI *)', Timezone: 'Europe/Dublin', ScalableTargetAction: { MinCapacity: 2 } },
      ],
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' }, TargetValue: 0.7 },
    });
  });
});

/** The deployment group's config name, rollback events and alarm names (logical ids of the alarms). */
function rollout(stack: ModelStack): { config: string; events: string[]; alarms: string[] } {
  const groups = Template.fromStack(stack).findResources('AWS::CodeDeploy::DeploymentGroup');
  expect(Object.keys(groups)).toHaveLength(1);
  const p = Object.values(groups)[0].Properties as {
    DeploymentConfigName: string;
    AutoRollbackConfiguration: { Enabled: boolean; Events: string[] };
    AlarmConfiguration?: { Enabled: boolean; Alarms: Array<{ Name: { Ref: string } }> };
  };
  expect(p.AutoRollbackConfiguration.Enabled).toBe(true);
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties: { AlarmName?: string } }>;
  return {
    config: p.DeploymentConfigName,
    events: p.AutoRollbackConfiguration.Events,
    alarms: (p.AlarmConfiguration?.Alarms ?? []).map((a) => (resources[a.Name.Ref].Properties.AlarmName ?? '').replace(`${stack.stackName}-`, '')),
  };
}

describe('Given the rollout per environment', () => {
  const ROLLED_BACK_ON = ['ErrorRate-Critical', 'RuntimeErrorRate-Critical', 'LatencyP99-Critical', 'ThrottleRate-Critical', 'ModelLoadFailures-Critical'];

  test('When dev is synthesized, then new versions go all at once and roll back only on a failed or stopped deployment', () => {
    expect(rollout(stacks.dev)).toEqual({ config: 'CodeDeployDefault.LambdaAllAtOnce', events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'], alarms: [] });
  });

  test('When rehearsal is synthesized, then new versions shift 10% a minute and roll back on the critical alarms', () => {
    expect(rollout(stacks.rehearsal)).toEqual({
      config: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      alarms: ROLLED_BACK_ON,
    });
  });

  test('When prod is synthesized, then a 10% canary bakes 5 minutes and rolls back on the critical alarms', () => {
    expect(rollout(stacks.prod)).toEqual({
      config: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'],
      alarms: ROLLED_BACK_ON,
    });
  });

  test.each(['dev', 'rehearsal', 'prod'])('When %s is synthesized, then the function URL stays on the live alias that CodeDeploy moves', (environment) => {
    const t = Template.fromStack(stacks[environment]);
    const group = new Capture();
    t.hasResource('AWS::Lambda::Alias', { Properties: { Name: 'live' }, UpdatePolicy: { CodeDeployLambdaAliasUpdate: { DeploymentGroupName: { Ref: group } } } });
    expect(t.toJSON().Resources[group.asString()].Type).toBe('AWS::CodeDeploy::DeploymentGroup');
    t.hasResourceProperties('AWS::Lambda::Url', { Qualifier: 'live', AuthType: 'AWS_IAM' });
  });
});

describe('Given a model without evaluation data', () => {
  async function withoutEvaluation(alarms: Record<string, unknown>) {
    const { copyFileSync, mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const source = join(__dirname, '..', '..', 'examples', 'iris');
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-noeval-'));
    copyFileSync(join(source, 'model.onnx'), join(dir, 'model.onnx'));
    const manifest = JSON.parse(readFileSync(join(source, 'model.json'), 'utf8')) as Record<string, unknown>;
    delete manifest.evaluation;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
    const { environments } = await import('../../config/environments');
    return buildTestStacks({ environments: { dev: { ...environments.dev, model: { directory: dir }, alarms } } });
  }

  test('When synthesized, then it stops on the missing-baseline warning rather than silently skipping drift', async () => {
    const { app } = await withoutEvaluation({});
    expect(() => app.synth()).toThrow(/no prediction baseline, so no drift alarms[\s\S]*Annotation::modelstack:noDriftBaseline/);
  });

  test('When drift is turned off in its config, then it synthesizes without drift alarms', async () => {
    const { app, stacks } = await withoutEvaluation({ drift: { enabled: false } });
    expect(() => app.synth()).not.toThrow();
    expect(Object.keys(alarmLines(Template.fromStack(stacks[0]), stacks[0].stackName)).filter((name) => name.includes('Drift'))).toEqual([]);
  });
});

describe('Given the SageMaker environments of the shipped config', () => {
  test.each([
    ['staging', ['Invocation4XXRate', 'OverheadLatencyP99', 'CpuUtilization', 'MemoryUtilization']],
    ['sandbox', ['Invocation4XXRate', 'OverheadLatencyP99', 'ModelSetupTime']],
  ])('When %s is synthesized, then its platform alarms come from the endpoint and every alarm has an action', async (environment, expected) => {
    const { stacks: [stack] } = await buildTestStacks({ only: environment });
    const alarms = Object.entries(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as Array<[string, { Properties: { AlarmName?: string; AlarmActions?: unknown[] } }]>;
    const names = alarms.map(([, a]) => a.Properties.AlarmName ?? '');
    for (const id of expected) expect(names.some((name) => name.includes(id))).toBe(true);
    expect(names.some((name) => name.includes('ConcurrencyPercentOfReserved'))).toBe(false);
    // Every alarm notifies a topic, the endpoint's own rollback alarms too (SageMaker also acts on them during an update).
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    expect(stack.rollout).toBeUndefined();
  });
});
