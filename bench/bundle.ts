/**
 * Bundles benchmark child scripts with esbuild into a temp dir, so children run on plain `node` (no tsx loader,
 * no TypeScript compile at start-up). `onnxruntime-node` stays external (a native addon) and resolves from the
 * repository's node_modules through `NODE_PATH` (see {@link childNodeEnv}).
 */
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { REPO_ROOT } from './fixtures';

export const REPO_NODE_MODULES = join(REPO_ROOT, 'node_modules');

/** Bundles `entries` (name -> path relative to the repo) into `outDir/<name>.js`; returns the output paths. */
export function bundleScripts(entries: Readonly<Record<string, string>>, outDir: string): Record<string, string> {
  const result = buildSync({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, join(REPO_ROOT, entry)])),
    absWorkingDir: REPO_ROOT,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    format: 'cjs',
    external: ['onnxruntime-node'],
    nodePaths: [REPO_NODE_MODULES],
    logLevel: 'silent',
  });
  if (result.errors.length > 0) {
    throw new Error(`esbuild failed: ${result.errors.map((e) => e.text).join('; ')}`);
  }
  return Object.fromEntries(Object.keys(entries).map((name) => [name, join(outDir, `${name}.js`)]));
}

/**
 * The environment of a child: the parent's `PATH`/`HOME`/`TMPDIR` only (no inherited AWS, Powertools or
 * `NODE_OPTIONS` settings), `NODE_PATH` for onnxruntime-node (unless `nodePath: false`), plus `extra`.
 */
export function childNodeEnv(
  extra: Readonly<Record<string, string>> = {},
  options: { readonly nodePath?: boolean } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = options.nodePath === false ? {} : { NODE_PATH: REPO_NODE_MODULES };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
