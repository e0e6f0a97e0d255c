/**
 * CloudWatch alarms (a metric-math alarm bills each metric it reads; periods under 60 s bill at the high-resolution
 * rate; an anomaly-detection band adds two), composite alarms, dashboards, Application Auto Scaling policies (a
 * target-tracking policy creates two alarms of its own), SNS topics (publishes and e-mail deliveries of a quiet
 * month of notifications) and AWS Budgets (free without actions).
 */
import { DAYS_PER_MONTH, NOTIFICATIONS_PER_MONTH, TARGET_TRACKING_ALARMS } from '../assumptions';
import { asList, asObject, literalNumber, literalString, referencedId, type CfnResource } from '../cloudformation-template';
import { both, free, priced, type ResourcePricing } from '../line-item';
import type { PricingContext } from '../pricing-context';

/** An `AWS::CloudWatch::Alarm`. */
export function priceAlarm(_logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const props = resource.Properties ?? {};
  const queries = asList(props.Metrics).map((query) => asObject(query) ?? {});
  let metrics: number;
  let periods: Array<number | undefined>;
  if (queries.length > 0) {
    const stats = queries.map((query) => asObject(query.MetricStat)).filter((stat) => stat !== undefined);
    const bands = queries.filter((query) => typeof query.Expression === 'string' && query.Expression.includes('ANOMALY_DETECTION_BAND')).length;
    metrics = stats.length + 2 * bands;
    periods = stats.map((stat) => literalNumber(stat?.Period, context.graph.template));
  } else {
    metrics = 1;
    periods = [literalNumber(props.Period, context.graph.template)];
  }
  const highResolution = periods.some((period) => period !== undefined && period < 60);
  return priced({
    id: 'alarm-metrics',
    description: `${highResolution ? 'high-resolution' : 'standard'} alarm${queries.length > 0 ? ' (metric math)' : ''}`,
    kind: 'fixed',
    priceKey: highResolution ? 'cloudwatch.alarm.highResolution' : 'cloudwatch.alarm.standard',
    quantity: both(metrics),
    basis: queries.length > 0 ? `${metrics} metrics read by the expression, each billed` : 'one metric',
  });
}

/** An `AWS::CloudWatch::CompositeAlarm`. */
export function priceCompositeAlarm(): ResourcePricing {
  return priced({ id: 'composite-alarm', description: 'composite alarm', kind: 'fixed', priceKey: 'cloudwatch.alarm.composite', quantity: both(1), basis: 'one composite alarm' });
}

/** An `AWS::CloudWatch::Dashboard`. */
export function priceDashboard(): ResourcePricing {
  return priced({ id: 'dashboard', description: 'dashboard', kind: 'fixed', priceKey: 'cloudwatch.dashboard', quantity: both(1), basis: 'one dashboard' });
}

/** An `AWS::ApplicationAutoScaling::ScalingPolicy`. */
export function priceScalingPolicy(_logicalId: string, resource: CfnResource): ResourcePricing {
  if (resource.Properties?.PolicyType !== 'TargetTrackingScaling') {
    return free('a step-scaling policy creates no alarm of its own (its alarm is priced where it is defined)');
  }
  return priced({
    id: 'target-tracking-alarms',
    description: 'alarms created by target tracking',
    kind: 'fixed',
    priceKey: 'cloudwatch.alarm.standard',
    quantity: both(TARGET_TRACKING_ALARMS),
    basis: 'Application Auto Scaling creates a scale-out and a scale-in alarm',
  });
}

/** An `AWS::SNS::Topic`: publishes and e-mail deliveries of a quiet month of notifications. */
export function priceTopic(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const inline = asList(resource.Properties?.Subscription).filter((s) => literalString(asObject(s)?.Protocol)?.startsWith('email') === true).length;
  const separate = context.graph
    .ofType('AWS::SNS::Subscription')
    .filter(([, s]) => referencedId(s.Properties?.TopicArn) === logicalId && literalString(s.Properties?.Protocol)?.startsWith('email') === true).length;
  const emails = inline + separate;
  return priced(
    { id: 'publishes', description: 'notifications published', kind: 'traffic', priceKey: 'sns.publish', quantity: both(NOTIFICATIONS_PER_MONTH), basis: `${NOTIFICATIONS_PER_MONTH} notifications a month (alarm changes, budget alerts), assumed` },
    {
      id: 'email-deliveries',
      description: 'e-mail deliveries',
      kind: 'traffic',
      priceKey: 'sns.email',
      quantity: both(NOTIFICATIONS_PER_MONTH * emails),
      basis: `${NOTIFICATIONS_PER_MONTH} notifications × ${emails} e-mail subscriptions`,
    },
  );
}

/** An `AWS::Budgets::Budget`. */
export function priceBudget(): ResourcePricing {
  return priced({ id: 'budget', description: 'budget without actions', kind: 'fixed', priceKey: 'budgets.budget', quantity: both(DAYS_PER_MONTH), basis: 'budget-days in a month' });
}

/** An `AWS::Budgets::BudgetsAction`: its budget becomes action-enabled. */
export function priceBudgetsAction(): ResourcePricing {
  return priced({
    id: 'action-enabled-budget',
    description: 'action-enabled budget',
    kind: 'fixed',
    priceKey: 'budgets.actionEnabledBudget',
    quantity: both(DAYS_PER_MONTH),
    basis: 'budget-days in a month; the first two action-enabled budgets of an account are free (not applied)',
  });
}
