/**
 * S3 server access logging written out by hand, so a bucket logs the same way in any CDK app. aws-s3's own
 * `serverAccessLogsBucket` prop grants delivery with a bucket policy only under the
 * `@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy` feature flag; without it, it switches the target bucket to
 * the `LogDeliveryWrite` ACL, which a bucket with ACLs disabled (BucketOwnerEnforced) refuses at synth. Writing
 * the logging configuration and the bucket-policy statement here makes the result independent of the flag, and
 * identical to what the flag produces.
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** The service principal that delivers S3 server access logs. */
const LOGGING_SERVICE_PRINCIPAL = 'logging.s3.amazonaws.com';

/**
 * Sends the server access logs of `source` to `target` under `prefix`, and lets S3's logging service put them
 * there (for `source` in this account only). An imported `target` keeps its own policy: a warning says so.
 */
export function logServerAccess(source: s3.Bucket, target: s3.IBucket, prefix: string): void {
  (source.node.defaultChild as s3.CfnBucket).loggingConfiguration = { destinationBucketName: target.bucketName, logFilePrefix: prefix };
  const added = target.addToResourcePolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal(LOGGING_SERVICE_PRINCIPAL)],
      actions: ['s3:PutObject'],
      resources: [target.arnForObjects(`${prefix}*`)],
      conditions: { ArnLike: { 'aws:SourceArn': source.bucketArn }, StringEquals: { 'aws:SourceAccount': Stack.of(source).account } },
    }),
  );
  if (!added.statementAdded) {
    Annotations.of(source).addWarningV2(
      'modelstack:accessLogsPolicyNotAdded',
      `the access-log bucket ${target.node.path} is imported: make sure its policy lets ${LOGGING_SERVICE_PRINCIPAL} put objects under ${prefix}, or no access log is delivered`,
    );
  }
}
