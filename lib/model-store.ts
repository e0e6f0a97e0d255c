/**
 * Where a model lives in AWS: a KMS-encrypted, versioned S3 bucket (with an access-log bucket) holding the ONNX
 * file at a content-addressed key, `models/<name>/<sha256>.onnx`, copied there at deploy time from a CDK asset.
 *
 * Default settings:
 * - a customer-managed KMS key with yearly rotation and a generated alias (or bring your own key);
 * - model bucket: SSE-KMS with an S3 Bucket Key, versioning, all public access blocked, TLS 1.2+ only,
 *   ACLs disabled (bucket owner enforced), server access logs to the access-log bucket, noncurrent versions
 *   expired after 90 days;
 * - access-log bucket: SSE-S3, versioning, all public access blocked, TLS 1.2+ only, logs expired after 365 days;
 * - removal policy RETAIN; objects of old models are kept (no prune) so a rollback finds them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DockerImage,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  type BundlingOptions,
  type ILocalBundling,
} from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IDependable } from 'constructs';
import { MODEL_NAME_PATTERN } from '../lambda/core/manifest';
import type { ModelFile } from './model-file';
import { acknowledgeRule } from './private/nag-rules';
import { accessLogBucketProps, dataBucketProps } from './private/bucket-defaults';
import { deploymentEphemeralStorage, deploymentStorageMiB } from './private/deployment-storage';
import { separatedKeyPolicy } from './private/key-policy';
import { deployModelFiles } from './private/model-deployment';
import { logServerAccess } from './private/server-access-logs';
import { grantModelRead, type IModelStore, type ModelDeploymentOptions } from './model-store-interface';
import { ImportedModelStore, type ModelStoreAttributes } from './private/imported-model-store';
import { LAMBDA_EPHEMERAL_STORAGE_MIB } from './lambda-limits';
import { PropsValidator } from './props-validation';

export { deployModelFiles, grantModelRead, type IModelStore, type ModelDeploymentOptions } from './model-store-interface';
export type { ModelStoreAttributes } from './private/imported-model-store';

/** Removal policies the store's bucket and key support (S3 and KMS have no snapshots). */
const SUPPORTED_REMOVAL_POLICIES: readonly RemovalPolicy[] = [
  RemovalPolicy.RETAIN,
  RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  RemovalPolicy.DESTROY,
];

/** Properties of a {@link ModelStore}. */
export interface ModelStoreProps {
  /**
   * The model's name (the manifest's `name`): 1-63 lower-case letters, digits or hyphens, starting and ending
   * with a letter or digit. It becomes the S3 key prefix `models/<modelName>/`.
   */
  readonly modelName: string;

  /**
   * The ONNX file to deploy, already read and hashed: `ModelFile.fromArtifact(artifact)` in the stack,
   * `ModelFile.fromPath(path)` elsewhere.
   */
  readonly model: ModelFile;

  /**
   * What happens to the buckets and the key when they leave the stack. RETAIN, RETAIN_ON_UPDATE_OR_DELETE or
   * DESTROY (S3 and KMS have no snapshots).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Empty the buckets (every object version) when the stack deletes them, so that deletion succeeds.
   * Requires `removalPolicy: DESTROY`. It adds a CDK custom resource whose Lambda may delete every object of
   * both buckets and change their bucket policies: meant for short-lived environments (dev, review apps),
   * never for a bucket whose data matters.
   * @default - true when `removalPolicy` is DESTROY, else false
   */
  readonly autoDeleteObjects?: boolean;

  /**
   * How long a model object's noncurrent (overwritten or deleted) versions are kept. Model keys are
   * content-addressed, so current objects never expire; this only cleans up deleted or re-uploaded ones.
   * A whole number of days, at least 1.
   * @default Duration.days(90)
   */
  readonly noncurrentVersionExpiration?: Duration;

  /**
   * How long S3 server access logs are kept. A whole number of days, at least 1.
   * @default Duration.days(365)
   */
  readonly accessLogsExpiration?: Duration;

  /**
   * The KMS key that encrypts the model bucket. When given, its key policy must let this account's IAM
   * policies use it (the default key policy does); the store then creates no key.
   * @default - a new customer-managed key with rotation enabled and a generated alias
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Local bundling that stages the model file as `<sha256>.onnx`: no Docker. Holds only the hash as a plain field,
 * since CDK hashes the bundling options into the asset hash and an absolute path would make it machine-dependent.
 */
class ModelFileBundling implements ILocalBundling {
  /** File name of the staged model. */
  public readonly fileName: string;
  readonly #modelPath: string;

  constructor(modelPath: string, sha256: string) {
    this.fileName = `${sha256}.onnx`;
    this.#modelPath = modelPath;
  }

  /** Copies the model to `outputDir/<sha256>.onnx`; always succeeds locally (no Docker fallback). */
  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    fs.copyFileSync(this.#modelPath, path.join(outputDir, this.fileName));
    return true;
  }
}

/**
 * A model's storage: the KMS key, the model bucket, its access-log bucket and the deployment of the model file
 * to `models/<modelName>/<sha256>.onnx`.
 *
 * Consumers read the model with {@link grantRead}, and depend on {@link modelDeployment} so the object exists
 * before they start.
 */
export class ModelStore extends Construct implements IModelStore {
  /** The model bucket (construct id `Resource`). */
  public readonly bucket: s3.IBucket;
  /** The bucket receiving the model bucket's S3 server access logs. */
  public readonly accessLogsBucket: s3.IBucket;
  /** The key encrypting the model bucket. */
  public readonly encryptionKey: kms.IKey;
  /** The model's name: the key prefix `models/<modelName>/`. */
  public readonly modelName: string;
  /** Key prefix of this model's objects: `models/<modelName>/`. */
  public readonly modelPrefix: string;
  /** S3 key of the model: `models/<modelName>/<sha256>.onnx`. */
  public readonly modelKey: string;
  /** SHA-256 (lower-case hex) of the model file. */
  public readonly modelSha256: string;
  /** Size of the model file, in bytes. */
  public readonly modelSizeBytes: number;
  /** ARN of the model object. */
  public readonly modelObjectArn: string;
  /** Completes when the model object is in the bucket: add it as a dependency of anything that reads it. */
  public readonly modelDeployment: IDependable;
  /** What happens to the buckets and key when they leave the stack; deployments keep their files unless DESTROY. */
  public readonly removalPolicy: RemovalPolicy;

  /**
   * A store whose bucket, key and model object exist already (another stack's or app's `ModelStore`, or a bucket
   * of your own): nothing is created, readers get the same narrow grant.
   */
  public static fromModelStoreAttributes(scope: Construct, id: string, attrs: ModelStoreAttributes): IModelStore {
    return new ImportedModelStore(scope, id, attrs);
  }

  constructor(scope: Construct, id: string, props: ModelStoreProps) {
    super(scope, id);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const autoDeleteObjects = props.autoDeleteObjects ?? removalPolicy === RemovalPolicy.DESTROY;
    const noncurrentVersionExpiration = props.noncurrentVersionExpiration ?? Duration.days(90);
    const accessLogsExpiration = props.accessLogsExpiration ?? Duration.days(365);

    const validator = new PropsValidator(this);
    if (Token.isUnresolved(props.modelName)) {
      validator.fail('modelName', props.modelName, 'a literal string (it is part of S3 keys and synth-time paths), not a token');
    } else if (!MODEL_NAME_PATTERN.test(props.modelName)) {
      validator.fail('modelName', props.modelName, `1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit (${MODEL_NAME_PATTERN})`);
    }
    const model = props.model;
    const storageMiB = deploymentStorageMiB(model.sizeBytes);
    if (storageMiB === undefined) {
      validator.fail('model', `${model.path} (${model.sizeBytes} bytes)`, `an ONNX file of at most about 5 GB (the deployment step unpacks it in ${LAMBDA_EPHEMERAL_STORAGE_MIB.max} MiB of Lambda storage)`);
    }
    if (!SUPPORTED_REMOVAL_POLICIES.includes(removalPolicy)) {
      validator.fail('removalPolicy', removalPolicy, `one of ${SUPPORTED_REMOVAL_POLICIES.join(', ')} (S3 buckets and KMS keys cannot be snapshotted)`);
    }
    if (autoDeleteObjects && removalPolicy !== RemovalPolicy.DESTROY) {
      validator.fail('autoDeleteObjects', autoDeleteObjects, `false unless removalPolicy is ${RemovalPolicy.DESTROY} (removalPolicy is ${removalPolicy})`);
    }
    validator.durationInRange('noncurrentVersionExpiration', noncurrentVersionExpiration, Duration.days(1), undefined, 'days');
    validator.durationInRange('accessLogsExpiration', accessLogsExpiration, Duration.days(1), undefined, 'days');
    validator.throwIfInvalid();

    this.modelName = props.modelName;
    this.modelSha256 = model.sha256;
    this.modelSizeBytes = model.sizeBytes;
    this.modelPrefix = `models/${props.modelName}/`;
    this.modelKey = `${this.modelPrefix}${model.sha256}.onnx`;

    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the objects of model '${props.modelName}' (modelstack)`,
        enableKeyRotation: true,
        policy: separatedKeyPolicy(),
        // Generated from the stack name and construct path: unique per stack, so environments can share an account.
        alias: `alias/modelstack/${Stack.of(this).stackName}/${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' })}`,
        removalPolicy,
      });

    // S3 server access logging delivers only to target buckets encrypted with SSE-S3: it cannot write to a
    // bucket whose default encryption is SSE-KMS, so this bucket uses S3-managed keys.
    const accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...accessLogBucketProps(),
      lifecycleRules: [
        {
          id: 'ExpireAccessLogs',
          expiration: accessLogsExpiration,
          // Expiring a current version leaves a noncurrent one in a versioned bucket: remove it the next day.
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    this.accessLogsBucket = accessLogsBucket;

    const bucket = new s3.Bucket(this, 'Resource', {
      ...dataBucketProps(this.encryptionKey),
      lifecycleRules: [
        {
          id: 'ExpireNoncurrentModelVersions',
          noncurrentVersionExpiration,
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
      autoDeleteObjects,
    });
    logServerAccess(bucket, accessLogsBucket, 'model-bucket/');
    this.bucket = bucket;
    this.modelObjectArn = bucket.arnForObjects(this.modelKey);

    this.removalPolicy = removalPolicy;
    const deployment = this.deploy(this, 'Deployment', {
      sources: [
        s3deploy.Source.asset(path.dirname(model.path), {
          // The staged asset is exactly the model bytes, so their hash identifies it.
          assetHash: model.sha256,
          bundling: {
            image: DockerImage.fromRegistry('none-local-only'),
            local: new ModelFileBundling(model.path, model.sha256),
          },
        }),
      ],
      prefix: this.modelPrefix,
      ephemeralStorageSize: deploymentEphemeralStorage(storageMiB),
    });
    this.modelDeployment = deployment;

    this.acknowledgeFindings(accessLogsBucket, bucket);
  }

  /**
   * Copies `sources` (zipped CDK assets, extracted) under `prefix`, inside this model's prefix, at deploy time.
   * The copy step runs with one role per stack whose policy names only the sources' asset objects and this
   * prefix, and logs to a log group with retention, encrypted with a customer-managed key (see
   * lib/private/deployment-handler.ts). Older files stay (no prune) so a rollback finds them.
   */
  public deploy(scope: Construct, id: string, options: ModelDeploymentOptions): s3deploy.BucketDeployment {
    return deployModelFiles(this, scope, id, options, this.removalPolicy);
  }

  /**
   * Lets `grantee` read this model's objects: `s3:GetObject` on `models/<modelName>/*` only (no listing, no
   * other prefix, no bucket-level action), and `kms:Decrypt` on the bucket's key through S3 only.
   * `bucket.grantRead()` is not used: it also grants `s3:GetBucket*` and `s3:List*` on the bucket.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantModelRead(this, grantee);
  }

  private acknowledgeFindings(accessLogsBucket: s3.Bucket, bucket: s3.Bucket): void {
    acknowledgeRule(
      accessLogsBucket,
      'S3DefaultEncryptionKMS',
      'S3 server access logging only delivers to target buckets encrypted with SSE-S3, not SSE-KMS; the bucket uses S3-managed keys, denies non-TLS requests and blocks public access.',
    );
    acknowledgeRule(
      accessLogsBucket,
      'S3BucketReplicationEnabled',
      'Access logs are operational records kept for a limited time in the region they describe; cross-region replication would double their cost without a recovery need.',
    );
    acknowledgeRule(
      bucket,
      'S3BucketReplicationEnabled',
      'Model objects are deployed from the versioned source repository as CDK assets; after a regional outage the stack is redeployed elsewhere and re-uploads them, so replication is not needed.',
    );
  }
}
