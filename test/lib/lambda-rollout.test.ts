import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { LambdaRollout, RolloutStrategy, type LambdaRolloutProps } from '../../lib/lambda-rollout';
import { PropsValidationError } from '../../lib/props-validation';
import { lambdaEndpoint } from '../support/endpoints';

function rollout(props: Partial<LambdaRolloutProps> = {}, alarmCount = 2) {
  const fixture = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions: 10 });
  const alarms = Array.from({ length: alarmCount }, (_, i) => new cloudwatch.Alarm(fixture.stack, `Alarm${i}`, { metric: fixture.endpoint.metricErrors(), threshold: 1, evaluationPeriods: 1 }));
  const construct = new LambdaRollout(fixture.stack, 'Rollout', { alias: fixture.endpoint.alias, rollbackAlarms: alarms, ...props });
  return { ...fixture, alarms, rollout: construct, template: Template.fromStack(fixture.stack) };
}

function problemsOf(props: Partial<LambdaRolloutProps>, alarmCount = 0): readonly string[] {
  try {
    rollout(props, alarmCount);
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return (error as PropsValidationError).problems;
  }
  throw new Error('expected the props to be refused');
}

describe('Given a rollout with default props and two rollback alarms', () => {
  const { stack, endpoint, alarms, rollout: construct, template } = rollout();
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);

  test('When synthesized, then a 10% canary bakes 5 minutes and rolls back on failure, stop and either alarm', () => {
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', {
      DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
      AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM'] },
      AlarmConfiguration: { Enabled: true, Alarms: alarms.map((a) => ({ Name: { Ref: id(a) } })) },
    });
  });

  test('When synthesized, then the live alias hands version changes to CodeDeploy and the function URL stays on it', () => {
    template.hasResource('AWS::Lambda::Alias', {
      Properties: { Name: 'live' },
      UpdatePolicy: { CodeDeployLambdaAliasUpdate: { ApplicationName: Match.anyValue(), DeploymentGroupName: { Ref: id(construct.deploymentGroup) } } },
    });
    template.hasResourceProperties('AWS::Lambda::Url', { Qualifier: 'live', TargetFunctionArn: { 'Fn::GetAtt': [id(endpoint.function), 'Arn'] } });
  });

  test('When synthesized, then CodeDeploy\'s role has no AWS-managed policy, only its own policy for this alias and these alarms', () => {
    const roleId = stack.getLogicalId(construct.role.node.defaultChild as never);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' } }] },
    });
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:UpdateAlias'],
            // The alias's ARN, written from the function's so the policy does not wait for the alias (whose update policy waits for the group).
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(endpoint.function), 'Arn'] }, ':live']] },
          },
          { Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: alarms.map((a) => ({ 'Fn::GetAtt': [id(a), 'Arn'] })) },
        ],
      },
    });
    template.hasResource('AWS::CodeDeploy::DeploymentGroup', { DependsOn: [stack.getLogicalId(construct.role.policy.node.defaultChild as never)] });
  });

  test('When the cdk-nag packs check it, then the deployment group and its role have no finding', () => {
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(stack).violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('Test/Rollout'))).map((v) => v.ruleName),
    );
    expect(found).toEqual([]);
  });
});

describe('Given CDK\'s default CodeDeploy role (negative control)', () => {
  test('When a plain LambdaDeploymentGroup is checked, then the AWS-managed policy and inline policy findings appear that the written-out role avoids', () => {
    const { stack, endpoint } = lambdaEndpoint();
    new codedeploy.LambdaDeploymentGroup(stack, 'Plain', { alias: endpoint.alias });
    Template.fromStack(stack);
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(stack).violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('Test/Plain'))).map((v) => v.ruleName),
    );
    expect(found).toEqual(['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]']);
  });
});

describe('Given other strategies', () => {
  test.each([
    ['all at once', RolloutStrategy.allAtOnce(), 'CodeDeployDefault.LambdaAllAtOnce'],
    ['linear 10% every 10 minutes', RolloutStrategy.linear(10, Duration.minutes(10)), 'CodeDeployDefault.LambdaLinear10PercentEvery10Minutes'],
    ['canary 10% for 30 minutes', RolloutStrategy.canary(10, Duration.minutes(30)), 'CodeDeployDefault.LambdaCanary10Percent30Minutes'],
  ])('When the strategy is %s, then the predefined configuration is used', (_name, strategy, config) => {
    const { template } = rollout({ strategy });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: config });
    template.resourceCountIs('AWS::CodeDeploy::DeploymentConfig', 0);
  });

  test.each([
    ['canary 20% for 15 minutes', RolloutStrategy.canary(20, Duration.minutes(15)), { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 20, CanaryInterval: 15 } }],
    ['linear 25% every 4 minutes', RolloutStrategy.linear(25, Duration.minutes(4)), { Type: 'TimeBasedLinear', TimeBasedLinear: { LinearPercentage: 25, LinearInterval: 4 } }],
  ])('When the strategy is %s, then a custom configuration with a generated name is used', (_name, strategy, routing) => {
    const { template } = rollout({ strategy });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentConfig', { ComputePlatform: 'Lambda', TrafficRoutingConfig: routing });
    const configId = Object.keys(template.findResources('AWS::CodeDeploy::DeploymentConfig'))[0];
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: { Ref: configId } });
    expect(template.toJSON().Resources[configId].Properties.DeploymentConfigName).toBeUndefined();
  });

  test('When there are no rollback alarms, then it rolls back on failure and stop only and may describe no alarm', () => {
    const { template } = rollout({}, 0);
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { AutoRollbackConfiguration: { Enabled: true, Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'] } });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('cloudwatch:DescribeAlarms');
  });
});

describe('Given invalid rollout props', () => {
  test.each<[string, Partial<LambdaRolloutProps>, number, string]>([
    ['the canary percent is 0', { strategy: RolloutStrategy.canary(0, Duration.minutes(5)) }, 0, 'strategy.percent must be a whole number from 1% to 99% (got 0)'],
    ['the linear percent is 100', { strategy: RolloutStrategy.linear(100, Duration.minutes(5)) }, 0, 'strategy.percent must be a whole number from 1% to 99% (got 100)'],
    ['the interval is over two days', { strategy: RolloutStrategy.canary(10, Duration.days(3)) }, 0, 'strategy.interval must be a whole number of seconds from 1 minute to 2 days (got 3 days)'],
    ['the interval is not whole minutes', { strategy: RolloutStrategy.canary(10, Duration.seconds(90)) }, 0, 'strategy.interval must be a whole number of minutes (got 1 minute 30 seconds)'],
    ['there are more than 10 rollback alarms', {}, 11, "rollbackAlarms must be at most 10 alarms (CodeDeploy's limit per deployment group) (got '11 alarms')"],
  ])('When %s, then it is refused naming the property, the value and what is allowed', (_case, props, alarmCount, message) => {
    expect(problemsOf(props, alarmCount)).toEqual([message]);
  });
});
