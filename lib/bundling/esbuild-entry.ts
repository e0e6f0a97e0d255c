/**
 * A host's TypeScript entry bundled by esbuild into `index.js` (+ `index.js.map`). The package runs this at build
 * time to prebuild its hosts (`prebuilt-bundle.ts`); at a user's synth it only runs for a custom `entry`, so esbuild
 * is loaded on demand and is not a dependency of the package.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as Esbuild from 'esbuild';
import { BundleError } from './bundle-error';
import { ONNXRUNTIME_BINDING_EXPORT, packageDir } from './onnxruntime-files';

/** The bundle's entry file, written by esbuild. Lambda handler string: `index.handler`. */
export const BUNDLE_ENTRY_FILE = 'index.js';

/**
 * Packages the runtime loads only on a rare path (`require` at first use): the full S3 client (a caller's client, or
 * credentials the environment does not hold) and onnx-proto (a ZipMap output to explain). Each is bundled into a
 * one-file package of its own under the bundle's `node_modules/`, not into `index.js`, which a cold start parses
 * whole: together they were most of its bytes.
 */
export const SEPARATE_PACKAGES = ['@aws-sdk/client-s3', 'onnx-proto'] as const;

/**
 * Modules of the runtime required only on a rare path, by these import paths (matched as written): the
 * configuration's schemas (zod/mini), which the Lambda function loads only to name the problems of a bad
 * configuration (`lambda/core/plain-runtime-config.ts`). Each is bundled, with what it imports, into a file of its
 * own beside `index.js` (`runtime-config.js`), so a cold start does not parse it. The file has its own copies of the
 * modules it imports: its importer must not rely on sharing them (the plain reader re-throws the schemas' error as
 * its own `RuntimeConfigError`).
 */
export const SEPARATE_MODULES = ['./runtime-config'] as const;

function loadEsbuild(entry: string): typeof Esbuild {
  try {
    return createRequire(__filename)('esbuild') as typeof Esbuild;
  } catch {
    throw new BundleError(
      `entry '${entry}' is TypeScript to bundle, which needs esbuild: install it in your project (npm install --save-dev esbuild), or leave entry unset to use modelstack's prebuilt runtime`,
    );
  }
}

/** What every file the runtime ships is built as: one minified CommonJS file for Lambda's Node.js 24. */
const SHIPPED_JS: Esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'silent',
};

/** esbuild's options for a host's `index.js` (also read by `npm run bench:modules`, to weigh what a cold start parses). */
export function entryBuildOptions(entry: string, projectRoot: string, bundleAwsSdk: boolean): Esbuild.BuildOptions {
  return {
    entryPoints: [entry],
    // Paths in the output (source map `sources`) are made relative to a fixed virtual location in the
    // project, not to the real (temporary) output directory.
    absWorkingDir: projectRoot,
    outfile: path.join(projectRoot, BUNDLE_ENTRY_FILE),
    ...SHIPPED_JS,
    // Packages' ES module builds first: esbuild drops what the host does not use (the SDK signer's share of
    // @smithy/core, for one), which CommonJS builds do not allow.
    mainFields: ['module', 'main'],
    // A separate index.js.map plus the sourceMappingURL comment that --enable-source-maps follows.
    sourcemap: 'linked',
    sourcesContent: false,
    // The entry's imports resolve from the project even when the entry lives elsewhere (tests).
    nodePaths: [path.join(projectRoot, 'node_modules')],
    external: ['onnxruntime-node', ...SEPARATE_PACKAGES, ...SEPARATE_MODULES, ...(bundleAwsSdk ? [] : ['@aws-sdk/*', '@smithy/*'])],
  };
}

/**
 * Bundles `entry` into `outputDir`: node24, CommonJS, minified, a separate source map linked from `index.js`
 * without sources content, `onnxruntime-node` left external (and the AWS SDK unless `bundleAwsSdk`). Paths in the
 * output are relative to `projectRoot`, so the bundle does not depend on where it is built.
 */
export function bundleEntry(entry: string, outputDir: string, projectRoot: string, bundleAwsSdk: boolean): void {
  if (!fs.existsSync(entry)) {
    throw new BundleError(`entry '${entry}' does not exist: it must be the host's TypeScript entry file`);
  }
  const esbuild = loadEsbuild(entry);
  let result: Esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = esbuild.buildSync({ ...entryBuildOptions(entry, projectRoot, bundleAwsSdk), write: false, metafile: true });
  } catch (error) {
    throw new BundleError(`esbuild could not bundle '${entry}': ${(error as Error).message}`);
  }
  fs.mkdirSync(outputDir, { recursive: true });
  for (const file of result.outputFiles) {
    fs.writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
  }
  const used = new Set(result.outputFiles.flatMap((file) => SEPARATE_PACKAGES.filter((name) => file.text.includes(`require("${name}")`))));
  for (const name of SEPARATE_PACKAGES) {
    // With the AWS SDK left external, the runtime's own copy of the client is used.
    if (used.has(name) && (bundleAwsSdk || !name.startsWith('@aws-sdk/'))) bundleSeparatePackage(esbuild, name, outputDir, projectRoot);
  }
  // Each module once, however many of the bundle's modules import it.
  const separateModules = new Set<string>();
  for (const [importer, input] of Object.entries(result.metafile.inputs)) {
    for (const { path: importPath } of input.imports) {
      if ((SEPARATE_MODULES as readonly string[]).includes(importPath)) separateModules.add(path.resolve(projectRoot, path.dirname(importer), importPath));
    }
  }
  for (const modulePath of separateModules) bundleSeparateModule(esbuild, modulePath, outputDir, projectRoot, bundleAwsSdk);
  if (result.outputFiles.some((file) => file.text.includes('require("onnxruntime-node'))) packOnnxRuntime(esbuild, outputDir, projectRoot);
}

/** The module at `modulePath` (without its extension) bundled into `outputDir/<name>.js`, where its importer's `require('./<name>')` finds it. */
function bundleSeparateModule(esbuild: typeof Esbuild, modulePath: string, outputDir: string, projectRoot: string, bundleAwsSdk: boolean): void {
  const source = ['.ts', '.js'].map((extension) => `${modulePath}${extension}`).find((file) => fs.existsSync(file));
  if (source === undefined) throw new BundleError(`cannot find the module '${modulePath}' to bundle apart`);
  const outfile = path.join(outputDir, `${path.basename(modulePath)}.js`);
  try {
    const options = entryBuildOptions(source, projectRoot, bundleAwsSdk);
    esbuild.buildSync({ ...options, outfile, sourcemap: false });
  } catch (error) {
    throw new BundleError(`esbuild could not bundle '${source}': ${(error as Error).message}`);
  }
}

/**
 * onnxruntime-node's JavaScript, its own and onnxruntime-common's (two dozen small modules, which Node.js resolves,
 * reads and compiles one by one at every cold start: most of the time `require('onnxruntime-node')` took), packed into
 * one `node_modules/onnxruntime-node/dist/index.js`. The native binding stays a file of its own: the packed file sits
 * where the package's own index.js did, so the binding's relative path (`../bin/napi-v6/<os>/<arch>/...`) still
 * resolves, and `copyOnnxRuntime` adds the binaries and package.json. `dist/binding.js` (which the runtime requires
 * to initialize onnxruntime early) hands out the packed file's binding module, not a second copy of it.
 */
function packOnnxRuntime(esbuild: typeof Esbuild, outputDir: string, projectRoot: string): void {
  const dist = path.join(packageDir('onnxruntime-node', projectRoot), 'dist');
  const out = path.join(outputDir, 'node_modules', 'onnxruntime-node', 'dist');
  const entry =
    `module.exports = require('./index.js');\n` +
    `Object.defineProperty(module.exports, ${JSON.stringify(ONNXRUNTIME_BINDING_EXPORT)}, { value: require('./binding.js') });\n`;
  try {
    esbuild.buildSync({
      stdin: { contents: entry, resolveDir: dist, sourcefile: 'onnxruntime-node.js' },
      absWorkingDir: projectRoot,
      outfile: path.join(out, 'index.js'),
      ...SHIPPED_JS,
      // The binding of each platform the package holds, required at run time by the path the package computes.
      external: ['*.node'],
    });
  } catch (error) {
    throw new BundleError(`esbuild could not pack onnxruntime-node: ${(error as Error).message}`);
  }
  fs.writeFileSync(path.join(out, 'binding.js'), `module.exports = require('./index.js')[${JSON.stringify(ONNXRUNTIME_BINDING_EXPORT)}];\n`);
}

/** `name` bundled into `outputDir/node_modules/<name>/index.js` (with a package.json), where `require(name)` finds it. */
function bundleSeparatePackage(esbuild: typeof Esbuild, name: string, outputDir: string, projectRoot: string): void {
  const dir = path.join(outputDir, 'node_modules', ...name.split('/'));
  try {
    esbuild.buildSync({
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: projectRoot, sourcefile: `${name}.js` },
      absWorkingDir: projectRoot,
      outfile: path.join(dir, 'index.js'),
      ...SHIPPED_JS,
      nodePaths: [path.join(projectRoot, 'node_modules')],
    });
  } catch (error) {
    throw new BundleError(`esbuild could not bundle '${name}': ${(error as Error).message}`);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, private: true, main: 'index.js' }, null, 2)}\n`);
}
