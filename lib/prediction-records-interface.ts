/**
 * Where an endpoint's prediction records live (captures, ground truth, quality records), as an interface so the
 * quality job, the ground-truth writer and the capture on either platform depend on what they use, not on the
 * construct that made the bucket. Layout and record formats: `lambda/records/record-format.ts`.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';

/** A bucket of prediction records under `capture/`, `ground-truth/` and `quality/`, encrypted with its own key. */
export interface IPredictionRecords extends IConstruct {
  /** The bucket. */
  readonly bucket: s3.IBucket;
  /** The customer-managed key encrypting every object in {@link bucket}. */
  readonly encryptionKey: kms.IKey;
  /** Lets `grantee` write captured predictions (under `capture/` only) and encrypt them. */
  grantWriteCaptures(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` write ground truth (under `ground-truth/` only) and encrypt it. */
  grantWriteGroundTruth(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` list and read captures and ground truth (and decrypt them), nothing else. */
  grantReadRecords(grantee: iam.IGrantable): iam.Grant;
  /** Lets `grantee` write quality records (under `quality/` only) and encrypt them. */
  grantWriteQuality(grantee: iam.IGrantable): iam.Grant;
}
