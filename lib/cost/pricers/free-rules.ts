/**
 * Resource types that cost nothing by themselves, each with the rule that says so. They are listed as free in the
 * estimate, never as unpriced and never silently left out.
 */
import { referencedId, type CfnResource } from '../cloudformation-template';
import { free, unpriced, type ResourcePricing } from '../line-item';
import type { PricingContext } from '../pricing-context';

interface FreeRule {
  readonly matches: (type: string) => boolean;
  readonly rule: string;
}

const exactly = (...types: string[]) => (type: string) => types.includes(type);

const FREE_RULES: readonly FreeRule[] = [
  { matches: (type) => type.startsWith('AWS::IAM::'), rule: 'IAM roles, policies and users cost nothing' },
  { matches: exactly('AWS::CDK::Metadata'), rule: 'CDK metadata creates nothing billable' },
  {
    matches: (type) => type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource',
    rule: 'a custom resource costs nothing itself; its handler is priced as a Lambda function',
  },
  { matches: exactly('AWS::Lambda::Url'), rule: 'function URLs cost nothing beyond the requests of their function' },
  { matches: exactly('AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig'), rule: 'Lambda permissions and invoke settings cost nothing' },
  { matches: exactly('AWS::Lambda::LayerVersion'), rule: 'layer storage is free (it counts towards the code-storage quota)' },
  { matches: exactly('AWS::KMS::Alias'), rule: 'KMS aliases are free' },
  {
    matches: exactly('AWS::StepFunctions::StateMachine'),
    rule: 'a state machine costs nothing idle; batch runs are priced per million rows under "Batch run", and the retraining signal translator (Express) runs once per alarm transition, well under a cent a month',
  },
  {
    matches: exactly('AWS::Events::Rule'),
    rule: 'EventBridge rules are free and AWS service events (alarm state changes, S3 and CodePipeline events) reach them at no charge; the retraining signals they lead to are a few custom events a month ($1.00 per million)',
  },
  {
    matches: exactly('AWS::Scheduler::Schedule'),
    rule: 'EventBridge Scheduler bills $1.00 per million invocations after 14 million free a month; a retraining schedule runs a few times a month, the hourly quality job 730; the function a schedule runs is priced per run',
  },
  { matches: exactly('AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::Logs::ResourcePolicy'), rule: 'resource policies are free' },
  { matches: exactly('AWS::SNS::Subscription'), rule: 'a subscription is priced in its topic\'s deliveries' },
  { matches: exactly('AWS::Logs::LogStream'), rule: 'a log stream is free; its events are billed in its log group' },
  { matches: exactly('AWS::Logs::SubscriptionFilter'), rule: 'a log subscription filter is free; what it sends is billed by its destination' },
  {
    matches: exactly('AWS::SQS::Queue', 'AWS::SQS::QueuePolicy'),
    rule: "an SQS queue is billed per request, none while idle: modelstack's queues hold only undeliverable notifications, well inside the 1 million free requests a month",
  },
  { matches: exactly('AWS::SageMaker::Model'), rule: 'a model definition costs nothing; the endpoint serving it is billed' },
  { matches: exactly('AWS::ApplicationAutoScaling::ScalableTarget'), rule: 'a scalable target costs nothing; the capacity it scales is priced on its resource' },
  { matches: exactly('AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroupEgress'), rule: 'security groups are free' },
  { matches: exactly('AWS::CloudFormation::WaitCondition', 'AWS::CloudFormation::WaitConditionHandle'), rule: 'CloudFormation wait conditions are free' },
  { matches: exactly('AWS::CodeDeploy::DeploymentConfig'), rule: 'deployment configs are free' },
  { matches: exactly('AWS::CloudWatch::AnomalyDetector'), rule: 'an anomaly detector is billed through the alarm on its band (priced on the alarm)' },
];

/** The free rule of `type`, if any. */
export function freeRuleOf(type: string): string | undefined {
  return FREE_RULES.find((rule) => rule.matches(type))?.rule;
}

/** CodeDeploy is free for Lambda and ECS deployments, billed per instance update for EC2/on-premises. */
export function priceCodeDeploy(_logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  const application = resource.Type === 'AWS::CodeDeploy::Application' ? resource : context.graph.resource(referencedId(resource.Properties?.ApplicationName) ?? '');
  const platform = application?.Properties?.ComputePlatform ?? 'Server';
  return platform === 'Lambda' || platform === 'ECS'
    ? free(`CodeDeploy costs nothing for ${platform} deployments`)
    : unpriced(`CodeDeploy for compute platform ${typeof platform === 'string' ? platform : JSON.stringify(platform)} bills per instance update, which the estimate does not model`);
}

/** An `AWS::SSM::Parameter`: standard parameters are free. */
export function priceSsmParameter(_logicalId: string, resource: CfnResource): ResourcePricing {
  const tier = resource.Properties?.Tier ?? 'Standard';
  return tier === 'Standard' ? free('standard SSM parameters are free') : unpriced(`SSM parameter tier ${typeof tier === 'string' ? tier : JSON.stringify(tier)} has no price in the table`);
}
