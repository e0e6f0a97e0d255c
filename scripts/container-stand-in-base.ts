/**
 * `npm run container:stand-in-base [-- --tag <name>]`: makes a base image for the container rehearsal without a
 * registry. It copies this machine's `node` binary and the shared libraries it and onnxruntime-node's native
 * binding load (found with `ldd`) into an empty root file system, adds `/tmp` and a `node` user (uid 1000), and
 * `docker import`s it. The result is much smaller than `node:24-slim` and has no shell: it stands in for the pinned
 * base where no registry is reachable, and is never what `cdk deploy` builds from.
 *
 * Linux only (ldd); the Node.js version is this machine's (`node --version`), which the report of the rehearsal
 * names.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../lib/bundling/runtime-bundle';

/** The tag given to the imported image unless `--tag` says otherwise. */
export const DEFAULT_STAND_IN_TAG = `modelstack-stand-in-base:node${process.versions.node}`;

/** The native files whose shared libraries the image needs: Node.js itself and onnxruntime-node's linux/x64 build. */
function nativeFiles(projectRoot: string): string[] {
  const ort = join(projectRoot, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
  return [process.execPath, join(ort, 'onnxruntime_binding.node'), join(ort, 'libonnxruntime.so.1')];
}

/** The absolute paths `ldd` lists for `file`: `libx.so => /path (0x...)` and the loader `/lib64/ld-linux... (0x...)`. */
export function librariesOf(lddOutput: string): string[] {
  const paths: string[] = [];
  for (const line of lddOutput.split('\n')) {
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(0x/.exec(line);
    if (match !== null) paths.push(match[1]);
  }
  return paths;
}

/** Copies `path` (following symbolic links) to the same path under `root`. */
function copyInto(root: string, path: string): void {
  const target = join(root, path);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(realpathSync(path), target);
  chmodSync(target, 0o755);
}

/** Writes the root file system: node at /usr/local/bin/node, its libraries where ldd found them, /tmp, a user. */
export function writeRootFs(root: string, projectRoot: string = PROJECT_ROOT): void {
  const files = nativeFiles(projectRoot);
  const libraries = new Set(files.flatMap((file) => librariesOf(execFileSync('ldd', [file], { encoding: 'utf8' }))));
  for (const library of libraries) copyInto(root, library);
  mkdirSync(join(root, 'usr', 'local', 'bin'), { recursive: true });
  copyFileSync(process.execPath, join(root, 'usr', 'local', 'bin', 'node'));
  chmodSync(join(root, 'usr', 'local', 'bin', 'node'), 0o755);
  mkdirSync(join(root, 'tmp'));
  chmodSync(join(root, 'tmp'), 0o1777);
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc', 'passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000::/home/node:/sbin/nologin\n');
  writeFileSync(join(root, 'etc', 'group'), 'root:x:0:\nnode:x:1000:\n');
}

/** Builds the root file system in a temporary folder and imports it as `tag`; returns the image id. */
export function makeStandInBase(tag: string, docker = 'docker'): string {
  const root = mkdtempSync(join(tmpdir(), 'modelstack-stand-in-'));
  try {
    writeRootFs(root);
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 1 << 30 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
    const imported = spawnSync(docker, ['import', '--change', 'ENV PATH=/usr/local/bin:/usr/bin:/bin', '-', tag], { input: tar.stdout, maxBuffer: 1 << 20 });
    if (imported.status !== 0) throw new Error(`docker import failed: ${imported.stderr.toString()}`);
    return imported.stdout.toString().trim();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { tag: { type: 'string', default: DEFAULT_STAND_IN_TAG }, docker: { type: 'string', default: 'docker' } } });
  const id = makeStandInBase(values.tag, values.docker);
  console.log(`stand-in base ${values.tag} (${id}): node ${process.version} from ${process.execPath} and the libraries ldd lists; rehearse with:`);
  console.log(`  npm run rehearse:container -- --base ${values.tag}`);
}
