/**
 * An AWS Budget for one environment's stack: a monthly cost limit over the resources that carry the stack's
 * cost-allocation tag, alerting at percentages of actual spend and at a percentage of the month's forecast, to an
 * SNS topic (the monitoring topic) and e-mail addresses.
 *
 * Default settings:
 * - alerts at 80% and 100% of actual spend and at 100% of forecast spend;
 * - budget name `<stack name>-<region>` (budget names are per account, stacks per region);
 * - costs as AWS Budgets counts them by default (unblended, with tax, support, credits and refunds).
 *
 * The cost-allocation tag must be activated once per payer account in the Billing console (Cost allocation tags,
 * User-defined tags), or no cost ever matches the filter; see the README.
 */
import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PropsValidator } from './props-validation';

/** At most this many notifications per budget (AWS Budgets' limit), one of which is the forecast alert. */
export const MAX_BUDGET_NOTIFICATIONS = 5;
/** At most this many e-mail subscribers per budget notification (AWS Budgets' limit). */
export const MAX_BUDGET_EMAILS = 10;

/** The tag the stack puts on every resource so a budget (and Cost Explorer) can select them: value = stack name. */
export const COST_ALLOCATION_TAG_KEY = 'modelstack:cost-allocation';

/** The service principal that publishes budget alerts. */
export const BUDGETS_SERVICE_PRINCIPAL = 'budgets.amazonaws.com';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A tag selecting the costs a budget counts. */
export interface CostAllocationTag {
  /** Tag key, e.g. `modelstack:cost-allocation`; no `$`. */
  readonly key: string;
  /** Tag value, e.g. the stack name; no `$`. */
  readonly value: string;
}

/** Properties of a {@link CostBudget}. */
export interface CostBudgetProps {
  /** Monthly limit in USD: more than 0, at most 1,000,000. */
  readonly monthlyLimitUsd: number;

  /** The cost-allocation tag whose resources the budget counts. */
  readonly costAllocationTag: CostAllocationTag;

  /**
   * Percentages of the limit that, once actually spent, alert: whole numbers from 1 to 1000, distinct, at most 4
   * (AWS Budgets allows 5 notifications per budget, and one is the forecast alert).
   * @default [80, 100]
   */
  readonly actualThresholdsPercent?: readonly number[];

  /**
   * Percentage of the limit that, once forecast for the month, alerts: a whole number from 1 to 1000.
   * @default 100
   */
  readonly forecastThresholdPercent?: number;

  /**
   * Topic the alerts go to. A topic of this app gets a policy statement letting AWS Budgets publish to it (for this
   * account's budgets only); an encrypted topic's key policy must allow `budgets.amazonaws.com` to use the key.
   * @default - no topic
   */
  readonly topic?: sns.ITopic;

  /**
   * Addresses the alerts go to, at most 10.
   * @default - none
   */
  readonly emails?: readonly string[];

  /**
   * Name of the budget: unique in the account, without `:` or `\`.
   * @default - `<stack name>-<region>`
   */
  readonly budgetName?: string;
}

/** An `AWS::Budgets::Budget` over the costs of one cost-allocation tag (construct id of the budget: `Resource`). */
export class CostBudget extends Construct {
  /** The budget. */
  public readonly budget: budgets.CfnBudget;
  /** The budget's name. */
  public readonly budgetName: string;
  /** Actual-spend alert thresholds (percent). */
  public readonly actualThresholdsPercent: readonly number[];
  /** Forecast alert threshold (percent). */
  public readonly forecastThresholdPercent: number;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.actualThresholdsPercent = props.actualThresholdsPercent ?? [80, 100];
    this.forecastThresholdPercent = props.forecastThresholdPercent ?? 100;
    this.budgetName = props.budgetName ?? `${stack.stackName}-${stack.region}`;
    const emails = props.emails ?? [];
    this.validate(props, emails);

    const subscribers: budgets.CfnBudget.SubscriberProperty[] = [
      ...emails.map((address) => ({ subscriptionType: 'EMAIL', address })),
      ...(props.topic === undefined ? [] : [{ subscriptionType: 'SNS', address: props.topic.topicArn }]),
    ];
    const notification = (notificationType: 'ACTUAL' | 'FORECASTED', threshold: number): budgets.CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers,
    });
    if (subscribers.length === 0) {
      // Info, not a warning: CDK validation fails synth on warnings, and a budget nobody is alerted by still shows in
      // the console and Cost Explorer (the monitoring topic, once wired, is always a subscriber).
      Annotations.of(this).addInfo(`budget ${this.budgetName} alerts nobody yet: give it a topic or e-mail addresses (budget.emails or alarms.emails in the config)`);
    }

    this.budget = new budgets.CfnBudget(this, 'Resource', {
      budget: {
        budgetName: this.budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyLimitUsd, unit: 'USD' },
        costFilters: { TagKeyValue: [`user:${props.costAllocationTag.key}$${props.costAllocationTag.value}`] },
      },
      notificationsWithSubscribers:
        subscribers.length === 0
          ? undefined
          : [...this.actualThresholdsPercent.map((threshold) => notification('ACTUAL', threshold)), notification('FORECASTED', this.forecastThresholdPercent)],
    });

    if (props.topic !== undefined) this.allowBudgetsToPublish(props.topic);
  }

  private validate(props: CostBudgetProps, emails: readonly string[]): void {
    const validator = new PropsValidator(this);
    const limit = props.monthlyLimitUsd;
    if (!Token.isUnresolved(limit) && (!Number.isFinite(limit) || limit <= 0 || limit > 1_000_000)) {
      validator.fail('monthlyLimitUsd', limit, 'more than 0 and at most 1000000 (USD)');
    }
    const thresholds = this.actualThresholdsPercent;
    thresholds.forEach((threshold, index) => validator.integerInRange(`actualThresholdsPercent[${index}]`, threshold, 1, 1000, '%'));
    if (thresholds.length === 0 || thresholds.length > MAX_BUDGET_NOTIFICATIONS - 1) {
      validator.fail('actualThresholdsPercent', `[${thresholds.join(', ')}]`, `1 to ${MAX_BUDGET_NOTIFICATIONS - 1} thresholds (AWS Budgets allows ${MAX_BUDGET_NOTIFICATIONS} notifications per budget, one is the forecast alert)`);
    }
    if (new Set(thresholds).size !== thresholds.length) validator.fail('actualThresholdsPercent', `[${thresholds.join(', ')}]`, 'distinct thresholds');
    validator.integerInRange('forecastThresholdPercent', this.forecastThresholdPercent, 1, 1000, '%');
    if (emails.length > MAX_BUDGET_EMAILS) validator.fail('emails', `${emails.length} addresses`, `at most ${MAX_BUDGET_EMAILS} addresses (AWS Budgets' limit per notification)`);
    emails.forEach((email, index) => {
      if (!Token.isUnresolved(email) && !EMAIL.test(email)) validator.fail(`emails[${index}]`, email, 'an e-mail address');
    });
    for (const part of ['key', 'value'] as const) {
      const value = props.costAllocationTag[part];
      if (!Token.isUnresolved(value) && (value.length === 0 || value.includes('$'))) validator.fail(`costAllocationTag.${part}`, value, 'a non-empty string without "$" (the filter separates key and value with it)');
    }
    if (props.budgetName !== undefined && !Token.isUnresolved(props.budgetName) && !/^[^:\\]{1,100}$/.test(props.budgetName)) {
      validator.fail('budgetName', props.budgetName, '1-100 characters without ":" or "\\"');
    }
    validator.throwIfInvalid();
  }

  private allowBudgetsToPublish(topic: sns.ITopic): void {
    const added = topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowBudgetsToPublish',
        principals: [new iam.ServicePrincipal(BUDGETS_SERVICE_PRINCIPAL)],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*` },
        },
      }),
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        'modelstack:budgetTopicPolicy',
        `the budget's topic is imported: make sure its policy lets ${BUDGETS_SERVICE_PRINCIPAL} publish (sns:Publish), or alerts are dropped`,
      );
    }
  }
}
