/** Which pricer prices which resource type; a type with neither a pricer nor a free rule is reported unpriced. */
import type { CfnResource } from '../cloudformation-template';
import { free, unpriced, type ResourcePricing } from '../line-item';
import type { PricingContext } from '../pricing-context';
import { priceDeliveryStream } from './firehose';
import { freeRuleOf, priceCodeDeploy, priceSsmParameter } from './free-rules';
import { priceLambdaFunction, priceLambdaQualifier } from './lambda';
import { priceAlarm, priceBudget, priceBudgetsAction, priceCompositeAlarm, priceDashboard, priceScalingPolicy, priceTopic } from './monitoring';
import { priceSageMakerEndpoint, priceSageMakerEndpointConfig } from './sagemaker';
import { priceKmsKey, priceLogGroup, priceMetricFilter, priceS3Bucket } from './storage';

/** Prices one resource of a template. */
export type Pricer = (logicalId: string, resource: CfnResource, context: PricingContext) => ResourcePricing;

const PRICERS: Readonly<Record<string, Pricer>> = {
  'AWS::Lambda::Function': priceLambdaFunction,
  'AWS::Lambda::Alias': priceLambdaQualifier,
  'AWS::Lambda::Version': priceLambdaQualifier,
  'AWS::SageMaker::Endpoint': priceSageMakerEndpoint,
  'AWS::SageMaker::EndpointConfig': priceSageMakerEndpointConfig,
  'AWS::S3::Bucket': priceS3Bucket,
  'AWS::KMS::Key': priceKmsKey,
  'AWS::Logs::LogGroup': priceLogGroup,
  'AWS::Logs::MetricFilter': priceMetricFilter,
  'AWS::CloudWatch::Alarm': priceAlarm,
  'AWS::CloudWatch::CompositeAlarm': priceCompositeAlarm,
  'AWS::CloudWatch::Dashboard': priceDashboard,
  'AWS::ApplicationAutoScaling::ScalingPolicy': priceScalingPolicy,
  'AWS::SNS::Topic': priceTopic,
  'AWS::Budgets::Budget': priceBudget,
  'AWS::Budgets::BudgetsAction': priceBudgetsAction,
  'AWS::CodeDeploy::Application': priceCodeDeploy,
  'AWS::CodeDeploy::DeploymentGroup': priceCodeDeploy,
  'AWS::SSM::Parameter': priceSsmParameter,
  'AWS::KinesisFirehose::DeliveryStream': priceDeliveryStream,
};

/** The resource types the estimator prices (not counting free rules). */
export const PRICED_TYPES: readonly string[] = Object.keys(PRICERS).sort();

/** Prices `resource`: by its pricer, else by a free rule, else unpriced. */
export function priceResource(logicalId: string, resource: CfnResource, context: PricingContext): ResourcePricing {
  if (resource.Condition !== undefined) {
    return unpriced(`it depends on condition ${resource.Condition}, which is decided at deployment`);
  }
  const pricer = PRICERS[resource.Type];
  if (pricer !== undefined) return pricer(logicalId, resource, context);
  const rule = freeRuleOf(resource.Type);
  if (rule !== undefined) return free(rule);
  return unpriced(`the estimator has no pricing for ${resource.Type}`);
}
