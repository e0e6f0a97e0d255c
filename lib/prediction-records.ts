/**
 * The bucket of an endpoint's prediction records, on either platform: captured predictions under `capture/`
 * (SageMaker data capture, or the Lambda function's capture stream), ground truth under `ground-truth/`, the quality
 * job's records under `quality/`, in the formats and layout of `lambda/records/record-format.ts`.
 *
 * Default settings:
 * - a customer-managed KMS key of its own, rotated yearly, with the separated key policy (`private/key-policy.ts`);
 * - the secure bucket defaults (`private/bucket-defaults.ts`): SSE-KMS with a bucket key, versioned, TLS-only,
 *   public access blocked, ACLs disabled; server access logs to the given bucket;
 * - lifecycle: captures expire after 30 days, ground truth after 365, quality records are kept; noncurrent versions
 *   expire after 1 day and incomplete uploads are aborted after 1 day, so deleting a record really removes it;
 * - a ground-truth writer role, assumable by the account (IAM policies in the account then decide who), that may
 *   only put objects under `ground-truth/`.
 *
 * Construct ids (`Key`, `Resource`, `GroundTruthWriter`) are part of the contract: changing them replaces resources.
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';
import type { IConstruct } from 'constructs';
import { RECORD_PREFIXES } from '../lambda/records/record-format';
import type { IPredictionRecords } from './prediction-records-interface';
import { dataBucketProps } from './private/bucket-defaults';
import { separatedKeyPolicy } from './private/key-policy';
import { iam5ResourceFinding } from './private/nag-findings';
import { acknowledgeRule } from './private/nag-rules';
import { logServerAccess } from './private/server-access-logs';
import { PropsValidator } from './props-validation';

/** Defaults of {@link PredictionRecordsProps}, written once. */
export const PREDICTION_RECORDS_DEFAULTS = {
  captureExpiration: Duration.days(30),
  groundTruthExpiration: Duration.days(365),
  noncurrentVersionExpiration: Duration.days(1),
} as const;

/** Properties of a {@link PredictionRecords}. */
export interface PredictionRecordsProps {
  /** The model's name, for the key's description. */
  readonly modelName: string;
  /**
   * The bucket that receives this bucket's server access logs (under `prediction-records/`).
   * @default - no access logs
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * How long captured predictions are kept: a whole number of days, at least 1.
   * @default Duration.days(30)
   */
  readonly captureExpiration?: Duration;
  /**
   * How long ground truth is kept: a whole number of days, at least 1 (labels arrive late; keep them longer than captures).
   * @default Duration.days(365)
   */
  readonly groundTruthExpiration?: Duration;
  /**
   * How long quality records are kept: a whole number of days, at least 1.
   * @default - kept
   */
  readonly qualityExpiration?: Duration;
  /**
   * Who may assume the ground-truth writer role.
   * @default - the account (its IAM policies decide who)
   */
  readonly groundTruthWriterPrincipal?: iam.IPrincipal;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

type Prefix = (typeof RECORD_PREFIXES)[keyof typeof RECORD_PREFIXES];

/** An endpoint's prediction records: bucket, key, lifecycle and the ground-truth writer role. */
export class PredictionRecords extends Construct implements IPredictionRecords {
  public readonly bucket: s3.Bucket;
  public readonly encryptionKey: kms.Key;
  /** The role that may write ground truth (and nothing else). */
  public readonly groundTruthWriter: iam.Role;

  constructor(scope: Construct, id: string, props: PredictionRecordsProps) {
    super(scope, id);
    validate(this, props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Encrypts the prediction records (captures, ground truth, quality) of model '${props.modelName}' (modelstack)`,
      enableKeyRotation: true,
      policy: separatedKeyPolicy(),
      removalPolicy,
    });
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: lifecycleRules(props),
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    if (props.accessLogsBucket !== undefined) logServerAccess(this.bucket, props.accessLogsBucket, 'prediction-records/');
    acknowledgeRule(
      this.bucket,
      'S3BucketReplicationEnabled',
      'Prediction records are a sample kept for model quality, expired after days, and may hold personal data; replicating them would copy that data to another region with no recovery need.',
    );
    this.groundTruthWriter = new ManagedPolicyRole(this, 'GroundTruthWriter', {
      assumedBy: props.groundTruthWriterPrincipal ?? new iam.AccountRootPrincipal(),
      description: `Writes ground truth for model '${props.modelName}' under ${RECORD_PREFIXES.groundTruth} of its prediction records (modelstack label)`,
    });
    this.grantWriteGroundTruth(this.groundTruthWriter);
  }

  public grantWriteCaptures(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.capture, 'captured predictions, under generated keys per hour');
  }

  public grantWriteGroundTruth(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.groundTruth, 'ground-truth files, under keys per upload hour');
  }

  public grantWriteQuality(grantee: iam.IGrantable): iam.Grant {
    return this.grantPut(grantee, RECORD_PREFIXES.quality, 'one quality record per window, under keys per hour');
  }

  public grantReadRecords(grantee: iam.IGrantable): iam.Grant {
    const prefixes = [RECORD_PREFIXES.capture, RECORD_PREFIXES.groundTruth];
    const objects = prefixes.map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    const list = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      resource: this.bucket,
      conditions: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    });
    const read = iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:GetObject'], resourceArns: objects, resource: this.bucket });
    const key = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['kms:Decrypt'],
      resourceArns: [this.encryptionKey.keyArn],
      resource: this.encryptionKey,
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
    });
    for (const arn of objects) this.acknowledgePrefix(grantee, arn, 'Reads captures and ground truth only, whose keys are generated per hour');
    return list.combine(read).combine(key);
  }

  /** `s3:PutObject` under one prefix, and the key use S3 needs to encrypt with the bucket key (through S3 only). */
  private grantPut(grantee: iam.IGrantable, prefix: Prefix, what: string): iam.Grant {
    const objects = this.bucket.arnForObjects(`${prefix}*`);
    const put = iam.Grant.addToPrincipalOrResource({ grantee, actions: ['s3:PutObject'], resourceArns: [objects], resource: this.bucket });
    const key = iam.Grant.addToPrincipalOrResource({
      grantee,
      actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resourceArns: [this.encryptionKey.keyArn],
      resource: this.encryptionKey,
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
    });
    this.acknowledgePrefix(grantee, objects, `Writes ${what}: s3:PutObject under ${prefix} only`);
    return put.combine(key);
  }

  /** The prefix wildcard is the point of these grants: acknowledged on the principal that receives it. */
  private acknowledgePrefix(grantee: iam.IGrantable, objectsArn: string, reason: string): void {
    const principal: unknown = grantee.grantPrincipal;
    if (isConstruct(principal) && Stack.of(principal) === Stack.of(this)) {
      Validations.of(principal).acknowledge({ id: iam5ResourceFinding(this, objectsArn), reason });
    }
  }
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && 'node' in value && Construct.isConstruct(value);
}

function validate(scope: Construct, props: PredictionRecordsProps): void {
  const validator = new PropsValidator(scope);
  validator.durationInRange('captureExpiration', props.captureExpiration, Duration.days(1), undefined, 'days');
  validator.durationInRange('groundTruthExpiration', props.groundTruthExpiration, Duration.days(1), undefined, 'days');
  validator.durationInRange('qualityExpiration', props.qualityExpiration, Duration.days(1), undefined, 'days');
  validator.throwIfInvalid();
}

function lifecycleRules(props: PredictionRecordsProps): s3.LifecycleRule[] {
  const expiring = (id: string, prefix: Prefix, expiration: Duration | undefined): s3.LifecycleRule => ({
    id,
    prefix,
    ...(expiration === undefined ? {} : { expiration }),
    noncurrentVersionExpiration: PREDICTION_RECORDS_DEFAULTS.noncurrentVersionExpiration,
    abortIncompleteMultipartUploadAfter: Duration.days(1),
  });
  return [
    expiring('ExpireCaptures', RECORD_PREFIXES.capture, props.captureExpiration ?? PREDICTION_RECORDS_DEFAULTS.captureExpiration),
    expiring('ExpireGroundTruth', RECORD_PREFIXES.groundTruth, props.groundTruthExpiration ?? PREDICTION_RECORDS_DEFAULTS.groundTruthExpiration),
    expiring('ExpireQualityRecords', RECORD_PREFIXES.quality, props.qualityExpiration),
  ];
}
