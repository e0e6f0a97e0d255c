/**
 * `npm run bench:modules [-- entry...]`: what each module costs at start-up (require time), for the Lambda handler and
 * for `modelstack serve`. The repository's TypeScript is transpiled file by file with esbuild (no bundling, so each
 * module stays a module) into a temp dir; a fresh `node` requires the entry with `Module._load` wrapped to time every
 * require. Reports, per package (or repository directory), the time spent in its own module bodies (children
 * excluded), and the entry's total. Medians of several runs, each in a fresh process.
 *
 * The bundle loads the same modules; it saves the file look-ups and adds one parse of the whole file, so read the
 * shares, not the milliseconds.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSync } from 'esbuild';
import { entryBuildOptions } from '../lib/bundling/esbuild-entry';
import { REPO_ROOT } from './fixtures';
import { median } from './stats';

/** An entry to require, and the environment variables it starts with. */
interface Entry {
  readonly path: string;
  readonly env?: Readonly<Record<string, string>>;
}

const SHA256 = '0'.repeat(64);

/** Entries measured by default: what the first request of each host needs loaded. */
const DEFAULT_ENTRIES: Readonly<Record<string, Entry>> = {
  // The configuration the stack gives the function (it is read at import); without AWS_LAMBDA_RUNTIME_API the
  // handler does not start loading the model, so only the modules' own cost is measured.
  'Lambda handler (the configuration the stack gives it)': {
    path: 'lambda/hosts/lambda-handler.ts',
    env: { MODEL_BUCKET: 'modelstack-models', MODEL_KEY: `model/${SHA256}.onnx`, MODEL_SHA256: SHA256, MAX_BATCH_SIZE: '1000', MAX_PAYLOAD_BYTES: '6291456', LOG_PAYLOADS: 'false', POWERTOOLS_METRICS_NAMESPACE: 'modelstack' },
  },
  'modelstack serve (CLI + serve command + local server)': { path: 'bin/commands/serve.ts' },
  'CLI entry (modelstack.ts, no command loaded)': { path: 'bin/modelstack.ts' },
};
const RUNS = 5;

/** Wraps Module._load in the child and prints, at exit, `{ key: selfMs }` and the total as JSON. */
const HOOK = `
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const load = Module._load;
const self = new Map();
const stack = [];
function keyOf(request, parent) {
  let path;
  try { path = Module._resolveFilename(request, parent); } catch { return request; }
  if (!path.includes('/')) return 'node:' + path;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = path.slice(nm + 14).split('/');
    return rest[0].startsWith('@') ? rest[0] + '/' + rest[1] : rest[0];
  }
  const parts = path.slice(process.env.MODULE_COSTS_ROOT.length + 1).split('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') + '/' : parts.join('/');
}
Module._load = function (request, parent, isMain) {
  if (request.startsWith('node:') || Module.isBuiltin(request)) return load.apply(this, arguments);
  const key = keyOf(request, parent);
  const frame = { key, children: 0 };
  stack.push(frame);
  const started = performance.now();
  try { return load.apply(this, arguments); }
  finally {
    const took = performance.now() - started;
    stack.pop();
    self.set(key, (self.get(key) || 0) + took - frame.children);
    if (stack.length > 0) stack[stack.length - 1].children += took;
  }
};
process.on('exit', () => {
  process.stdout.write(JSON.stringify({ total: performance.now(), self: Object.fromEntries(self) }) + '\\n');
});
`;

interface Run {
  readonly total: number;
  readonly self: Readonly<Record<string, number>>;
}

function measure(outDir: string, { path: entry, env = {} }: Entry): Run[] {
  const hook = join(outDir, 'module-costs-hook.js');
  writeFileSync(hook, HOOK);
  const target = join(outDir, entry.replace(/\.ts$/, '.js'));
  const runs: Run[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const result = spawnSync(process.execPath, ['-r', hook, '-e', `require(${JSON.stringify(target)})`], {
      env: { ...env, PATH: process.env.PATH ?? '', MODULE_COSTS_ROOT: outDir, NODE_PATH: join(REPO_ROOT, 'node_modules') },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`requiring ${entry} failed: ${result.stderr}`);
    // The first run warms the OS file cache and is discarded.
    if (i > 0) runs.push(JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as Run);
  }
  return runs;
}

function table(name: string, runs: readonly Run[]): string {
  const keys = new Set(runs.flatMap((run) => Object.keys(run.self)));
  const rows = [...keys]
    .map((key) => ({ key, ms: median(runs.map((run) => run.self[key] ?? 0)) }))
    .filter((row) => row.ms >= 0.5)
    .sort((a, b) => b.ms - a.ms);
  const total = median(runs.map((run) => run.total));
  const lines = [`### ${name}`, '', `process start to entry loaded: ${total.toFixed(1)} ms (median of ${runs.length})`, ''];
  lines.push('| module (package or directory) | own require time, ms |', '| :-- | --: |');
  for (const row of rows) lines.push(`| ${row.key} | ${row.ms.toFixed(1)} |`);
  return lines.join('\n');
}

/**
 * What the Lambda function's cold start parses: the handler's `index.js` as the stack builds it (the same esbuild
 * options), in bytes per package. Unbundled require times overstate packages esbuild trims (zod/mini loads all of
 * zod's core as CommonJS files, of which the bundle keeps a tenth).
 */
function bundleTable(): string {
  const entry = join(REPO_ROOT, 'lambda', 'hosts', 'lambda-handler.ts');
  const result = buildSync({ ...entryBuildOptions(entry, REPO_ROOT, true), write: false, metafile: true, sourcemap: false });
  const output = Object.values(result.metafile.outputs)[0];
  const bytes = new Map<string, number>();
  for (const [file, input] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? `${file.split('/').slice(0, 2).join('/')}/`;
    bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
  }
  const lines = ['### Lambda handler bundle (index.js, as the stack builds it)', '', `index.js: ${(output.bytes / 1024).toFixed(0)} KiB minified`, ''];
  lines.push('| module (package or directory) | KiB in index.js |', '| :-- | --: |');
  for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).filter(([, size]) => size >= 512)) lines.push(`| ${name} | ${(size / 1024).toFixed(1)} |`);
  return lines.join('\n');
}

function main(): void {
  const args = process.argv.slice(2);
  const entries: Readonly<Record<string, Entry>> = args.length > 0 ? Object.fromEntries(args.map((entry) => [entry, { path: entry }])) : DEFAULT_ENTRIES;
  const outDir = mkdtempSync(join(tmpdir(), 'modelstack-module-costs-'));
  try {
    const sources = spawnSync('git', ['ls-files', 'lambda', 'bin', 'config', 'lib', 'bench'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .stdout.split('\n')
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));
    buildSync({
      entryPoints: sources.map((file) => join(REPO_ROOT, file)),
      outbase: REPO_ROOT,
      outdir: outDir,
      bundle: false,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      logLevel: 'silent',
    });
    // JSON files required by the sources (price tables, schemas) resolve from the repository.
    spawnSync('sh', ['-c', `cd ${JSON.stringify(REPO_ROOT)} && git ls-files '*.json' | grep -v '^test/' | cpio -pdm ${JSON.stringify(outDir)} 2>/dev/null`]);
    process.stdout.write(`module costs at start-up (node ${process.versions.node}; ${relative(REPO_ROOT, outDir) === '' ? '' : 'transpiled, unbundled'})\n\n`);
    for (const [name, entry] of Object.entries(entries)) process.stdout.write(`${table(name, measure(outDir, entry))}\n\n`);
    if (args.length === 0) process.stdout.write(`${bundleTable()}\n`);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

main();
