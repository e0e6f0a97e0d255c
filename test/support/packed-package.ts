/**
 * The package as a user gets it: `npm pack` (which builds it), the tarball unpacked as `node_modules/modelstack`
 * of a folder outside the repository, and every other package linked from this repository's `node_modules`
 * instead of fetched again (the same versions a user's `npm install` resolves, without the network).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from './app';

/** The environment a user's shell has on a machine without AWS credentials or network. */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DISABLE_CLI_TELEMETRY: '1',
    CDK_DISABLE_VERSION_CHECK: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'NODE_OPTIONS']) {
    delete env[key];
  }
  return env;
}

/** Runs `command` in `cwd`, offline and without credentials; throws with the output unless it exits 0. */
export function run(command: string, args: readonly string[], cwd: string): string {
  const result: SpawnSyncReturns<string> = spawnSync(command, args, { cwd, env: offlineEnv(), encoding: 'utf8', timeout: 600_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(result.status ?? result.signal)} in ${cwd}:\n${output}`);
  return output;
}

/** A folder whose `node_modules` holds the packed package and links to everything else. */
export interface PackedInstall {
  /** The temporary folder (remove it when done). */
  readonly root: string;
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
  /** `root/node_modules`. */
  readonly nodeModules: string;
}

/** Packs the package and installs the tarball into a new temporary folder (see the module comment). */
export function packAndInstall(): PackedInstall {
  const root = mkdtempSync(join(tmpdir(), 'modelstack-pack-'));
  const packed = run('npm', ['pack', '--pack-destination', root, '--silent'], PROJECT_ROOT).trim().split('\n').pop() ?? '';
  const tarball = join(root, packed);
  const nodeModules = join(root, 'node_modules');
  const own = join(nodeModules, 'modelstack');
  mkdirSync(own, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', own, '--strip-components=1'], root);
  const repoModules = join(PROJECT_ROOT, 'node_modules');
  for (const entry of readdirSync(repoModules)) {
    if (entry !== 'modelstack' && entry !== '.bin' && !entry.startsWith('.')) symlinkSync(join(repoModules, entry), join(nodeModules, entry));
  }
  // What `npm install` links into .bin: the package's bin, and the tools a CDK project runs.
  const bin = join(nodeModules, '.bin');
  mkdirSync(bin);
  for (const tool of ['cdk', 'tsc', 'tsx']) symlinkSync(join(repoModules, '.bin', tool), join(bin, tool));
  const cli = join(own, 'dist', 'bin', 'modelstack.js');
  chmodSync(cli, 0o755);
  symlinkSync(cli, join(bin, 'modelstack'));
  return { root, tarball, nodeModules };
}
