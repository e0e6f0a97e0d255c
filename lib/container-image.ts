/**
 * The image a SageMaker model runs: this repo's runtime built from the target-neutral bundle
 * ({@link ContainerImage.fromAsset}), or an image already in ECR ({@link ContainerImage.fromEcrRepository}).
 * Binding gives the execution role what pulling the image needs, and nothing else.
 */
import { AssetHashType, AssetStaging, DockerImage } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Manifest } from '../lambda/core/manifest';
import { CONTAINER_DIR, ContainerContextBundling } from './bundling/container-bundling';

/** What a bound image gives the model. */
export interface ContainerImageConfig {
  /** The image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`). */
  readonly imageUri: string;
  /** The repository the image comes from. */
  readonly repository: ecr.IRepository;
}

/** Options of {@link ContainerImage.fromAsset}. */
export interface ContainerImageAssetOptions {
  /** The validated manifest, written next to `index.js` in the image. */
  readonly manifest: Manifest;
  /**
   * The host's TypeScript entry.
   * @default - `lambda/hosts/container.ts`
   */
  readonly entry?: string;
}

/** The container image of a SageMaker model. */
export abstract class ContainerImage {
  /**
   * This repo's runtime as a `DockerImageAsset`: at synth the build context (the bundle and `container/Dockerfile`)
   * is staged by local bundling, without Docker; `cdk deploy` builds the image (linux/amd64) and pushes it to the
   * CDK assets repository, which needs Docker where it runs.
   */
  public static fromAsset(options: ContainerImageAssetOptions): ContainerImage {
    return new AssetImage(options);
  }

  /** An image already in ECR, e.g. one built and scanned by a separate pipeline. */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string = 'latest'): ContainerImage {
    return new EcrImage(repository, tag);
  }

  /** Creates what the image needs in `scope` and lets `grantee` pull it. */
  public abstract bind(scope: Construct, grantee: iam.IGrantable): ContainerImageConfig;
}

class AssetImage extends ContainerImage {
  constructor(private readonly options: ContainerImageAssetOptions) {
    super();
  }

  public bind(scope: Construct, grantee: iam.IGrantable): ContainerImageConfig {
    const image = new Construct(scope, 'Image');
    const context = new AssetStaging(image, 'Context', {
      sourcePath: CONTAINER_DIR,
      // The staged context, not container/, defines the image: same bundle, same hash, no new image.
      assetHashType: AssetHashType.OUTPUT,
      bundling: { image: DockerImage.fromRegistry('none-local-only'), local: new ContainerContextBundling(this.options.manifest, this.options.entry) },
    });
    const asset = new ecrAssets.DockerImageAsset(image, 'Resource', {
      directory: context.absoluteStagedPath,
      platform: ecrAssets.Platform.LINUX_AMD64,
    });
    asset.repository.grantPull(grantee);
    return { imageUri: asset.imageUri, repository: asset.repository };
  }
}

class EcrImage extends ContainerImage {
  constructor(
    private readonly repository: ecr.IRepository,
    private readonly tag: string,
  ) {
    super();
  }

  public bind(_scope: Construct, grantee: iam.IGrantable): ContainerImageConfig {
    this.repository.grantPull(grantee);
    return { imageUri: this.repository.repositoryUriForTag(this.tag), repository: this.repository };
  }
}
