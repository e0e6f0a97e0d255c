/**
 * The image a SageMaker model runs: this repo's runtime built from the target-neutral bundle
 * ({@link ContainerImage.fromAsset}), or an image already in ECR ({@link ContainerImage.fromEcrRepository}).
 * Binding gives the execution role what pulling the image needs, and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AssetHashType, AssetStaging, DockerImage } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Manifest } from '../lambda/core/manifest';
import { CONTAINER_DIR, ContainerContextBundling } from './bundling/container-bundling';
import { PropsValidationError } from './props-validation';

/** The build argument naming the base image (`ARG BASE_IMAGE=...` before `FROM ${BASE_IMAGE}` in the Dockerfile). */
export const BASE_IMAGE_ARG = 'BASE_IMAGE';

/** `<name>[:tag]@sha256:<64 hex>`: an image fixed to one content digest. */
const DIGEST_PINNED = /^[a-z0-9][a-z0-9._\-/:]*@sha256:[0-9a-f]{64}$/;

/** Whether `image` names its content by digest (a changed base then means a changed reference). */
export function isDigestPinned(image: string): boolean {
  return DIGEST_PINNED.test(image);
}

/**
 * The base image the Dockerfile pins: the default of its `ARG BASE_IMAGE=...`, the one place the digest is written.
 * @throws Error when the Dockerfile has no such argument or its default is not pinned by digest
 */
export function pinnedBaseImage(dockerfile: string = join(CONTAINER_DIR, 'Dockerfile')): string {
  const text = readFileSync(dockerfile, 'utf8');
  const match = new RegExp(`^ARG ${BASE_IMAGE_ARG}=(\\S+)\\s*$`, 'm').exec(text);
  if (match === null) throw new Error(`${dockerfile}: no 'ARG ${BASE_IMAGE_ARG}=<image>@sha256:<digest>' line; the base image must be pinned there`);
  if (!isDigestPinned(match[1])) {
    throw new Error(`${dockerfile}: ${BASE_IMAGE_ARG} must be pinned by digest as <image>@sha256:<64 hex digits> (got '${match[1]}')`);
  }
  return match[1];
}

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
  /**
   * The base image, pinned by digest (`<image>@sha256:<digest>`), e.g. a mirror of it in your own registry.
   * @default - the digest pinned in `container/Dockerfile` ({@link pinnedBaseImage})
   */
  readonly baseImage?: string;
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
  private readonly baseImage: string;

  constructor(private readonly options: ContainerImageAssetOptions) {
    super();
    if (options.baseImage !== undefined && !isDigestPinned(options.baseImage)) {
      throw new PropsValidationError('ContainerImage.fromAsset', [
        `baseImage must be an image pinned by digest, <image>@sha256:<64 hex digits>, so a changed base is a changed image (got '${options.baseImage}')`,
      ]);
    }
    this.baseImage = options.baseImage ?? pinnedBaseImage();
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
      // Build arguments are part of the asset hash: another base digest is another image, rebuilt by cdk deploy.
      buildArgs: { [BASE_IMAGE_ARG]: this.baseImage },
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
