/**
 * ModelEndpoint, the composition for users without modelstack's config: in a fresh app with no cdk.json, on both
 * platforms, strict and compliant with its defaults, wired like the shipped environments.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RolloutStrategy } from '../../lib/lambda-rollout';
import type { ModelArtifact } from '../../lib/model-artifact';
import { ModelEndpoint, type ModelEndpointProps } from '../../lib/model-endpoint';
import { NetworkPlacement } from '../../lib/network-placement';
import { ServingPlatform } from '../../lib/serving-platform';
import { standaloneStack, strictSynthProblems } from '../support/standalone';
import { exampleArtifact } from '../support/example-artifact';

let model: ModelArtifact;
beforeAll(async () => {
  model = await exampleArtifact();
});

function endpoint(props: Partial<ModelEndpointProps> = {}) {
  const stack = standaloneStack();
  const construct = new ModelEndpoint(stack, 'Model', { model, ...props });
  return { stack, construct, template: Template.fromStack(stack) };
}

describe('Given a ModelEndpoint in an app with no cdk.json', () => {
  test('When it has only a model, then it serves on Lambda with a rollout and synthesizes clean under --strict and the compliance packs', () => {
    const { stack, construct } = endpoint();
    expect([construct.inference.platform, construct.rollout?.strategy.kind, construct.budget]).toEqual(['lambda', 'canary', undefined]);
    expect(construct.node.children.map((child) => child.node.id)).toEqual(['ModelStore', 'Inference', 'Monitoring', 'Rollout']);
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When the platform is SageMaker, then there is no CodeDeploy rollout and it synthesizes clean', () => {
    const { stack, construct, template } = endpoint({ platform: ServingPlatform.sageMaker() });
    expect([construct.inference.platform, construct.rollout]).toEqual(['sagemaker', undefined]);
    template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    template.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When Lambda options are given, then memory, scaling and the rollout strategy reach the resources', () => {
    const { template } = endpoint({
      platform: ServingPlatform.lambda({ memorySizeMiB: 3008, scaling: { minCapacity: 1, maxCapacity: 4 }, rollout: RolloutStrategy.allAtOnce() }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 3008 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    template.hasResourceProperties('AWS::CodeDeploy::DeploymentGroup', { DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' });
  });

  test('When the critical alarms exist, then the rollout rolls back on them', () => {
    const { template } = endpoint();
    const group = template.findResources('AWS::CodeDeploy::DeploymentGroup');
    const alarms = Object.values(group)[0].Properties.AlarmConfiguration.Alarms as unknown[];
    expect(alarms.length).toBeGreaterThan(0);
  });

  test('When a budget is asked for, then it alerts to the warning topic and the endpoint carries its cost-allocation tag', () => {
    const { stack, template } = endpoint({ budget: { monthlyLimitUsd: 50 } });
    template.hasResourceProperties('AWS::Budgets::Budget', {
      Budget: Match.objectLike({ BudgetLimit: { Amount: 50, Unit: 'USD' }, CostFilters: { TagKeyValue: [`user:modelstack:cost-allocation$${stack.stackName}`] } }),
      NotificationsWithSubscribers: Match.arrayWith([Match.objectLike({ Subscribers: Match.arrayWith([Match.objectLike({ SubscriptionType: 'SNS' })]) })]),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Tags: Match.arrayWith([{ Key: 'modelstack:cost-allocation', Value: stack.stackName }]) });
  });

  test('When the removal policy is DESTROY and the store keeps access logs 30 days, then both reach the store', () => {
    const { template } = endpoint({ removalPolicy: RemovalPolicy.DESTROY, store: { accessLogsExpiration: Duration.days(30) } });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::S3::Bucket', { LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireAccessLogs', ExpirationInDays: 30 })]) } });
  });

  test('When Lambda is placed in subnets by id, then the VPC is imported next to the endpoint and the function uses those subnets, clean', () => {
    const subnets = [{ subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0123456789abcdef0' }];
    const { stack, construct, template } = endpoint({ platform: ServingPlatform.lambda({ network: NetworkPlacement.fromIds({ vpcId: 'vpc-0123456789abcdef0', subnets }) }) });
    expect(construct.node.tryFindChild('InferenceVpc')).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: ['subnet-0123456789abcdef0'] }) });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0123456789abcdef0'] });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When SageMaker rolls out with rollback alarms, then they notify the critical topic', () => {
    const { template } = endpoint({ platform: ServingPlatform.sageMaker({ deployment: {} }) });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('^Rolls back an endpoint update') } }));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [{ Ref: expect.stringMatching(/^ModelMonitoringTopicsCritical/) }], OKActions: [{ Ref: expect.stringMatching(/^ModelMonitoringTopicsCritical/) }] });
    }
  });

  test('When SageMaker rolls out with every alarm severity off, then the rollback alarms notify nobody and that is acknowledged', () => {
    const { stack, template } = endpoint({ platform: ServingPlatform.sageMaker({ deployment: {} }), monitoring: { warning: { enabled: false }, critical: { enabled: false } } });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmDescription: Match.stringLikeRegexp('^Rolls back an endpoint update') } }));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toBeUndefined();
    expect(strictSynthProblems(stack)).toEqual([]);
  });
});
