/**
 * The model as SageMaker reads it: `model.onnx` and its `model.json`, alone under one S3 prefix per version,
 * `models/<name>/<version>/`, where the version is the first 32 hex digits of the SHA-256 of the model's SHA-256
 * and the manifest's text (BucketDeployment allows key prefixes of at most 104 characters). `ModelDataSource.S3DataSource` with
 * `S3DataType: S3Prefix` and `CompressionType: None` copies everything under a prefix to `/opt/ml/model`: a prefix of
 * its own per (model, manifest) pair gives the container exactly this model's file and manifest, never the other
 * versions the store keeps for rollbacks (`models/<name>/<sha256>.onnx`, which `S3Prefix` on `models/<name>/` would
 * copy too, and which `S3Object` could not pair with a manifest). A manifest change gets a new prefix, so an older
 * endpoint configuration still finds its own pair during a rollback.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerImage, RemovalPolicy, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { Manifest } from '../../lambda/core/manifest';
import { MANIFEST_FILE_NAME } from '../../lambda/core/runtime-config';
import type { ModelFile } from '../model-file';
import type { IModelStore } from '../model-store-interface';
import { LAMBDA_EPHEMERAL_STORAGE_MIB } from '../lambda-limits';
import { deploymentEphemeralStorage, deploymentStorageMiB } from '../private/deployment-storage';

/** The model's file name inside the prefix (and in `/opt/ml/model`). */
export const SAGEMAKER_MODEL_FILE_NAME = 'model.onnx';

/** Properties of a {@link SageMakerModelData}. */
export interface SageMakerModelDataProps {
  /** The store the prefix is written to. */
  readonly store: IModelStore;
  /** The ONNX file (for the primary model, the store's own). */
  readonly model: ModelFile;
  /** Its validated manifest. */
  readonly manifest: Manifest;
  /** @default RemovalPolicy.RETAIN (the objects stay when the deployment is deleted) */
  readonly removalPolicy?: RemovalPolicy;
}

/** The manifest as the container reads it. */
function manifestText(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

class ModelPrefixBundling implements ILocalBundling {
  readonly #modelPath: string;
  readonly #manifest: string;

  constructor(
    /** Identifies the staged content in the asset cache key. */
    public readonly contentHash: string,
    modelPath: string,
    manifest: string,
  ) {
    this.#modelPath = modelPath;
    this.#manifest = manifest;
  }

  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    fs.copyFileSync(this.#modelPath, path.join(outputDir, SAGEMAKER_MODEL_FILE_NAME));
    fs.writeFileSync(path.join(outputDir, MANIFEST_FILE_NAME), this.#manifest);
    return true;
  }
}

/** One model version's S3 prefix for SageMaker, deployed at deploy time (construct id of the copy: `Deployment`). */
export class SageMakerModelData extends Construct {
  /** The key prefix, ending in `/`. */
  public readonly prefix: string;
  /** `s3://<bucket>/<prefix>`: the `S3Uri` of the model data source. */
  public readonly s3Uri: string;
  /** SHA-256 of `model.onnx`, which the container verifies. */
  public readonly modelSha256: string;
  /** The copy of the two files into the prefix: models must depend on it. */
  public readonly deployment: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: SageMakerModelDataProps) {
    super(scope, id);
    const manifest = manifestText(props.manifest);
    const manifestSha = createHash('sha256').update(manifest).digest('hex');
    const version = createHash('sha256').update(`${props.model.sha256}\n${manifestSha}`).digest('hex').slice(0, 32);
    this.modelSha256 = props.model.sha256;
    this.prefix = `${props.store.modelPrefix}${version}/`;
    this.s3Uri = `s3://${props.store.bucket.bucketName}/${this.prefix}`;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    // The store has refused models too large for any copy step, so the largest step is only a fallback.
    const storageMiB = deploymentStorageMiB(props.model.sizeBytes) ?? LAMBDA_EPHEMERAL_STORAGE_MIB.max;

    // The store's copy step: its role may write under this model's prefix only.
    this.deployment = props.store.deploy(this, 'Deployment', {
      sources: [
        s3deploy.Source.asset(path.dirname(props.model.path), {
          assetHash: version,
          bundling: { image: DockerImage.fromRegistry('none-local-only'), local: new ModelPrefixBundling(version, props.model.path, manifest) },
        }),
      ],
      prefix: this.prefix,
      retainOnDelete: removalPolicy !== RemovalPolicy.DESTROY,
      ephemeralStorageSize: deploymentEphemeralStorage(storageMiB),
    });
  }
}
