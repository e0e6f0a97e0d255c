/**
 * The inference runtime as a deployable folder, for any target: the entry bundled by esbuild, onnxruntime-node
 * pruned to the target's OS and architecture, and the model manifest; measured and checked against the target's
 * size limits. The Lambda function (`lambda-bundling.ts`) and the SageMaker container image both build on it.
 */
import * as path from 'node:path';
import type { Manifest } from '../../lambda/core/manifest';
import { assertWithinLimits, measureBundle, type BundleReport, type BundleSizeLimits } from './bundle-size';
import { bundleEntry } from './esbuild-entry';
import { copyOnnxRuntime, type OnnxRuntimePlatform } from './onnxruntime-files';
import { copyPrebuiltBundle, findPrebuiltBundle, PROJECT_ROOT } from './prebuilt-bundle';
import { writeStampedManifest } from './stamped-manifest';

export { BUNDLE_ENTRY_FILE } from './esbuild-entry';
export { PROJECT_ROOT } from './prebuilt-bundle';

/** Where a bundle will run. */
export interface BundleTarget extends OnnxRuntimePlatform {
  /** What the target is, for messages (`Lambda`, `container`). */
  readonly name: string;
  /** The architecture as the target names it (`x86_64`, `arm64`), for reports. */
  readonly architecture: string;
  /** Size limits of the target. @default - none */
  readonly limits?: BundleSizeLimits;
}

/** Options of {@link bundleRuntime}. */
export interface RuntimeBundleOptions {
  /** Absolute path of the host's TypeScript entry. */
  readonly entry: string;
  /** Directory to write the bundle into (must exist; usually empty). */
  readonly outputDir: string;
  /** Where the bundle will run. */
  readonly target: BundleTarget;
  /** The validated model manifest, written to the bundle as `model.json`. */
  readonly manifest: Manifest;
  /**
   * Directory packages are resolved from (`onnxruntime-node`, the entry's imports).
   * @default - the project root
   */
  readonly projectRoot?: string;
  /**
   * Bundle the AWS SDK for JavaScript v3 into `index.js` instead of using the copy in the Node.js runtime.
   * Bundling pins the version that was tested, keeps cold starts independent of runtime updates and
   * loads one minified file instead of hundreds of runtime modules.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

/**
 * Builds the runtime into `outputDir`:
 *
 * - `index.js` (+ `index.js.map`): the entry bundled by esbuild (prebuilt in the package for its own hosts) (node24, CommonJS, minified, source map in a
 *   separate file linked from `index.js`, without sources content), `onnxruntime-node` left external;
 * - `node_modules/@aws-sdk/client-s3/`, `node_modules/onnx-proto/`: each bundled into one `index.js` apart from
 *   `index.js`, loaded only when needed (`SEPARATE_PACKAGES`; the client only with the AWS SDK bundled);
 * - `node_modules/onnxruntime-node/`: `package.json`, `dist/*.js` and `bin/napi-v6/<os>/<arch>/*` only;
 * - `node_modules/onnxruntime-common/`: `package.json`, `dist/cjs/*.js` and `dist/cjs/package.json`;
 * - `model.json`: the manifest, and `model.json.sha256`: its stamp (validated at synth; `manifest-file.ts`).
 *
 * Deterministic: the same inputs give byte-identical files, so the asset hash only changes with the code.
 *
 * @returns the measured sizes
 * @throws BundleError when esbuild fails or the bundle is over the target's size limits
 */
export function bundleRuntime(options: RuntimeBundleOptions): BundleReport {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const outputDir = path.resolve(options.outputDir);
  const bundleAwsSdk = options.bundleAwsSdk ?? true;
  const prebuilt = findPrebuiltBundle(options.entry, bundleAwsSdk, projectRoot);
  if (prebuilt === undefined) bundleEntry(options.entry, outputDir, projectRoot, bundleAwsSdk);
  else copyPrebuiltBundle(prebuilt, outputDir);
  copyOnnxRuntime(outputDir, projectRoot, options.target);
  writeStampedManifest(outputDir, options.manifest);
  const report = measureBundle(outputDir, options.target.architecture);
  assertWithinLimits(report, options.target.limits ?? {}, options.target.name);
  return report;
}

