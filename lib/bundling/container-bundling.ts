/**
 * The SageMaker container's Docker build context, bundled locally (no Docker): {@link bundleRuntime} for
 * linux/x64 without size limits (an image has none that matter here), with `container/Dockerfile` next to it.
 * `ContainerImage.fromAsset()` stages it with CDK local bundling; `DockerImageAsset` then only hashes the folder at
 * synth, and `cdk deploy` builds and pushes the image where Docker runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import type { Manifest } from '../../lambda/core/manifest';
import type { BundleReport } from './bundle-size';
import { PACKAGE_ROOT } from '../package-root';
import { bundleRuntime, PROJECT_ROOT, type BundleTarget } from './runtime-bundle';

/** Where the container runs: SageMaker's x86_64 instances (and serverless), no bundle size limits. */
export const CONTAINER_BUNDLE_TARGET: BundleTarget = { name: 'container', os: 'linux', arch: 'x64', architecture: 'x86_64' };

/** The folder holding the Dockerfile (also the asset's source before bundling). */
export const CONTAINER_DIR = path.join(PACKAGE_ROOT, 'container');

/** The files of `container/` that go into the build context next to the bundle. */
export const CONTAINER_BUILD_FILES: readonly string[] = ['Dockerfile', '.dockerignore'];

/** The container host's entry. */
export const CONTAINER_ENTRY = path.join(PROJECT_ROOT, 'lambda', 'hosts', 'container.ts');

/** Options of {@link bundleContainerContext}. */
export interface ContainerContextOptions {
  /** Directory to write the build context into (must exist). */
  readonly outputDir: string;
  /** The manifest written as `model.json` next to `index.js`. */
  readonly manifest: Manifest;
  /** @default - `lambda/hosts/container.ts` */
  readonly entry?: string;
  /** @default - the project root */
  readonly projectRoot?: string;
}

/** Writes the Docker build context: the runtime bundle plus the `Dockerfile` and its `.dockerignore`. */
export function bundleContainerContext(options: ContainerContextOptions): BundleReport {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const report = bundleRuntime({
    entry: options.entry ?? CONTAINER_ENTRY,
    outputDir: options.outputDir,
    target: CONTAINER_BUNDLE_TARGET,
    manifest: options.manifest,
    projectRoot,
  });
  for (const file of CONTAINER_BUILD_FILES) fs.copyFileSync(path.join(CONTAINER_DIR, file), path.join(options.outputDir, file));
  return report;
}

/**
 * CDK local bundling running {@link bundleContainerContext}. Public fields are plain and path-free: CDK hashes them
 * into the asset's cache key.
 */
export class ContainerContextBundling implements ILocalBundling {
  /** The manifest written as `model.json`. */
  public readonly manifest: Manifest;
  /** Entry relative to the project root (POSIX separators). */
  public readonly entry: string;
  readonly #entryPath: string;

  constructor(manifest: Manifest, entry: string = CONTAINER_ENTRY) {
    this.manifest = manifest;
    this.#entryPath = path.resolve(entry);
    this.entry = path.relative(PROJECT_ROOT, this.#entryPath).split(path.sep).join('/');
  }

  /** Builds the context into `outputDir`; always true (no Docker fallback). */
  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    bundleContainerContext({ outputDir, manifest: this.manifest, entry: this.#entryPath });
    return true;
  }
}
