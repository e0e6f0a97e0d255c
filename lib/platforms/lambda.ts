/** The Lambda platform builder: turns an environment's `platform: { type: 'lambda', ... }` into a {@link LambdaInference}. */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { LambdaPlatformConfig } from '../../config/schema';
import { LambdaInference, type LambdaInferenceProps } from '../lambda-inference';
import { importNetwork } from './network';
import { lambdaScalingProps } from './operations';
import type { PlatformContext } from './platform-context';

/** The {@link LambdaInference} props that a validated Lambda platform config describes. */
export function lambdaInferenceProps(platform: LambdaPlatformConfig, context: PlatformContext): LambdaInferenceProps {
  return {
    store: context.store,
    manifest: context.model.manifest,
    ...(context.evaluation === undefined ? {} : { evaluation: context.evaluation }),
    architecture: platform.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    memorySizeMiB: platform.memorySizeMiB,
    timeout: Duration.seconds(platform.timeoutSeconds),
    reservedConcurrentExecutions: platform.reservedConcurrency,
    accountConcurrencyQuota: platform.accountConcurrencyQuota,
    maxBatchSize: platform.maxBatchSize,
    maxPayloadBytes: platform.maxPayloadBytes,
    // The schema accepts only CloudWatch Logs' retention periods, which are the enum's values.
    logRetention: platform.logRetentionDays as logs.RetentionDays,
    removalPolicy: context.removalPolicy,
  };
}

/** Builds the Lambda endpoint of an environment. */
export function buildLambdaEndpoint(scope: Construct, id: string, platform: LambdaPlatformConfig, context: PlatformContext): LambdaInference {
  const endpoint = new LambdaInference(scope, id, {
    ...lambdaInferenceProps(platform, context),
    // The VPC and subnets are imported by id (no lookup), next to the endpoint that uses them.
    ...(platform.network === undefined ? {} : { network: importNetwork(scope, id, platform.network) }),
  });
  if (platform.scaling !== undefined) endpoint.autoScaleProvisionedConcurrency(lambdaScalingProps(platform.scaling));
  return endpoint;
}
