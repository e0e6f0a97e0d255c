/**
 * Where batch runs read and write: one bucket, an input prefix and an output prefix. Grants are per prefix: the
 * function reads input and writes output, the state machine reads the plan and writes the map's results under
 * output. `bucket.grantRead()` is not used: it grants the whole bucket and `s3:List*`.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

export class BatchLocations {
  constructor(
    readonly bucket: s3.IBucket,
    readonly encryptionKey: kms.IKey | undefined,
    readonly inputPrefix: string,
    readonly outputPrefix: string,
  ) {}

  get inputUri(): string {
    return `s3://${this.bucket.bucketName}/${this.inputPrefix}`;
  }

  get outputUri(): string {
    return `s3://${this.bucket.bucketName}/${this.outputPrefix}`;
  }

  /** `s3:GetObject` on the input prefix and `s3:ListBucket` limited to it (a prefix of many objects). */
  grantReadInput(grantee: iam.IGrantable): void {
    this.objects(grantee, ['s3:GetObject'], this.inputPrefix);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${this.inputPrefix}*`] } } }),
    );
    this.key(grantee, ['kms:Decrypt']);
  }

  /** `s3:PutObject` and `s3:GetObject` (its own results, the plan, the map's result files) on the output prefix. */
  grantReadWriteOutput(grantee: iam.IGrantable): void {
    this.objects(grantee, ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], this.outputPrefix);
    this.key(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** ARN of the output prefix's objects. */
  get outputObjectsArn(): string {
    return this.bucket.arnForObjects(`${this.outputPrefix}*`);
  }

  get inputObjectsArn(): string {
    return this.bucket.arnForObjects(`${this.inputPrefix}*`);
  }

  private objects(grantee: iam.IGrantable, actions: string[], prefix: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects(`${prefix}*`)] }));
  }

  /** The bucket key, through S3 only. */
  private key(grantee: iam.IGrantable, actions: string[]): void {
    if (this.encryptionKey === undefined) return;
    iam.Grant.addToPrincipalOrResource({
      grantee,
      actions,
      resourceArns: [this.encryptionKey.keyArn],
      resource: this.encryptionKey,
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
    });
  }
}
