/**
 * What operates on the endpoint, from config: provisioned-concurrency scaling from `platform.scaling`, and the
 * rollout strategy from `platform.rollout`, defaulting by protection (never by the environment's name).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { lambdaRolloutStrategy, lambdaScalingProps } from '../../config/endpoint-props';
import { environments } from '../../config/environments';
import { buildTestStacks } from '../support/stacks';

describe('Given a rollout block', () => {
  test.each([
    [{ strategy: 'all-at-once' } as const, 'all-at-once', 100, 0],
    [{ strategy: 'canary', percent: 20, intervalMinutes: 15 } as const, 'canary', 20, 15],
    [{ strategy: 'linear', percent: 10, intervalMinutes: 3 } as const, 'linear', 10, 3],
  ])('When it is %j, then the strategy is the same shape', (rollout, kind, percent, minutes) => {
    const strategy = lambdaRolloutStrategy(rollout, 'standard');
    expect([strategy.kind, strategy.percent, strategy.interval.toMinutes()]).toEqual([kind, percent, minutes]);
  });

  test('When it is omitted, then production protection gets a 10% canary for 5 minutes and standard protection all at once', () => {
    const production = lambdaRolloutStrategy(undefined, 'production');
    expect([production.kind, production.percent, production.interval.toMinutes()]).toEqual(['canary', 10, 5]);
    expect(lambdaRolloutStrategy(undefined, 'standard').kind).toBe('all-at-once');
  });
});

describe('Given a scaling block', () => {
  test('When mapped, then bounds, target and schedules (cron, time zone) reach the construct props', () => {
    const props = lambdaScalingProps({
      minProvisionedConcurrency: 1,
      maxProvisionedConcurrency: 8,
      targetUtilizationPercent: 60,
      schedules: [{ name: 'mornings', cron: { minute: '30', hour: '6' }, timeZone: 'Europe/Berlin', maxProvisionedConcurrency: 8, minProvisionedConcurrency: 4 }],
    });
    expect({ ...props, schedules: props.schedules?.map((s) => ({ ...s, schedule: s.schedule.expressionString, timeZone: s.timeZone?.timezoneName })) }).toEqual({
      minCapacity: 1,
      maxCapacity: 8,
      targetUtilizationPercent: 60,
      schedules: [{ id: 'mornings', schedule: 'cron(30 6 * * ? *)', timeZone: 'Europe/Berlin', minCapacity: 4, maxCapacity: 8 }],
    });
  });
});

describe('Given environments named otherwise', () => {
  test('When an environment has production protection and no rollout block, then it still gets the canary', async () => {
    const { platform } = environments.prod;
    const { stacks } = await buildTestStacks({ environments: { 'live-eu': { ...environments.prod, platform: { ...platform, rollout: undefined } } } });
    Template.fromStack(stacks[0]).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' });
  });

  test('When an environment called prod has standard protection and no rollout block, then it goes all at once', async () => {
    const { platform } = environments.prod;
    const { stacks } = await buildTestStacks({ environments: { prod: { ...environments.prod, protection: 'standard', platform: { ...platform, rollout: undefined } } } });
    Template.fromStack(stacks[0]).hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' });
  });
});
