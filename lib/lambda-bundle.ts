/**
 * Local (Docker-free) bundling of the inference Lambda: esbuild for the handler, a pruned copy of
 * onnxruntime-node for one Linux architecture, the model manifest, and a size check against Lambda's limits.
 *
 * Used by `LambdaInference` through `lambda.Code.fromAsset(dir, { bundling: { local: new OnnxRuntimeBundling(...) } })`;
 * {@link bundleInferenceRuntime} is the same step as a plain function, for tests and tools.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import type { Manifest } from '../lambda/core/manifest';
import { MANIFEST_FILE_NAME } from '../lambda/core/runtime-config';

/**
 * Largest deployment package Lambda accepts once unzipped (code and layers together): 250 MB = 262,144,000 bytes.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html ("Deployment package (.zip file archive) size")
 */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000;

/**
 * Largest zipped deployment package Lambda accepts when uploaded directly: 50 MB = 52,428,800 bytes (same page).
 * CDK uploads the zip to S3, where Lambda takes larger archives as long as they unzip within
 * {@link LAMBDA_UNZIPPED_LIMIT_BYTES}; the project still keeps the bundle under 50 MB so it can be uploaded by
 * any tool (console, `aws lambda update-function-code --zip-file`) in an incident.
 */
export const LAMBDA_ZIPPED_LIMIT_BYTES = 52_428_800;

/** The bundle's entry file, written by esbuild. Lambda handler string: `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.js';

/** Per-file overhead of a zip archive without extra fields: local header (30) + central directory entry (46). */
const ZIP_FILE_OVERHEAD_BYTES = 30 + 46;
/** End of central directory record. */
const ZIP_END_RECORD_BYTES = 22;
/** How many of the largest files a size report lists. */
const LARGEST_FILES_REPORTED = 5;

/** Options of {@link bundleInferenceRuntime}. */
export interface InferenceBundleOptions {
  /** Absolute path of the handler's TypeScript entry (must export `handler`). */
  readonly entry: string;
  /** Directory to write the bundle into (must exist; usually empty). */
  readonly outputDir: string;
  /** Lambda architecture the native onnxruntime binaries are picked for. */
  readonly architecture: Architecture;
  /** The validated model manifest, written to the bundle as `model.json`. */
  readonly manifest: Manifest;
  /**
   * Directory packages are resolved from (`onnxruntime-node`, the handler's imports).
   * @default - the project root (the parent of this file's directory)
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

/** One file of the bundle and its size. */
export interface BundleFileSize {
  /** Path relative to the bundle root, with `/` separators. */
  readonly path: string;
  /** Size on disk (unzipped), in bytes. */
  readonly bytes: number;
  /** Size once deflated (level 6, as zip tools do), in bytes. */
  readonly deflatedBytes: number;
}

/** Measured size of a bundle. */
export interface BundleReport {
  /** Total of the files' sizes, unzipped, in bytes (compare to {@link LAMBDA_UNZIPPED_LIMIT_BYTES}). */
  readonly unzippedBytes: number;
  /** Estimated zip size: every file deflated plus zip headers, in bytes (compare to {@link LAMBDA_ZIPPED_LIMIT_BYTES}). */
  readonly zippedBytes: number;
  /** Number of files in the bundle. */
  readonly fileCount: number;
  /** The largest files, largest first. */
  readonly largestFiles: readonly BundleFileSize[];
  /** Lambda architecture the bundle was built for (`x86_64` or `arm64`). */
  readonly architecture: string;
}

/** Raised when a bundle cannot be built or is over a Lambda limit. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** The project root: `lib/..`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** onnxruntime-node names its binary folders after `process.arch`; Lambda names architectures differently. */
function onnxRuntimeArch(architecture: Architecture): 'x64' | 'arm64' {
  switch (architecture.name) {
    case Architecture.X86_64.name:
      return 'x64';
    case Architecture.ARM_64.name:
      return 'arm64';
    default:
      throw new BundleError(
        `architecture must be x86_64 or arm64 (onnxruntime-node ships Linux binaries for those only), got '${architecture.name}'`,
      );
  }
}

/**
 * Builds the Lambda bundle into `outputDir`:
 *
 * - `index.js` (+ `index.js.map`): the handler bundled by esbuild (node24, CommonJS, minified, source map in a
 *   separate file linked from `index.js`, without sources content), `onnxruntime-node` left external;
 * - `node_modules/onnxruntime-node/`: `package.json`, `dist/*.js` and `bin/napi-v6/linux/<arch>/*` only
 *   (the package holds binaries for every OS, ~290 MB, more than Lambda's 250 MB);
 * - `node_modules/onnxruntime-common/`: `package.json`, `dist/cjs/*.js` and `dist/cjs/package.json`;
 * - `model.json`: the manifest.
 *
 * Deterministic: the same inputs give byte-identical files, so the asset hash only changes with the code.
 *
 * @returns the measured sizes
 * @throws BundleError when esbuild fails or the bundle is over a Lambda size limit
 */
export function bundleInferenceRuntime(options: InferenceBundleOptions): BundleReport {
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const arch = onnxRuntimeArch(options.architecture);
  const outputDir = path.resolve(options.outputDir);

  buildHandler(options.entry, outputDir, projectRoot, options.bundleAwsSdk ?? true);
  copyOnnxRuntime(outputDir, projectRoot, arch);
  fs.writeFileSync(path.join(outputDir, MANIFEST_FILE_NAME), `${JSON.stringify(options.manifest, null, 2)}\n`);

  const report = measureBundle(outputDir, options.architecture.name);
  assertWithinLambdaLimits(report);
  return report;
}

function buildHandler(entry: string, outputDir: string, projectRoot: string, bundleAwsSdk: boolean): void {
  if (!fs.existsSync(entry)) {
    throw new BundleError(`entry '${entry}' does not exist: it must be the handler's TypeScript file exporting 'handler'`);
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
      // The handler's imports resolve from the project even when the entry lives elsewhere (tests).
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

/** Directory of an installed package, resolved the way Node.js would from `projectRoot`. */
function packageDir(name: string, projectRoot: string): string {
  try {
    return path.dirname(require.resolve(`${name}/package.json`, { paths: [projectRoot] }));
  } catch {
    // onnxruntime-common's `exports` map hides package.json; fall back to its main entry.
    const main = require.resolve(name, { paths: [projectRoot] });
    let dir = path.dirname(main);
    while (!fs.existsSync(path.join(dir, 'package.json')) || readPackageName(dir) !== name) {
      const parent = path.dirname(dir);
      if (parent === dir) throw new BundleError(`cannot find the package.json of '${name}' above '${main}'`);
      dir = parent;
    }
    return dir;
  }
}

function readPackageName(dir: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/**
 * Copies what `onnxruntime-node` loads at run time on Linux `arch`: `dist/binding.js` requires
 * `../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`, which loads
 * `libonnxruntime.so.1` from its own directory (RUNPATH `$ORIGIN/`); the JS requires `onnxruntime-common`.
 */
function copyOnnxRuntime(outputDir: string, projectRoot: string, arch: 'x64' | 'arm64'): void {
  let ortDir: string;
  let commonDir: string;
  try {
    ortDir = packageDir('onnxruntime-node', projectRoot);
    commonDir = packageDir('onnxruntime-common', ortDir);
  } catch (error) {
    throw new BundleError(`onnxruntime-node is not installed under '${projectRoot}' (run npm ci): ${(error as Error).message}`);
  }
  const isJs = (file: string) => file.endsWith('.js');

  const ortOut = path.join(outputDir, 'node_modules', 'onnxruntime-node');
  copyFile(path.join(ortDir, 'package.json'), path.join(ortOut, 'package.json'));
  copyTree(path.join(ortDir, 'dist'), path.join(ortOut, 'dist'), isJs);
  const binaries = path.join('bin', 'napi-v6', 'linux', arch);
  if (!fs.existsSync(path.join(ortDir, binaries, 'onnxruntime_binding.node'))) {
    throw new BundleError(`onnxruntime-node has no Linux ${arch} binary at '${path.join(ortDir, binaries)}'`);
  }
  copyTree(path.join(ortDir, binaries), path.join(ortOut, binaries), () => true);

  const commonOut = path.join(outputDir, 'node_modules', 'onnxruntime-common');
  copyFile(path.join(commonDir, 'package.json'), path.join(commonOut, 'package.json'));
  const cjs = path.join('dist', 'cjs');
  copyTree(path.join(commonDir, cjs), path.join(commonOut, cjs), (file) => isJs(file) || file === 'package.json');
}

function copyFile(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** Copies the files of `from` (recursively, sorted) whose base name passes `keep`. */
function copyTree(from: string, to: string, keep: (baseName: string) => boolean): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      copyTree(source, path.join(to, entry.name), keep);
    } else if (entry.isFile() && keep(entry.name)) {
      copyFile(source, path.join(to, entry.name));
    }
  }
}

/** Lists the files under `dir` (relative, `/`-separated, sorted). */
export function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(dir, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/**
 * Measures a bundle directory: unzipped bytes, and the zip size estimated by deflating every file at level 6
 * (what zip tools and CDK's asset packaging use) plus the zip headers.
 */
export function measureBundle(dir: string, architecture: string): BundleReport {
  const sizes: BundleFileSize[] = listFiles(dir).map((file) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    const deflated = zlib.deflateRawSync(bytes, { level: 6 }).byteLength;
    // Zip stores a file instead of deflating it when deflating does not help.
    return { path: file, bytes: bytes.byteLength, deflatedBytes: Math.min(deflated, bytes.byteLength) };
  });
  const unzippedBytes = sizes.reduce((sum, f) => sum + f.bytes, 0);
  const zippedBytes =
    sizes.reduce((sum, f) => sum + f.deflatedBytes + ZIP_FILE_OVERHEAD_BYTES + 2 * Buffer.byteLength(f.path), 0) +
    ZIP_END_RECORD_BYTES;
  const largestFiles = [...sizes].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)).slice(0, LARGEST_FILES_REPORTED);
  return { unzippedBytes, zippedBytes, fileCount: sizes.length, largestFiles, architecture };
}

/** Formats bytes as MB (10^6) with two decimals and the exact count. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(2)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}

/** Throws a {@link BundleError} naming the measured size, the limit and the largest files when over a limit. */
export function assertWithinLambdaLimits(report: BundleReport): void {
  const problems: string[] = [];
  if (report.unzippedBytes > LAMBDA_UNZIPPED_LIMIT_BYTES) {
    problems.push(`unzipped size ${formatBytes(report.unzippedBytes)} is over Lambda's limit of ${formatBytes(LAMBDA_UNZIPPED_LIMIT_BYTES)}`);
  }
  if (report.zippedBytes > LAMBDA_ZIPPED_LIMIT_BYTES) {
    problems.push(`zipped size ${formatBytes(report.zippedBytes)} is over Lambda's limit of ${formatBytes(LAMBDA_ZIPPED_LIMIT_BYTES)}`);
  }
  if (problems.length > 0) {
    const largest = report.largestFiles.map((f) => `    ${f.path}: ${formatBytes(f.bytes)}`).join('\n');
    throw new BundleError(
      `The Lambda bundle (${report.architecture}) is too large:\n${problems.map((p) => `  - ${p}`).join('\n')}\n  Largest files:\n${largest}`,
    );
  }
}

/** Options of {@link OnnxRuntimeBundling}. */
export interface OnnxRuntimeBundlingProps {
  /** Absolute path of the handler's TypeScript entry. */
  readonly entry: string;
  /** Lambda architecture of the function. */
  readonly architecture: Architecture;
  /** The validated model manifest, written to the bundle as `model.json`. */
  readonly manifest: Manifest;
  /**
   * Directory packages are resolved from.
   * @default - the project root
   */
  readonly projectRoot?: string;
  /**
   * Bundle the AWS SDK v3 into `index.js`.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

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
