/**
 * What the endpoints need of a model's storage, as an interface (as aws-cdk's constructs take `s3.IBucket`): a
 * {@link ModelStore} is one, `ModelStore.fromModelStoreAttributes()` imports one, and a user may implement it.
 */
import { Aws, Stack, Validations, type Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct, type IDependable } from 'constructs';
import { iam5ResourceFinding } from './private/nag-findings';

// How every store copies files into its prefix, for implementations of `deploy` (as `grantModelRead` is for `grantRead`).
export { deployModelFiles } from './private/model-deployment';

/** What a model reader needs on S3: the objects only, no listing, no other versions. */
const MODEL_READ_ACTIONS = ['s3:GetObject'];

/** What {@link IModelStore.deploy} copies where. */
export interface ModelDeploymentOptions {
  /** The files: CDK assets (`s3deploy.Source.asset(...)`), extracted under the prefix. */
  readonly sources: readonly s3deploy.ISource[];
  /** Key prefix, a folder (ending in `/`) under the store's `models/<modelName>/`. */
  readonly prefix: string;
  /**
   * Keep the files when the deployment leaves the stack.
   * @default - true unless the store's removal policy is DESTROY (an imported store: true)
   */
  readonly retainOnDelete?: boolean;
  /**
   * `/tmp` of the copy step: about twice the largest source, from 512 MiB to 10 GiB.
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;
}

/** A model's storage: the bucket, its key and the content-addressed model object. */
export interface IModelStore extends IConstruct {
  /** The bucket holding the model under {@link modelPrefix}. */
  readonly bucket: s3.IBucket;
  /** The key encrypting the bucket's objects. */
  readonly encryptionKey: kms.IKey;
  /**
   * The bucket receiving server access logs, which buckets created next to the store (SageMaker data capture)
   * log to as well.
   * @default - none: such buckets are not logged
   */
  readonly accessLogsBucket?: s3.IBucket;
  /** The model's name: the key prefix `models/<modelName>/`. */
  readonly modelName: string;
  /** Key prefix of this model's objects: `models/<modelName>/`. */
  readonly modelPrefix: string;
  /** S3 key of the model: `models/<modelName>/<sha256>.onnx`. */
  readonly modelKey: string;
  /** SHA-256 (lower-case hex) of the model file. */
  readonly modelSha256: string;
  /** Completes when the model object is in the bucket: readers depend on it. */
  readonly modelDeployment: IDependable;
  /** Lets `grantee` read the model's objects (and decrypt them). */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /**
   * Copies `options.sources` under `options.prefix` (a folder inside {@link modelPrefix}) at deploy time, as
   * `scope`/`id`, with a copy step that may write under that prefix only (SageMaker model data uses it).
   */
  deploy(scope: Construct, id: string, options: ModelDeploymentOptions): s3deploy.BucketDeployment;
}

/**
 * `s3:GetObject` on `models/<modelName>/*` only (no listing, no other prefix, no bucket-level action), and
 * `kms:Decrypt` on the store's key through S3 only. The prefix (not the single object) lets older function
 * versions read their own model during a rollback or a canary.
 */
export function grantModelRead(store: IModelStore, grantee: iam.IGrantable): iam.Grant {
  const objectsArn = store.bucket.arnForObjects(`${store.modelPrefix}*`);
  const objects = iam.Grant.addToPrincipalOrResource({ grantee, actions: MODEL_READ_ACTIONS, resourceArns: [objectsArn], resource: store.bucket });
  const key = iam.Grant.addToPrincipalOrResource({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [store.encryptionKey.keyArn],
    resource: store.encryptionKey,
    conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
  });
  // The prefix wildcard is the point of this grant: acknowledge it on the policy that receives it.
  const principal: unknown = grantee.grantPrincipal;
  if (isConstruct(principal) && Stack.of(principal) === Stack.of(store)) {
    Validations.of(principal).acknowledge({
      id: iam5ResourceFinding(store, objectsArn),
      reason: `Reads the objects of model '${store.modelName}' only: s3:GetObject on the prefix ${store.modelPrefix}* (content-addressed <sha256>.onnx keys, so older function versions can still read their model during a rollback or canary).`,
    });
  }
  return objects.combine(key);
}

function isConstruct(value: unknown): value is IConstruct {
  return typeof value === 'object' && value !== null && 'node' in value && Construct.isConstruct(value);
}
