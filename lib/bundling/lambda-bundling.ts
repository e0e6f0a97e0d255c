/**
 * The inference runtime bundled for AWS Lambda, locally (no Docker): {@link bundleRuntime} with the function's
 * architecture and Lambda's size limits. Used by `LambdaInference` through
 * `lambda.Code.fromAsset(dir, { bundling: { local: new OnnxRuntimeBundling(...) } })`; {@link bundleInferenceRuntime}
 * is the same step as a plain function, for tests and tools.
 */
import * as path from 'node:path';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import type { Manifest } from '../../lambda/core/manifest';
import { BundleError } from './bundle-error';
import { LAMBDA_SIZE_LIMITS, type BundleReport } from './bundle-size';
import { bundleRuntime, PROJECT_ROOT, type BundleTarget, type RuntimeBundleOptions } from './runtime-bundle';

/** Options of {@link bundleInferenceRuntime}: the runtime options, with a Lambda architecture for the target. */
export interface InferenceBundleOptions extends Omit<RuntimeBundleOptions, 'target'> {
  /** Lambda architecture the native onnxruntime binaries are picked for. */
  readonly architecture: Architecture;
}

/** The bundle target of a Lambda function on `architecture`. */
export function lambdaBundleTarget(architecture: Architecture): BundleTarget {
  switch (architecture.name) {
    case Architecture.X86_64.name:
      return { name: 'Lambda', os: 'linux', arch: 'x64', architecture: architecture.name, limits: LAMBDA_SIZE_LIMITS };
    case Architecture.ARM_64.name:
      return { name: 'Lambda', os: 'linux', arch: 'arm64', architecture: architecture.name, limits: LAMBDA_SIZE_LIMITS };
    default:
      throw new BundleError(
        `architecture must be x86_64 or arm64 (onnxruntime-node ships Linux binaries for those only), got '${architecture.name}'`,
      );
  }
}

/**
 * Builds the Lambda bundle into `outputDir` (see {@link bundleRuntime}); onnxruntime-node keeps only
 * `bin/napi-v6/linux/<arch>/*` (the package holds binaries for every OS, ~290 MB, more than Lambda's 250 MB).
 *
 * @returns the measured sizes
 * @throws BundleError when esbuild fails or the bundle is over a Lambda size limit
 */
export function bundleInferenceRuntime(options: InferenceBundleOptions): BundleReport {
  const { architecture, ...rest } = options;
  return bundleRuntime({ ...rest, target: lambdaBundleTarget(architecture) });
}

/** Options of {@link OnnxRuntimeBundling}: those of {@link bundleInferenceRuntime} but the output directory. */
export type OnnxRuntimeBundlingProps = Omit<InferenceBundleOptions, 'outputDir'>;

/** Reports of bundles built in this process, by bundling key: CDK reuses a staged asset without bundling again. */
const reports = new Map<string, BundleReport>();

/**
 * CDK local bundling (`bundling.local`) that runs {@link bundleInferenceRuntime}: no Docker, no npm install.
 *
 * CDK serializes the bundling options into the asset's cache key (and, when bundling is skipped, into the asset
 * hash), so the instance's public fields are plain, stable and free of absolute paths: the same checkout synthesizes
 * the same hashes wherever it lives. The measured report is kept aside and read with {@link OnnxRuntimeBundling.report}.
 */
export class OnnxRuntimeBundling implements ILocalBundling {
  /** Handler entry, relative to the project root (POSIX separators). */
  public readonly entry: string;
  /** Lambda architecture name (`x86_64` or `arm64`). */
  public readonly architecture: string;
  /** The manifest written as `model.json`. */
  public readonly manifest: Manifest;
  /** Whether the AWS SDK is bundled. */
  public readonly bundleAwsSdk: boolean;
  readonly #architecture: Architecture;
  readonly #entryPath: string;
  readonly #projectRoot: string;

  constructor(props: OnnxRuntimeBundlingProps) {
    this.#projectRoot = props.projectRoot ?? PROJECT_ROOT;
    this.#entryPath = path.resolve(props.entry);
    this.entry = path.relative(this.#projectRoot, this.#entryPath).split(path.sep).join('/');
    this.architecture = props.architecture.name;
    this.manifest = props.manifest;
    this.bundleAwsSdk = props.bundleAwsSdk ?? true;
    this.#architecture = props.architecture;
  }

  /** Builds the bundle into `outputDir`; always returns true (there is no Docker fallback). */
  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    const report = bundleInferenceRuntime({
      entry: this.#entryPath,
      outputDir,
      architecture: this.#architecture,
      manifest: this.manifest,
      projectRoot: this.#projectRoot,
      bundleAwsSdk: this.bundleAwsSdk,
    });
    reports.set(this.key, report);
    return true;
  }

  /** The measured bundle, once CDK has bundled it in this process; `undefined` when bundling was skipped. */
  public get report(): BundleReport | undefined {
    return reports.get(this.key);
  }

  private get key(): string {
    return JSON.stringify([this.#entryPath, this.architecture, this.manifest, this.#projectRoot, this.bundleAwsSdk]);
  }
}