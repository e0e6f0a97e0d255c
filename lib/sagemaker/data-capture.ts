/**
 * Data capture of a SageMaker endpoint: a sample of requests and/or responses written by SageMaker as JSON Lines
 * to a KMS-encrypted bucket of its own, under `capture/`, expired after a configured number of days. Off unless
 * configured (payloads may hold personal data). The execution role may write objects under `capture/` only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { IModelStore } from '../model-store-interface';
import { dataBucketProps } from '../private/bucket-defaults';
import { iam5ResourceFinding } from '../private/nag-findings';
import { acknowledgeRule } from '../private/nag-rules';
import { logServerAccess } from '../private/server-access-logs';
import type { PropsValidator } from '../props-validation';
import { separatedKeyPolicy } from '../private/key-policy';

/** The key prefix SageMaker writes capture files under. */
export const CAPTURE_PREFIX = 'capture/';

/** What to capture. */
export interface DataCaptureOptions {
  /**
   * Percentage of requests captured, 1 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Capture request bodies.
   * @default true
   */
  readonly captureInput?: boolean;
  /**
   * Capture response bodies.
   * @default true
   */
  readonly captureOutput?: boolean;
  /**
   * How long capture files are kept: a whole number of days, at least 1.
   * @default Duration.days(30)
   */
  readonly expiration?: Duration;
}

/** Checks the capture options. */
export function validateDataCapture(validator: PropsValidator, options: DataCaptureOptions): void {
  validator.integerInRange('dataCapture.samplingPercentage', options.samplingPercentage, 1, 100, '%');
  if (options.captureInput === false && options.captureOutput === false) {
    validator.fail('dataCapture.captureOutput', false, 'true when captureInput is false: capture the input, the output or both');
  }
  validator.durationInRange('dataCapture.expiration', options.expiration, Duration.days(1), undefined, 'days');
}

/** Properties of a {@link DataCapture}. */
export interface DataCaptureProps extends DataCaptureOptions {
  /** The store whose access-log bucket receives this bucket's server access logs. */
  readonly store: IModelStore;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The capture bucket and key (bucket construct id `Resource`). */
export class DataCapture extends Construct {
  /** The bucket capture files go to. */
  public readonly bucket: s3.Bucket;
  /** The key encrypting them. */
  public readonly encryptionKey: kms.Key;
  private readonly options: DataCaptureOptions;

  constructor(scope: Construct, id: string, props: DataCaptureProps) {
    super(scope, id);
    this.options = props;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Encrypts the data captured by the SageMaker endpoint of model '${props.store.modelName}' (modelstack)`,
      enableKeyRotation: true,
      policy: separatedKeyPolicy(),
      removalPolicy,
    });
    this.bucket = new s3.Bucket(this, 'Resource', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: [
        {
          id: 'ExpireCapturedData',
          prefix: CAPTURE_PREFIX,
          expiration: props.expiration ?? Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    if (props.store.accessLogsBucket !== undefined) logServerAccess(this.bucket, props.store.accessLogsBucket, 'data-capture/');
    acknowledgeRule(
      this.bucket,
      'S3BucketReplicationEnabled',
      'Captured requests and responses are a short-lived sample kept for model monitoring and shadow reports, expired after days; replicating them would copy possibly personal data to another region with no recovery need.',
    );
  }

  /** Lets the execution role write capture files (and encrypt them), under `capture/` only. */
  public grantWrite(role: iam.IRole): void {
    const objects = this.bucket.arnForObjects(`${CAPTURE_PREFIX}*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteDataCapture', actions: ['s3:PutObject'], resources: [objects] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'EncryptDataCapture', actions: ['kms:Encrypt', 'kms:GenerateDataKey'], resources: [this.encryptionKey.keyArn] }),
    );
    Validations.of(role).acknowledge({
      id: iam5ResourceFinding(this, objects),
      reason: `SageMaker writes capture files under ${CAPTURE_PREFIX}<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/ with generated names; the role may only put objects there.`,
    });
  }

  /** The endpoint config's `DataCaptureConfig`. */
  public get config(): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
    const modes = [
      ...(this.options.captureInput === false ? [] : [{ captureMode: 'Input' }]),
      ...(this.options.captureOutput === false ? [] : [{ captureMode: 'Output' }]),
    ];
    return {
      enableCapture: true,
      initialSamplingPercentage: this.options.samplingPercentage ?? 100,
      destinationS3Uri: this.bucket.s3UrlForObject(CAPTURE_PREFIX.replace(/\/$/, '')),
      kmsKeyId: this.encryptionKey.keyArn,
      captureOptions: modes,
      captureContentTypeHeader: { jsonContentTypes: ['application/json'], csvContentTypes: ['text/csv'] },
    };
  }
}
