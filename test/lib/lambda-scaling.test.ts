import { TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { ProvisionedConcurrencyScalingProps } from '../../lib/lambda-scaling';
import { PropsValidationError } from '../../lib/props-validation';
import { dependencyGraph, type DependencyTemplate } from '../support/dependency-cycles';
import { lambdaEndpoint } from '../support/endpoints';

const BUSINESS_HOURS = appscaling.Schedule.cron({ minute: '0', hour: '8', weekDay: 'MON-FRI' });

function scale(props: Partial<ProvisionedConcurrencyScalingProps> = {}, reservedConcurrentExecutions: number | undefined = 50) {
  const fixture = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions });
  const scaling = fixture.endpoint.autoScaleProvisionedConcurrency({ minCapacity: 2, maxCapacity: 20, ...props });
  return { ...fixture, scaling, template: Template.fromStack(fixture.stack) };
}

function problemsOf(props: Partial<ProvisionedConcurrencyScalingProps>, reserved?: number): readonly string[] {
  try {
    scale(props, reserved);
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return (error as PropsValidationError).problems;
  }
  throw new Error('expected the props to be refused');
}

describe('Given provisioned concurrency auto-scaled from 2 to 20', () => {
  const { stack, endpoint, template } = scale();
  const aliasId = stack.getLogicalId(endpoint.alias.node.defaultChild as never);

  test('When synthesized, then the live alias starts with the minimum provisioned', () => {
    template.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
  });

  test('When synthesized, then the scalable target is the alias\'s provisioned concurrency, 2 to 20, and waits for the alias', () => {
    template.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', {
      Properties: {
        ServiceNamespace: 'lambda',
        ScalableDimension: 'lambda:function:ProvisionedConcurrency',
        MinCapacity: 2,
        MaxCapacity: 20,
        ResourceId: { 'Fn::Join': ['', ['function:', Match.anyValue(), ':live']] },
        RoleARN: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency$')])] },
      },
    });
    // Through a Ref to the alias in ResourceId: CloudFormation orders it without a redundant DependsOn (cfn-lint W3005).
    const [targetId, target] = Object.entries(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0];
    expect(dependencyGraph(template.toJSON() as DependencyTemplate).get(targetId)).toEqual(new Set([aliasId]));
    expect(target.DependsOn).toBeUndefined();
  });

  test('When synthesized, then target tracking holds 70% provisioned-concurrency utilization', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' }, TargetValue: 0.7 },
    });
  });

  test('When monitored, then the endpoint offers the spillover rate and utilization besides concurrency', () => {
    expect(endpoint.metricsForMonitoring().map((m) => m.id)).toEqual(['ConcurrentExecutions', 'ConcurrencyPercentOfReserved', 'ProvisionedConcurrencyUtilization', 'ProvisionedSpilloverRate']);
    expect(endpoint.provisionedConcurrency?.maxCapacity).toBe(20);
  });

  test('When the cdk-nag packs check it, then the scaling resources add no finding', () => {
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(found).toEqual([]);
  });
});

describe('Given scheduled scaling and a custom target', () => {
  test('When synthesized, then each schedule is a scheduled action with its bounds and time zone', () => {
    const { template } = scale({
      targetUtilizationPercent: 60,
      schedules: [
        { id: 'BusinessHours', schedule: BUSINESS_HOURS, timeZone: TimeZone.EUROPE_DUBLIN, minCapacity: 10 },
        { id: 'Night', schedule: appscaling.Schedule.cron({ minute: '0', hour: '20' }), minCapacity: 2, maxCapacity: 10 },
      ],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        { ScheduledActionName: 'BusinessHours', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Dublin', ScalableTargetAction: { MinCapacity: 10 } },
        { ScheduledActionName: 'Night', Schedule: 'cron(0 20 * * ? *)', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 10 } },
      ],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.6 }) });
  });

  test('When it is asked for twice, then the second call is refused', () => {
    const { endpoint } = scale();
    expect(() => endpoint.autoScaleProvisionedConcurrency({ minCapacity: 1, maxCapacity: 2 })).toThrow(/already auto-scaled/);
  });
});

describe('Given invalid scaling props', () => {
  test.each<[string, Partial<ProvisionedConcurrencyScalingProps>, number | undefined, string]>([
    ['minCapacity is 0', { minCapacity: 0 }, 50, 'minCapacity must be a whole number, at least 1 (got 0)'],
    ['maxCapacity is below minCapacity', { minCapacity: 5, maxCapacity: 4 }, 50, 'maxCapacity must be a whole number, at least minCapacity (5) (got 4)'],
    ['maxCapacity is above the reserved concurrency', { maxCapacity: 60 }, 50, "maxCapacity must be at most the function's reserved concurrency (50), which provisioned concurrency is taken from (got 60)"],
    ['the target is 95%', { targetUtilizationPercent: 95 }, 50, 'targetUtilizationPercent must be a percentage from 10 to 90 (got 95)'],
    ['a schedule id has a space', { schedules: [{ id: 'Business hours', schedule: BUSINESS_HOURS, minCapacity: 3 }] }, 50, "schedules[0].id must be 1-64 letters, digits or hyphens, starting with a letter (got 'Business hours')"],
    ['two schedules share an id', { schedules: [{ id: 'A', schedule: BUSINESS_HOURS, minCapacity: 3 }, { id: 'A', schedule: BUSINESS_HOURS, minCapacity: 4 }] }, 50, "schedules[1].id must be unique among the schedules (got 'A')"],
    ['a schedule sets no bound', { schedules: [{ id: 'A', schedule: BUSINESS_HOURS }] }, 50, "schedules[0].minCapacity must be set, or maxCapacity set: a schedule changes at least one bound (got 'unset, and so is maxCapacity')"],
    ['a schedule exceeds the reserved concurrency', { schedules: [{ id: 'A', schedule: BUSINESS_HOURS, maxCapacity: 80 }] }, 50, "schedules[0].maxCapacity must be at most the function's reserved concurrency (50), which provisioned concurrency is taken from (got 80)"],
    ['a schedule raises the minimum above the maximum', { schedules: [{ id: 'A', schedule: BUSINESS_HOURS, minCapacity: 30 }] }, 50, "schedules[0].minCapacity must be at most maxCapacity (20), or set this schedule's maxCapacity too (got 30)"],
  ])('When %s, then it is refused naming the property, the value and what is allowed', (_case, props, reserved, message) => {
    expect(problemsOf(props, reserved)).toEqual([message]);
  });

  test('When no concurrency is reserved, then only the account limits bound the maximum', () => {
    const { endpoint } = lambdaEndpoint('breast-cancer');
    expect(endpoint.autoScaleProvisionedConcurrency({ minCapacity: 1, maxCapacity: 500 }).maxCapacity).toBe(500);
  });
});
