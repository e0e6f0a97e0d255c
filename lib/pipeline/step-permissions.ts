/**
 * The permissions of the gate and verify steps, written once and as narrow as the names known at synth allow:
 * the stack by name; the endpoint's functions and SageMaker resources by account and region, because their
 * physical names are generated at deploy.
 */
import { Arn, ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Where an environment's model stack lives. */
export interface StackLocation {
  /** Stack name. */
  readonly stackName: string;
  /** Account; unset means the pipeline's. */
  readonly account?: string;
  /** Region. */
  readonly region: string;
}

function stackArn(scope: Stack, location: StackLocation): string {
  return Arn.format(
    { service: 'cloudformation', resource: 'stack', resourceName: `${location.stackName}/*`, account: location.account ?? scope.account, region: location.region, arnFormat: ArnFormat.SLASH_RESOURCE_NAME },
    scope,
  );
}

/** The gate reads the production stack's outputs (the live model's SHA-256). */
export function gateStatements(scope: Stack, production: StackLocation): iam.PolicyStatement[] {
  return [new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stackArn(scope, production)] })];
}

/** What `modelstack verify` calls: the stack, then the endpoint (function URL or SageMaker endpoint). */
export function verifyStatements(scope: Stack, location: StackLocation): iam.PolicyStatement[] {
  const at = (service: string, resource: string): string =>
    Arn.format({ service, resource, resourceName: '*', account: location.account ?? scope.account, region: location.region, arnFormat: resource === 'function' ? ArnFormat.COLON_RESOURCE_NAME : ArnFormat.SLASH_RESOURCE_NAME }, scope);
  return [
    new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'], resources: [stackArn(scope, location)] }),
    new iam.PolicyStatement({ actions: ['lambda:InvokeFunctionUrl'], resources: [at('lambda', 'function')] }),
    new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel', 'sagemaker:InvokeEndpoint'],
      resources: [at('sagemaker', 'endpoint'), at('sagemaker', 'endpoint-config'), at('sagemaker', 'model')],
    }),
  ];
}

/** The record step writes the deployed synth under `prefix` of the artifact bucket; CDK Pipelines gives it read only. */
export function recordStatements(artifactBucketArn: string, prefix: string): iam.PolicyStatement[] {
  return [new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${artifactBucketArn}/${prefix}*`] })];
}

/** Where a shadow report reads: the environment's capture of one endpoint, and the records key through S3. */
export interface CaptureLocation extends StackLocation {
  /** The endpoint's name (generated at synth, so known here): its capture prefix is `capture/<name>/`. */
  readonly endpointName: string;
  /** The environment's name, as the stack tags its keys (`modelstack:environment`). */
  readonly environment: string;
  /** The model's name, as the stack tags its keys (`modelstack:model`). */
  readonly modelName: string;
}

/**
 * The shadow report copies the endpoint's capture files. The records bucket's name is generated when the
 * environment's stack is created (it reaches the step as a stack output), so the grant names the endpoint's capture
 * prefix in any bucket of the account; the records key is matched by the stack's tags and used through S3 only.
 */
export function shadowReportStatements(scope: Stack, location: CaptureLocation): iam.PolicyStatement[] {
  const account = location.account ?? scope.account;
  const prefix = `capture/${location.endpointName}/`;
  const inAccount = { 's3:ResourceAccount': account };
  return [
    new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [`arn:${scope.partition}:s3:::*`], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] }, StringEquals: inAccount } }),
    new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${scope.partition}:s3:::*/${prefix}*`], conditions: { StringEquals: inAccount } }),
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [Arn.format({ service: 'kms', resource: 'key', resourceName: '*', account, region: location.region, arnFormat: ArnFormat.SLASH_RESOURCE_NAME }, scope)],
      conditions: {
        StringEquals: {
          'kms:ViaService': `s3.${location.region}.amazonaws.com`,
          'aws:ResourceTag/modelstack:environment': location.environment,
          'aws:ResourceTag/modelstack:model': location.modelName,
        },
      },
    }),
  ];
}
