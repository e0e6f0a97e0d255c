/**
 * Acknowledgements for the function of CDK's BucketDeployment copy step (`Custom::CDKBucketDeployment<uuid>`, a
 * singleton per stack and size), written once per function: a second deployment neither misses nor duplicates
 * them. Its role and log group are modelstack's own (lib/private/deployment-handler.ts) and need none.
 *
 * `autoDeleteObjects` adds a `Custom::S3AutoDeleteObjects` provider too, but CDK builds it as a plain
 * `CfnResource` (not a `lambda.Function` or `iam.Role`), which the cdk-nag rules do not inspect: it has no
 * findings to acknowledge (asserted by test/lib/model-store.test.ts).
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { IConstruct } from 'constructs';
import { acknowledgeRule, type SharedRule } from './nag-rules';

/** Construct ids of the copy-step functions start with their `lambdaPurpose`. */
const COPY_STEP_ID = 'Custom::CDKBucketDeployment';

/** Functions already acknowledged. */
const acknowledged = new WeakSet<IConstruct>();

const PROVIDER = 'CDK-managed BucketDeployment copy step (Custom::CDKBucketDeployment), run only by CloudFormation at deploy time';

const REASONS: ReadonlyArray<readonly [SharedRule, string]> = [
  ['LambdaDLQ', `${PROVIDER}: invoked synchronously by CloudFormation, which reports failures on the stack event; there are no asynchronous events to dead-letter.`],
  ['LambdaConcurrency', `${PROVIDER}: invoked once per stack deployment; reserving concurrency would only take it from the account pool.`],
  [
    'LambdaInsideVPC',
    `${PROVIDER}: it only talks to S3 over TLS and to CloudFormation's response URL; running it in a VPC would need NAT or endpoints for no data-path benefit.`,
  ],
  ['LambdaTracing', `${PROVIDER}: aws-cdk-lib builds it without a tracing option; one copy per deployment has no request path to trace.`],
  ['LambdaLatestVersion', `${PROVIDER}: its runtime (Python, for the AWS CLI layer) is pinned by aws-cdk-lib and upgraded with it.`],
];

/** Acknowledges the findings of the copy-step functions `deployment` runs on, which CDK builds and configures. */
export function acknowledgeBucketDeploymentProvider(deployment: s3deploy.BucketDeployment): void {
  const functions = Stack.of(deployment)
    .node.children.filter((child): child is lambda.Function => child instanceof lambda.Function && child.node.id.startsWith(COPY_STEP_ID))
    .filter((fn) => !acknowledged.has(fn));
  for (const fn of functions) {
    acknowledged.add(fn);
    Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: `${PROVIDER}: its runtime is pinned by aws-cdk-lib and upgraded with it.` });
    for (const [rule, reason] of REASONS) acknowledgeRule(fn, rule, reason);
  }
}
