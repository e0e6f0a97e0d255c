/**
 * The inference runtime as a deployable folder, for any target: the entry bundled by esbuild, onnxruntime-node
 * pruned to the target's OS and architecture, and the model manifest; measured and checked against the target's
 * size limits. The Lambda function (`lambda-bundling.ts`) and the SageMaker container image both build on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifest, type Manifest } from '../../lambda/core/manifest';
import { MANIFEST_STAMP_SUFFIX, manifestStamp } from '../../lambda/core/manifest-file';
import { MANIFEST_FILE_NAME } from '../../lambda/core/runtime-config';
import { assertWithinLimits, measureBundle, type BundleReport, type BundleSizeLimits } from './bundle-size';
import { BUNDLE_ENTRY_FILE, bundleEntry } from './esbuild-entry';
import { copyOnnxRuntime, type OnnxRuntimePlatform } from './onnxruntime-files';
import { findPrebuiltBundle, PROJECT_ROOT } from './prebuilt-bundle';

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
  else copyPrebuilt(prebuilt, outputDir);
  copyOnnxRuntime(outputDir, projectRoot, options.target);
  // Validated again here, so the stamp below vouches for a manifest the schema accepted, however it was built.
  const manifestText = `${JSON.stringify(parseManifest(options.manifest), null, 2)}\n`;
  fs.writeFileSync(path.join(outputDir, MANIFEST_FILE_NAME), manifestText);
  // The manifest was validated (it is a Manifest): the stamp lets the runtime skip validating it again at cold start.
  fs.writeFileSync(path.join(outputDir, `${MANIFEST_FILE_NAME}${MANIFEST_STAMP_SUFFIX}`), `${manifestStamp(manifestText)}\n`);
  const report = measureBundle(outputDir, options.target.architecture);
  assertWithinLimits(report, options.target.limits ?? {}, options.target.name);
  return report;
}

/** Copies a prebuilt host (`index.js` and its source map) into `outputDir`. */
function copyPrebuilt(prebuilt: string, outputDir: string): void {
  for (const file of [BUNDLE_ENTRY_FILE, `${BUNDLE_ENTRY_FILE}.map`]) {
    fs.copyFileSync(path.join(prebuilt, file), path.join(outputDir, file));
  }
}
