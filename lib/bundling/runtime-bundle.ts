/**
 * The inference runtime as a deployable folder, for any target: the entry bundled by esbuild, onnxruntime-node
 * pruned to the target's OS and architecture, and the model manifest; measured and checked against the target's
 * size limits. The Lambda function (`lambda-bundling.ts`) and the SageMaker container image both build on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import type { Manifest } from '../../lambda/core/manifest';
import { MANIFEST_FILE_NAME } from '../../lambda/core/runtime-config';
import { BundleError } from './bundle-error';
import { assertWithinLimits, measureBundle, type BundleReport, type BundleSizeLimits } from './bundle-size';
import { copyOnnxRuntime, type OnnxRuntimePlatform } from './onnxruntime-files';

/** The project root: `lib/bundling/../..`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The bundle's entry file, written by esbuild. Lambda handler string: `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.js';

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
 * - `index.js` (+ `index.js.map`): the entry bundled by esbuild (node24, CommonJS, minified, source map in a
 *   separate file linked from `index.js`, without sources content), `onnxruntime-node` left external;
 * - `node_modules/onnxruntime-node/`: `package.json`, `dist/*.js` and `bin/napi-v6/<os>/<arch>/*` only;
 * - `node_modules/onnxruntime-common/`: `package.json`, `dist/cjs/*.js` and `dist/cjs/package.json`;
 * - `model.json`: the manifest.
 *
 * Deterministic: the same inputs give byte-identical files, so the asset hash only changes with the code.
 *
 * @returns the measured sizes
 * @throws BundleError when esbuild fails or the bundle is over the target's size limits
 */
export function bundleRuntime(options: RuntimeBundleOptions): BundleReport {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const outputDir = path.resolve(options.outputDir);
  buildEntry(options.entry, outputDir, projectRoot, options.bundleAwsSdk ?? true);
  copyOnnxRuntime(outputDir, projectRoot, options.target);
  fs.writeFileSync(path.join(outputDir, MANIFEST_FILE_NAME), `${JSON.stringify(options.manifest, null, 2)}\n`);
  const report = measureBundle(outputDir, options.target.architecture);
  assertWithinLimits(report, options.target.limits ?? {}, options.target.name);
  return report;
}

function buildEntry(entry: string, outputDir: string, projectRoot: string, bundleAwsSdk: boolean): void {
  if (!fs.existsSync(entry)) {
    throw new BundleError(`entry '${entry}' does not exist: it must be the host's TypeScript entry file`);
  }
  let result;
  try {
    result = buildSync({
      entryPoints: [entry],
      // Paths in the output (source map `sources`) are made relative to a fixed virtual location in the
      // project, not to the real (temporary) output directory, so the bundle does not depend on where it is built.
      absWorkingDir: projectRoot,
      outfile: path.join(projectRoot, BUNDLE_ENTRY_FILE),
      write: false,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      minify: true,
      // A separate index.js.map plus the sourceMappingURL comment that --enable-source-maps follows.
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      // The entry's imports resolve from the project even when the entry lives elsewhere (tests).
      nodePaths: [path.join(projectRoot, 'node_modules')],
      external: ['onnxruntime-node', ...(bundleAwsSdk ? [] : ['@aws-sdk/*', '@smithy/*'])],
      logLevel: 'silent',
    });
  } catch (error) {
    throw new BundleError(`esbuild could not bundle '${entry}': ${(error as Error).message}`);
  }
  for (const file of result.outputFiles) {
    fs.writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
  }
}
