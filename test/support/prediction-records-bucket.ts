/**
 * A small IPredictionRecords for construct tests, until the records bucket construct is on main: a KMS-encrypted
 * bucket whose grants are scoped to the record prefixes the interface names. It stands in for the bucket only;
 * the constructs under test are real.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RECORD_PREFIXES } from '../../lambda/records/record-format';
import { acknowledgeInEveryPack } from '../../lib/batch/batch-findings';
import type { IPredictionRecords } from '../../lib/prediction-records-interface';

export class TestPredictionRecords extends Construct implements IPredictionRecords {
  public readonly bucket: s3.Bucket;
  public readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.encryptionKey = new kms.Key(this, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.encryptionKey,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const rule of ['S3BucketLoggingEnabled', 'S3BucketReplicationEnabled']) acknowledgeInEveryPack(this.bucket, rule, 'A test double of the records bucket.');
    Validations.of(this.bucket).acknowledge({ id: 'AwsSolutions-S1', reason: 'A test double of the records bucket.' });
  }

  private grantPut(grantee: iam.IGrantable, prefix: string): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:GenerateDataKey');
    return iam.Grant.addToPrincipal({ grantee, actions: ['s3:PutObject'], resourceArns: [this.bucket.arnForObjects(`${prefix}*`)] });
  }

  public grantWriteCaptures(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.capture);
  }

  public grantWriteGroundTruth(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.groundTruth);
  }

  public grantReadRecords(grantee: iam.IGrantable): iam.Grant {
    this.encryptionKey.grant(grantee, 'kms:Decrypt');
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${RECORD_PREFIXES.capture}*`, `${RECORD_PREFIXES.groundTruth}*`] } },
    });
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject'],
      resourceArns: [this.bucket.arnForObjects(`${RECORD_PREFIXES.capture}*`), this.bucket.arnForObjects(`${RECORD_PREFIXES.groundTruth}*`)],
    });
  }

  public grantWriteQuality(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.quality);
  }
}
