/**
 * Acknowledgements for the CDK-managed singletons that modelstack constructs bring into a stack, written once per
 * provider. The singleton is shared by every construct that uses it, so each finding is acknowledged once per
 * singleton: a second deployment or bucket neither misses nor duplicates it.
 *
 * `autoDeleteObjects` adds a `Custom::S3AutoDeleteObjects` provider too, but CDK builds it as a plain
 * `CfnResource` (not a `lambda.Function` or `iam.Role`), which the cdk-nag rules do not inspect: it has no
 * findings to acknowledge (asserted by test/lib/model-store.test.ts).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import { iam4PolicyFinding, iam5ActionFinding, iam5ResourceFinding } from './nag-findings';

/** Finding ids already acknowledged, per singleton construct. */
const acknowledged = new WeakMap<IConstruct, Set<string>>();

type Acknowledgement = { readonly id: string; readonly reason: string };

function acknowledgeOnce(scope: IConstruct, acknowledgements: readonly Acknowledgement[]): void {
  let done = acknowledged.get(scope);
  if (done === undefined) {
    done = new Set();
    acknowledged.set(scope, done);
  }
  const fresh = acknowledgements.filter((ack) => !done.has(ack.id));
  for (const ack of fresh) done.add(ack.id);
  if (fresh.length > 0) Validations.of(scope).acknowledge(...fresh);
}

const PROVIDER = 'CDK-managed BucketDeployment copy step (Custom::CDKBucketDeployment), run only by CloudFormation at deploy time';

/**
 * Acknowledges the findings of BucketDeployment's copy-step function (one CDK-managed Lambda per stack and
 * memory/storage size, found through the deployment's role) caused by copying into `destination`.
 */
export function acknowledgeBucketDeploymentProvider(deployment: s3deploy.BucketDeployment, destination: s3.IBucket): void {
  const handler = deployment.handlerRole.node.scope;
  if (handler === undefined) return;
  const stack = Stack.of(deployment);
  // The zipped model is read from the CDK assets bucket: its ARN depends on the synthesizer and environment.
  const assetObjects = deployment.node.children
    .filter((child): child is s3assets.Asset => child instanceof s3assets.Asset)
    .map((asset) => ({
      id: iam5ResourceFinding(stack, asset.bucket.arnForObjects('*')),
      reason: `${PROVIDER}: reads the zipped model from the CDK assets bucket, whose object keys are asset hashes.`,
    }));
  const basicExecutionRole = iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole');
  acknowledgeOnce(handler, [
    ...assetObjects,
    {
      id: iam4PolicyFinding(stack, basicExecutionRole.managedPolicyArn),
      reason: `${PROVIDER}: AWSLambdaBasicExecutionRole only lets it write its own CloudWatch logs; CDK attaches it and offers no way to replace it.`,
    },
    { id: iam5ActionFinding('s3:GetObject*'), reason: `${PROVIDER}: CDK grants object read on the asset source and on the destination prefix (bucket.grantReadWrite).` },
    { id: iam5ActionFinding('s3:GetBucket*'), reason: `${PROVIDER}: the AWS CLI's s3 sync reads bucket location and encryption settings.` },
    { id: iam5ActionFinding('s3:List*'), reason: `${PROVIDER}: s3 sync lists the source and destination prefixes to compare them.` },
    { id: iam5ActionFinding('s3:DeleteObject*'), reason: `${PROVIDER}: CDK's grantReadWrite on the destination; deletes happen only with prune or retainOnDelete=false.` },
    { id: iam5ActionFinding('s3:Abort*'), reason: `${PROVIDER}: aborts its own failed multipart uploads of large models.` },
    { id: iam5ActionFinding('kms:ReEncrypt*'), reason: `${PROVIDER}: grantReadWrite on the destination bucket's key, needed to write SSE-KMS objects.` },
    { id: iam5ActionFinding('kms:GenerateDataKey*'), reason: `${PROVIDER}: writing SSE-KMS objects needs data keys from the destination bucket's key.` },
    {
      id: iam5ResourceFinding(stack, destination.arnForObjects('*')),
      reason: `${PROVIDER}: writes the model under models/ of its destination bucket; the key prefix is chosen per deployment.`,
    },
    { id: 'AwsSolutions-L1', reason: `${PROVIDER}: its runtime is pinned by aws-cdk-lib and upgraded with it.` },
    { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: `${PROVIDER}: CDK writes its grants to the role's own default policy, attached to that role only.` },
    {
      id: 'HIPAA.Security-LambdaConcurrency',
      reason: `${PROVIDER}: invoked once per stack deployment by CloudFormation; reserving concurrency would only take it from the account pool.`,
    },
    {
      id: 'HIPAA.Security-LambdaDLQ',
      reason: `${PROVIDER}: invoked synchronously by CloudFormation, which reports failures on the stack event; there are no asynchronous events to dead-letter.`,
    },
    {
      id: 'HIPAA.Security-CloudWatchLogGroupEncrypted',
      reason: `${PROVIDER}: its log group (created by CDK, 2-year retention) holds object keys and AWS CLI progress only, no model bytes or request data; CloudWatch Logs encrypts it at rest with service keys.`,
    },
    {
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason: `${PROVIDER}: it only talks to S3 over TLS and to CloudFormation's response URL; running it in a VPC would need NAT or endpoints for no data-path benefit.`,
    },
  ]);
}
