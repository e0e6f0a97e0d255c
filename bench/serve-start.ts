/**
 * `modelstack serve` start: from process start to the first successful prediction, and the memory it then holds,
 * for the compiled CLI (`dist/bin/modelstack.js`, as `npm run build` makes it and the package runs it; compiled
 * first when older than the sources) with 1 and 2 workers, through `npm start`'s launcher, and through tsx
 * (TypeScript compiled at start) for reference. Compared, interleaved, with a bare Node.js start.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { childNodeEnv, REPO_NODE_MODULES } from './bundle';
import { batchOf, invocationBody, loadExample, REPO_ROOT } from './fixtures';
import { formatMillis, formatNumber, formatRatio, goal, type Goal, type Table } from './format';
import { elapsedMs, nodeVersionOf, spawnTracked, stopChild, waitForExit } from './processes';
import type { BenchmarkReport } from './report';
import { median, ratio } from './stats';

export interface ServeStartOptions {
  readonly quick: boolean;
  /** Node.js binary of the children and the bare baseline. @default process.execPath */
  readonly node?: string;
}

const EXAMPLE = 'breast-cancer';
/** Goal: process start to the first prediction of `modelstack serve` from compiled JavaScript, median, in ms. */
const MAX_SERVE_START_MS = 300;
const CHILD_TIMEOUT_MS = 60_000;

interface Variant {
  readonly name: string;
  readonly command: (cli: string) => readonly string[];
}

const VARIANTS: readonly Variant[] = [
  { name: 'serve, compiled CLI (dist), 1 worker', command: (cli) => [cli, 'serve', `examples/${EXAMPLE}`, '--port', '0', '--workers', '1'] },
  { name: 'serve, compiled CLI (dist), 2 workers', command: (cli) => [cli, 'serve', `examples/${EXAMPLE}`, '--port', '0', '--workers', '2'] },
  {
    name: "npm start's launcher (scripts/compiled-cli.cjs), 1 worker",
    command: () => [join(REPO_ROOT, 'scripts', 'compiled-cli.cjs'), 'serve', `examples/${EXAMPLE}`, '--port', '0', '--workers', '1'],
  },
  {
    name: 'serve through tsx, 1 worker (npm run modelstack)',
    command: () => [join(REPO_NODE_MODULES, 'tsx', 'dist', 'cli.mjs'), 'bin/modelstack.ts', 'serve', `examples/${EXAMPLE}`, '--port', '0', '--workers', '1'],
  },
];

interface StartRun {
  /** spawn -> the "serving ... on" line. */
  readonly listeningMs: number;
  /** spawn -> the first 200 answer to a prediction. */
  readonly firstPredictionMs: number;
  /** Resident memory of the process and its children after the first prediction, MiB. */
  readonly rssMiB: number;
}

/** RSS of `pid` and every descendant, MiB (from `ps`). */
export function treeRssMiB(pid: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of rows) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return rows.filter(([p]) => tree.has(p)).reduce((sum, [, , rss]) => sum + rss, 0) / 1024;
}

async function startOnce(node: string, args: readonly string[], body: string): Promise<StartRun> {
  const child = spawnTracked(node, args, { cwd: REPO_ROOT, env: childNodeEnv({ POWERTOOLS_LOG_LEVEL: 'WARN' }) });
  try {
    const { line, at } = await child.waitForLine((l) => /serving \S+ \S+ on http/.test(l), CHILD_TIMEOUT_MS, 'the serving line');
    const url = /on (http:\/\/\S+)/.exec(line)?.[1] ?? '';
    const response = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await response.text();
    const answered = process.hrtime.bigint();
    if (response.status !== 200) throw new Error(`first prediction answered ${response.status}`);
    const rssMiB = treeRssMiB(child.child.pid ?? 0);
    return { listeningMs: elapsedMs(child.spawnedAt, at), firstPredictionMs: elapsedMs(child.spawnedAt, answered), rssMiB };
  } finally {
    await stopChild(child, 5000);
  }
}

async function bareStart(node: string): Promise<number> {
  const child = spawnTracked(node, ['-e', 'console.log("up")'], { env: childNodeEnv() });
  const { at } = await child.waitForLine((l) => l === 'up', CHILD_TIMEOUT_MS, 'the bare start');
  await waitForExit(child, CHILD_TIMEOUT_MS, 'bare node');
  return elapsedMs(child.spawnedAt, at);
}

/** The compiled CLI, `dist/bin/modelstack.js`, compiled first when missing or older than the sources (as `npm start`). */
export function compiledCli(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS outside the TypeScript project
  return (require(join(REPO_ROOT, 'scripts', 'compiled-cli.cjs')) as { ensureCompiled: () => string }).ensureCompiled();
}

export async function runServeStart(options: ServeStartOptions): Promise<BenchmarkReport> {
  const runs = options.quick ? 3 : 7;
  const node = options.node ?? process.execPath;
  const cli = compiledCli();
  const example = loadExample(EXAMPLE);
  const body = invocationBody(batchOf(example.instances, 1));
  const results = new Map<string, StartRun[]>(VARIANTS.map((v) => [v.name, []]));
  const bare: number[] = [];
  // One discarded round warms the OS file cache; then each round runs every variant, the order rotating.
  for (let round = -1; round < runs; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + Math.max(round, 0)) % VARIANTS.length]);
    const bareMs = await bareStart(node);
    if (round >= 0) bare.push(bareMs);
    for (const variant of order) {
      const run = await startOnce(node, variant.command(cli), body);
      if (round >= 0) results.get(variant.name)?.push(run);
    }
  }
  const bareMedian = median(bare);
  const rows = VARIANTS.map((variant) => {
    const r = results.get(variant.name) ?? [];
    const first = median(r.map((x) => x.firstPredictionMs));
    return [
      variant.name,
      formatMillis(median(r.map((x) => x.listeningMs))),
      formatMillis(first),
      formatRatio(ratio(first, bareMedian)),
      formatNumber(median(r.map((x) => x.rssMiB))),
    ];
  });
  rows.push(['bare node -e (first line)', formatMillis(bareMedian), '-', '1.00x', '-']);
  const table: Table = {
    title: `modelstack serve: process start -> listening -> first prediction (medians of ${runs}, ms) and RSS (MiB, all processes)`,
    columns: ['variant', 'listening', 'first prediction', 'vs bare node', 'RSS MiB'],
    rows,
  };
  const compiled = median((results.get(VARIANTS[0].name) ?? []).map((x) => x.firstPredictionMs));
  const goals: Goal[] = [
    goal('serve-start.first-prediction', `serve from the compiled CLI (dist), 1 worker: first prediction within ${MAX_SERVE_START_MS} ms of process start (median)`, compiled, '<=', MAX_SERVE_START_MS, 'ms'),
  ];
  return {
    name: 'serve-start',
    title: 'modelstack serve start-up',
    description:
      'The compiled CLI (dist/bin/modelstack.js, tsc output as the package ships it) run by plain node, serving examples/breast-cancer on port 0; timed from spawn to the serving line and to the first 200 of a batch-1 POST /invocations; RSS summed over the process and its workers. Through tsx for reference; a bare node start as the baseline.',
    tables: [table],
    goals,
    notes: [`${runs} rounds after 1 discarded warm-up round; variants rotate within each round.`, `Children run on Node.js ${nodeVersionOf(node)} (${node}).`],
    data: { bareMs: bare, runs: Object.fromEntries(results) },
  };
}
