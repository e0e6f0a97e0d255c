/**
 * Everything else the monitoring and cost issues add, priced from real constructs: alarms (metric math bills each
 * metric), dashboards, an encrypted SNS topic with e-mail subscribers, the budget, log groups and KMS keys.
 */
import { CfnCondition, CfnParameter, CfnResource, Duration, Fn, type Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { DAYS_PER_MONTH, NOTIFICATIONS_PER_MONTH } from '../../../lib/cost/assumptions';
import { estimateStack } from '../../../lib/cost/estimate';
import { estimatesMarkdown } from '../../../lib/cost/format-markdown';
import { estimatesText } from '../../../lib/cost/format-text';
import { CostBudget } from '../../../lib/cost-budget';
import { expectWithinOnePercent, lineOf, PRICES, synthesized, unitPrice } from '../../support/cost';

const metric = (name: string, period = Duration.minutes(5)) => new cloudwatch.Metric({ namespace: 'modelstack', metricName: name, period });

describe('Given CloudWatch alarms and a dashboard', () => {
  const build = (stack: Stack) => {
    metric('Errors').createAlarm(stack, 'ErrorsAlarm', { threshold: 1, evaluationPeriods: 1 });
    new cloudwatch.MathExpression({ expression: '100 * (a + b) / c', usingMetrics: { a: metric('InvalidRequests'), b: metric('Errors'), c: metric('Requests') } }).createAlarm(stack, 'ErrorRateAlarm', {
      threshold: 5,
      evaluationPeriods: 3,
    });
    metric('Latency', Duration.seconds(10)).createAlarm(stack, 'FastAlarm', { threshold: 100, evaluationPeriods: 1 });
    new cloudwatch.Dashboard(stack, 'Dashboard', { widgets: [[new cloudwatch.GraphWidget({ left: [metric('Latency')] })]] });
  };

  test('When estimated, then a metric-math alarm bills each of its metrics, a 10-second alarm bills at high resolution and the dashboard $3', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(lineOf(estimate, 'ErrorsAlarm', 'alarm-metrics').quantity.expected).toBe(1);
    expect(lineOf(estimate, 'ErrorRateAlarm', 'alarm-metrics').quantity.expected).toBe(3);
    expect(lineOf(estimate, 'FastAlarm', 'alarm-metrics').priceKey).toBe('cloudwatch.alarm.highResolution');
    const expected = 4 * unitPrice('cloudwatch.alarm.standard') + unitPrice('cloudwatch.alarm.highResolution') + unitPrice('cloudwatch.dashboard');
    expectWithinOnePercent(estimate.fixed.expected, expected);
    expect(estimate.total.expected).toBeCloseTo(expected, 10);
  });
});

describe('Given a canary rollout with CodeDeploy and an anomaly-detection alarm (what the monitoring change adds)', () => {
  const build = (stack: Stack) => {
    const fn = new lambda.Function(stack, 'Inference', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1') });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion });
    new codedeploy.LambdaDeploymentGroup(stack, 'Rollout', { alias, deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES });
    new cloudwatch.AnomalyDetectionAlarm(stack, 'LatencyAnomaly', { metric: metric('Latency'), evaluationPeriods: 3 });
  };

  test('When estimated, then CodeDeploy for Lambda is free by rule and the anomaly alarm bills its metric and the two band metrics', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(estimate.free).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resourceType: 'AWS::CodeDeploy::Application', rule: 'CodeDeploy costs nothing for Lambda deployments' }),
        expect.objectContaining({ resourceType: 'AWS::CodeDeploy::DeploymentGroup', rule: 'CodeDeploy costs nothing for Lambda deployments' }),
      ]),
    );
    expect(lineOf(estimate, 'LatencyAnomaly', 'alarm-metrics').quantity.expected).toBe(3);
    expect(estimate.complete).toBe(true);
  });
});

describe('Given an encrypted alarm topic with two e-mail subscribers and the budget publishing to it', () => {
  const build = (stack: Stack) => {
    const key = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
    topic.addSubscription(new subscriptions.EmailSubscription('a@example.com'));
    topic.addSubscription(new subscriptions.EmailSubscription('b@example.com'));
    new CostBudget(stack, 'Budget', { monthlyLimitUsd: 100, costAllocationTag: { key: 'modelstack:cost-allocation', value: 'CostTest' }, topic });
    new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
  };

  test('When estimated, then the key costs $1 a month ($3 once rotated twice), the topic its deliveries and the budget nothing', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(lineOf(estimate, 'TopicKey', 'key').quantity).toEqual({ expected: 1, worstCase: 3 });
    expect(lineOf(estimate, 'Topic', 'email-deliveries').quantity.expected).toBe(2 * NOTIFICATIONS_PER_MONTH);
    expect(lineOf(estimate, 'Budget', 'budget')).toMatchObject({ priceKey: 'budgets.budget', quantity: { expected: DAYS_PER_MONTH } });
    const expected =
      unitPrice('kms.key') +
      NOTIFICATIONS_PER_MONTH * unitPrice('kms.requests') +
      NOTIFICATIONS_PER_MONTH * unitPrice('sns.publish') +
      2 * NOTIFICATIONS_PER_MONTH * unitPrice('sns.email') +
      DAYS_PER_MONTH * unitPrice('budgets.budget');
    expectWithinOnePercent(estimate.total.expected, expected);
    expect(estimate.complete).toBe(true);
  });

  test('When estimated, then subscriptions and the topic policy are free by rule, not unpriced', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(estimate.free.map((r) => r.resourceType)).toEqual(expect.arrayContaining(['AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy']));
  });

  test('When the stack has a budget, then the estimate is held against the budget the template deploys', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, budgetUsd: 1 });
    expect(estimate.budget).toMatchObject({ monthlyLimitUsd: 100, source: 'template', overBudget: false });
  });
});

describe('Given a resource type the estimator does not know', () => {
  const build = (stack: Stack) => {
    // SQS queues are free by rule (idle dead-letter queues); an ECR repository has neither a pricer nor a rule.
    new CfnResource(stack, 'Repository', { type: 'AWS::ECR::Repository' });
    new kms.Key(stack, 'Key');
  };

  test('When estimated, then it is listed unpriced by logical id and type, and the estimate says it is incomplete', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(estimate.unpriced).toEqual([{ logicalId: 'Repository', resourceType: 'AWS::ECR::Repository', reason: 'the estimator has no pricing for AWS::ECR::Repository' }]);
    expect(estimate.complete).toBe(false);
    // The rest is still priced.
    expect(estimate.total.expected).toBeCloseTo(unitPrice('kms.key'), 10);
    const text = estimatesText([estimate], { priceSource: 'pricing/prices.json' }).join('\n');
    expect(text).toContain('INCOMPLETE: 1 resource(s) unpriced');
    expect(text).toContain('unpriced: Repository (AWS::ECR::Repository)');
    const markdown = estimatesMarkdown([estimate], { priceSource: 'pricing/prices.json' }).join('\n');
    expect(markdown).toContain('**INCOMPLETE**');
    expect(markdown).toContain('| `Repository` | AWS::ECR::Repository |');
  });

  test('When a resource depends on a condition, then it is unpriced rather than guessed', () => {
    const estimate = estimateStack(
      synthesized((stack) => {
        const key = new kms.Key(stack, 'Key');
        const wanted = new CfnParameter(stack, 'WantKey', { default: 'yes' });
        (key.node.defaultChild as kms.CfnKey).cfnOptions.condition = new CfnCondition(stack, 'Maybe', { expression: Fn.conditionEquals(wanted.valueAsString, 'yes') });
      }),
      { prices: PRICES },
    );
    expect(estimate.unpriced[0]).toMatchObject({ resourceType: 'AWS::KMS::Key', reason: expect.stringContaining('condition Maybe') });
  });
});
