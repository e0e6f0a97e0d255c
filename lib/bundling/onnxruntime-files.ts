/**
 * Copies what onnxruntime-node loads at run time, for one OS and architecture only: the npm package holds every
 * platform's binaries (~290 MB), more than Lambda accepts and far more than a container needs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from './bundle-error';

/** An onnxruntime-node binary folder: `bin/napi-v6/<os>/<arch>`. */
export interface OnnxRuntimePlatform {
  /** `process.platform` of the target. */
  readonly os: 'linux';
  /** `process.arch` of the target. */
  readonly arch: 'x64' | 'arm64';
}

/**
 * The property of the packed onnxruntime-node (`esbuild-entry.ts`) that holds its binding module, which its
 * `dist/binding.js` re-exports.
 */
export const ONNXRUNTIME_BINDING_EXPORT = '__modelstackBinding';

/** Directory of an installed package, resolved the way Node.js would from `projectRoot`. */
export function packageDir(name: string, projectRoot: string): string {
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
 * Copies what `onnxruntime-node` loads at run time on `os`/`arch`: `dist/binding.js` requires
 * `../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`, which loads
 * `libonnxruntime.so.1` from its own directory (RUNPATH `$ORIGIN/`); the JS requires `onnxruntime-common`.
 * When the bundle already holds the package's JavaScript packed into one file (`esbuild-entry.ts`), only the
 * binaries and package.json are added.
 */
export function copyOnnxRuntime(outputDir: string, projectRoot: string, platform: OnnxRuntimePlatform): void {
  const { os, arch } = platform;
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
  const packed = fs.existsSync(path.join(ortOut, 'dist', 'index.js'));
  copyFile(path.join(ortDir, 'package.json'), path.join(ortOut, 'package.json'));
  if (!packed) copyTree(path.join(ortDir, 'dist'), path.join(ortOut, 'dist'), isJs);
  const binaries = path.join('bin', 'napi-v6', os, arch);
  if (!fs.existsSync(path.join(ortDir, binaries, 'onnxruntime_binding.node'))) {
    throw new BundleError(`onnxruntime-node has no ${os} ${arch} binary at '${path.join(ortDir, binaries)}'`);
  }
  copyTree(path.join(ortDir, binaries), path.join(ortOut, binaries), () => true);
  if (packed) return;

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

