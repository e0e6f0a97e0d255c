/**
 * The pipeline's artifact bucket: SSE-KMS with a customer-managed key (rotated yearly), versioned, TLS only,
 * all public access blocked, server access logs to a second bucket. Build logs use the same key.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogBucketProps, dataBucketProps } from '../private/bucket-defaults';
import { inEveryPack } from './pipeline-findings';

/** Props of {@link PipelineArtifactStore}. */
export interface PipelineArtifactStoreProps {
  /** Key of the artifacts and logs. @default a new customer-managed key with rotation */
  readonly encryptionKey?: kms.IKey;
  /** What happens to the buckets and key when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The encrypted artifact bucket of a pipeline and its access-log bucket. */
export class PipelineArtifactStore extends Construct {
  /** The artifact bucket. */
  public readonly bucket: s3.Bucket;
  /** The customer-managed key of the artifacts. */
  public readonly encryptionKey: kms.IKey;
  /** The bucket the artifact bucket's (and the model drop's) server access logs go to. */
  public readonly accessLogsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: PipelineArtifactStoreProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', { description: 'modelstack pipeline artifacts and build logs', enableKeyRotation: true, removalPolicy });
    const accessLogs = new s3.Bucket(this, 'AccessLogs', { ...accessLogBucketProps(), removalPolicy });
    this.accessLogsBucket = accessLogs;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(this.encryptionKey),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy,
    });
    Validations.of(accessLogs).acknowledge(
      ...inEveryPack(
        'S3DefaultEncryptionKMS',
        'S3 server access logging only delivers to target buckets encrypted with SSE-S3, not SSE-KMS; the bucket uses S3-managed keys, denies non-TLS requests and blocks public access.',
      ),
      ...inEveryPack('S3BucketReplicationEnabled', 'Access logs of the artifact bucket are operational records in the region they describe; replication would double their cost without a recovery need.'),
    );
    Validations.of(this.bucket).acknowledge(
      ...inEveryPack(
        'S3BucketReplicationEnabled',
        'Pipeline artifacts are rebuilt from the repository by the next run; after a regional outage the pipeline is redeployed elsewhere, so replication is not needed.',
      ),
    );
  }
}
