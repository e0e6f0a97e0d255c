import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { environments } from '../../config/environments';
import { COST_ALLOCATION_TAG_KEY, CostBudget, type CostBudgetProps } from '../../lib/cost-budget';
import { PropsValidationError } from '../../lib/props-validation';
import { testApp } from '../support/app';
import { buildTestStacks } from '../support/stacks';

const TAG = { key: COST_ALLOCATION_TAG_KEY, value: 'modelstack-iris-prod' };

function budgetStack(props: Partial<CostBudgetProps> = {}, withTopic = false): { stack: Stack; template: Template } {
  const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
  const topic = withTopic ? new sns.Topic(stack, 'Alerts') : undefined;
  new CostBudget(stack, 'Budget', { monthlyLimitUsd: 250, costAllocationTag: TAG, emails: ['ml-oncall@example.com'], topic, ...props });
  return { stack, template: Template.fromStack(stack) };
}

describe('Given a CostBudget with the defaults', () => {
  test('When synthesized, then it is a monthly COST budget of the limit, filtered to the cost-allocation tag', () => {
    budgetStack().template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: {
        BudgetName: 'Test-eu-west-1',
        BudgetType: 'COST',
        TimeUnit: 'MONTHLY',
        BudgetLimit: { Amount: 250, Unit: 'USD' },
        CostFilters: { TagKeyValue: ['user:modelstack:cost-allocation$modelstack-iris-prod'] },
      },
    });
  });

  test('When synthesized, then it alerts the addresses at 80% and 100% of actual spend and at 100% of forecast', () => {
    const subscribers = [{ SubscriptionType: 'EMAIL', Address: 'ml-oncall@example.com' }];
    const notification = (NotificationType: string, Threshold: number) => ({
      Notification: { NotificationType, Threshold, ComparisonOperator: 'GREATER_THAN', ThresholdType: 'PERCENTAGE' },
      Subscribers: subscribers,
    });
    budgetStack().template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [notification('ACTUAL', 80), notification('ACTUAL', 100), notification('FORECASTED', 100)],
    });
  });
});

describe('Given a CostBudget with a topic (the monitoring topic)', () => {
  test('When synthesized, then every alert also goes to the topic', () => {
    const { stack, template } = budgetStack({ actualThresholdsPercent: [50] }, true);
    const topic = stack.resolve((stack.node.findChild('Alerts') as sns.Topic).topicArn);
    template.hasResourceProperties('AWS::Budgets::Budget', {
      NotificationsWithSubscribers: [
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'ACTUAL', Threshold: 50 }), Subscribers: Match.arrayWith([{ SubscriptionType: 'SNS', Address: topic }]) }),
        Match.objectLike({ Notification: Match.objectLike({ NotificationType: 'FORECASTED', Threshold: 100 }), Subscribers: Match.arrayWith([{ SubscriptionType: 'SNS', Address: topic }]) }),
      ],
    });
  });

  test('When synthesized, then the topic policy lets AWS Budgets of this account (only) publish', () => {
    budgetStack({}, true).template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowBudgetsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'budgets.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  test('When the topic is imported, then synth fails until the warning that its policy must let budgets publish is acknowledged', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test', { env: { region: 'eu-west-1' } });
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:eu-west-1:123456789012:alerts');
    const budget = new CostBudget(stack, 'Budget', { monthlyLimitUsd: 10, costAllocationTag: TAG, topic });
    expect(() => app.synth()).toThrow(/make sure its policy lets budgets\.amazonaws\.com publish[\s\S]*Annotation::modelstack:budgetTopicPolicy/);
    Validations.of(budget).acknowledge({ id: 'modelstack:budgetTopicPolicy', reason: 'The shared alert topic already allows AWS Budgets to publish.' });
    expect(() => app.synth({ force: true })).not.toThrow();
  });
});

describe('Given a CostBudget nobody is subscribed to', () => {
  test('When synthesized, then the budget has no notifications and an info note says it alerts nobody', () => {
    const { stack, template } = budgetStack({ emails: [] });
    template.hasResourceProperties('AWS::Budgets::Budget', { NotificationsWithSubscribers: Match.absent() });
    Annotations.fromStack(stack).hasInfo('/Test/Budget', Match.stringLikeRegexp('alerts nobody yet'));
  });
});

describe('Given invalid props', () => {
  test.each<[string, Partial<CostBudgetProps>, RegExp]>([
    ['the limit is 0', { monthlyLimitUsd: 0 }, /monthlyLimitUsd must be more than 0 and at most 1000000 \(USD\) \(got 0\)/],
    ['the limit is above a million', { monthlyLimitUsd: 2_000_000 }, /monthlyLimitUsd must be more than 0/],
    ['a threshold is 0', { actualThresholdsPercent: [0, 100] }, /actualThresholdsPercent\[0\] must be a whole number from 1% to 1000% \(got 0\)/],
    ['five thresholds are given', { actualThresholdsPercent: [10, 20, 30, 40, 50] }, /actualThresholdsPercent must be 1 to 4 thresholds/],
    ['a threshold repeats', { actualThresholdsPercent: [80, 80] }, /actualThresholdsPercent must be distinct thresholds \(got '\[80, 80\]'\)/],
    ['the forecast threshold is 1.5', { forecastThresholdPercent: 1.5 }, /forecastThresholdPercent must be a whole number from 1% to 1000% \(got 1.5\)/],
    ['an address is not one', { emails: ['oncall'] }, /emails\[0\] must be an e-mail address \(got 'oncall'\)/],
    ['eleven addresses are given', { emails: Array.from({ length: 11 }, (_, i) => `a${i}@example.com`) }, /emails must be at most 10 addresses/],
    ['the tag value holds a $', { costAllocationTag: { key: 'k', value: 'a$b' } }, /costAllocationTag.value must be a non-empty string without "\$"/],
    ['the name holds a colon', { budgetName: 'a:b' }, /budgetName must be 1-100 characters without ":" or "\\"/],
  ])('When %s, then it is refused naming the property, the value and what is allowed', (_case, props, message) => {
    expect(() => budgetStack(props)).toThrow(PropsValidationError);
    expect(() => budgetStack(props)).toThrow(message);
  });
});

describe('Given the shipped environments', () => {
  test('When synthesized, then each stack has one budget of its configured limit, filtered to its own cost-allocation tag', async () => {
    const { stacks } = await buildTestStacks();
    for (const stack of stacks) {
      const env = environments[stack.stackName.replace('modelstack-breast-cancer-', '') as keyof typeof environments];
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::Budgets::Budget', 1);
      template.hasResourceProperties('AWS::Budgets::Budget', {
        Budget: Match.objectLike({ BudgetLimit: { Amount: env.budget.monthlyLimitUsd, Unit: 'USD' }, CostFilters: { TagKeyValue: [`user:modelstack:cost-allocation$${stack.stackName}`] } }),
      });
    }
  });

  test('When synthesized, then every taggable resource carries the cost-allocation tag with the stack name', async () => {
    const { stacks } = await buildTestStacks({ only: 'prod' });
    const template = Template.fromStack(stacks[0]);
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect((resource as { Properties: { Tags: unknown } }).Properties.Tags).toEqual(expect.arrayContaining([{ Key: COST_ALLOCATION_TAG_KEY, Value: 'modelstack-breast-cancer-prod' }]));
      }
    }
  });

  test('When prod is synthesized, then its budget alerts at its configured percentages, to its alarm addresses', async () => {
    const { stacks } = await buildTestStacks({ only: 'prod' });
    const thresholds = Template.fromStack(stacks[0]).findResources('AWS::Budgets::Budget');
    const [budget] = Object.values(thresholds) as Array<{ Properties: { NotificationsWithSubscribers: Array<{ Notification: { NotificationType: string; Threshold: number }; Subscribers: unknown[] }> } }>;
    expect(budget.Properties.NotificationsWithSubscribers.map((n) => `${n.Notification.NotificationType} ${n.Notification.Threshold}`)).toEqual(['ACTUAL 50', 'ACTUAL 80', 'ACTUAL 100', 'FORECASTED 100']);
    // The config's alarm addresses, and the monitoring warning topic.
    const warningTopic = stacks[0].resolve(stacks[0].monitoring.topics.topic('warning').topicArn);
    expect(budget.Properties.NotificationsWithSubscribers[0].Subscribers).toEqual([
      ...environments.prod.alarms.emails.map((address) => ({ SubscriptionType: 'EMAIL', Address: address })),
      { SubscriptionType: 'SNS', Address: warningTopic },
    ]);
  });
});
