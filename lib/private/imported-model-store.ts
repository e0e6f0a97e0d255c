/** A model store that exists already, for `ModelStore.fromModelStoreAttributes()`. */
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, DependencyGroup, type IDependable } from 'constructs';
import { MODEL_NAME_PATTERN } from '../../lambda/core/manifest';
import { grantModelRead, type IModelStore, type ModelDeploymentOptions } from '../model-store-interface';
import { PropsValidator } from '../props-validation';
import { deployModelFiles } from './model-deployment';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** What identifies an existing model store. */
export interface ModelStoreAttributes {
  /** The bucket holding the model at `models/<modelName>/<modelSha256>.onnx`. */
  readonly bucket: s3.IBucket;
  /** The key encrypting the bucket's objects; readers get `kms:Decrypt` on it through S3. */
  readonly encryptionKey: kms.IKey;
  /** The model's name (the manifest's `name`). */
  readonly modelName: string;
  /** SHA-256 (lower-case hex) of the model file, which is also its key's file name. */
  readonly modelSha256: string;
  /**
   * The bucket receiving server access logs, for buckets created next to the store (SageMaker data capture).
   * @default - none: such buckets are not logged
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * What readers wait for before they start, when the model object is put there in this app.
   * @default - nothing: the object is already in the bucket
   */
  readonly modelDeployment?: IDependable;
}

/** An existing store: creates nothing, grants like {@link ModelStore}. */
export class ImportedModelStore extends Construct implements IModelStore {
  public readonly bucket: s3.IBucket;
  public readonly encryptionKey: kms.IKey;
  public readonly accessLogsBucket?: s3.IBucket;
  public readonly modelName: string;
  public readonly modelPrefix: string;
  public readonly modelKey: string;
  public readonly modelSha256: string;
  public readonly modelDeployment: IDependable;

  constructor(scope: Construct, id: string, attrs: ModelStoreAttributes) {
    super(scope, id);
    const validator = new PropsValidator(this);
    if (!MODEL_NAME_PATTERN.test(attrs.modelName)) {
      validator.fail('modelName', attrs.modelName, `1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit (${MODEL_NAME_PATTERN})`);
    }
    if (!SHA256_HEX.test(attrs.modelSha256)) validator.fail('modelSha256', attrs.modelSha256, '64 lower-case hexadecimal digits');
    validator.throwIfInvalid();
    this.bucket = attrs.bucket;
    this.encryptionKey = attrs.encryptionKey;
    this.accessLogsBucket = attrs.accessLogsBucket;
    this.modelName = attrs.modelName;
    this.modelSha256 = attrs.modelSha256;
    this.modelPrefix = `models/${attrs.modelName}/`;
    this.modelKey = `${this.modelPrefix}${attrs.modelSha256}.onnx`;
    this.modelDeployment = attrs.modelDeployment ?? new DependencyGroup();
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantModelRead(this, grantee);
  }

  /**
   * Copies files under a prefix of the existing bucket, with the copy step of the importing stack (its role may
   * write under that prefix only). The files and the copy step's log group are retained: this stack does not own
   * the bucket. The key's policy must let this account's IAM policies use it (CDK's and modelstack's do).
   */
  public deploy(scope: Construct, id: string, options: ModelDeploymentOptions): s3deploy.BucketDeployment {
    return deployModelFiles(this, scope, id, options, RemovalPolicy.RETAIN);
  }
}
