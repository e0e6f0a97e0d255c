/**
 * Local server throughput and latency: `modelstack serve` as users run it (the compiled CLI, `dist/bin/modelstack.js`,
 * one worker, with the serving V8 flags as `npm start` and the container pass them) versus a bare `node:http` server
 * answering the same bytes (an esbuild bundle run by plain `node`), each in its own child process, loaded by autocannon
 * in this process: POST /invocations with a batch-1 JSON body at several concurrencies, rotating which server goes
 * first.
 *
 * A third, diagnostic server (bare `node:http` + one `session.run` per request) splits the gap: bare -> +session.run
 * is what onnxruntime costs per request, +session.run -> modelstack is what the serving code costs. modelstack runs
 * twice: as users run it (dynamic batching on: concurrent requests share `session.run` calls) and with
 * `--no-dynamic-batching` (one run per request, like the diagnostic server). How many requests share a run is read
 * from a separate, unmeasured `modelstack serve` per concurrency (its shutdown log line counts requests and runs).
 */
import autocannon from 'autocannon';
import { SERVING_V8_FLAGS } from '../lambda/hosts/serving-heap';
import { bundleScripts, childNodeEnv } from './bundle';
import { batchOf, invocationBody, loadExample } from './fixtures';
import { formatNumber, formatPercent, formatRatio, goal, type Goal, type Table } from './format';
import { makeTempDir, spawnTracked, stopChild, treeCpuSeconds, type TrackedChild } from './processes';
import type { BenchmarkReport } from './report';
import { compiledCli } from './serve-start';
import { median, percentileOfSorted, ratio, rotate } from './stats';

export interface ThroughputOptions {
  readonly quick: boolean;
}

const EXAMPLE = 'breast-cancer';
const CONCURRENCIES = [1, 8, 32] as const;
/** Goal: modelstack at batch 1 serves at least this share of the bare server's requests per second. */
const MIN_SHARE_OF_BARE = 0.6;
/** Goal: modelstack at batch 1 serves at least this share of the bare server + session.run's requests per second. */
const MIN_SHARE_OF_SESSION_RUN = 0.9;
/** At most this many latencies are kept per run (~40 k req/s for 5 s fits). */
const MAX_LATENCY_SAMPLES = 1_000_000;

const SERVERS = ['bare', 'bare+session.run', 'modelstack', 'modelstack, no batching'] as const;
type ServerName = (typeof SERVERS)[number];

interface Load {
  readonly server: ServerName;
  readonly connections: number;
  readonly seconds: number;
  readonly requests: number;
  /** Median over slices of 2xx responses per second. */
  readonly rps: number;
  /** Requests per second of each slice, in run order. */
  readonly sliceRps: readonly number[];
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** The server process's CPU time (user + system) per 2xx response over all slices, µs: robust to machine load. */
  readonly cpuMicrosPerRequest: number;
}

/**
 * Each (server, concurrency) gets `slices` runs of `sliceSeconds`, the servers rotating within each slice round, so
 * a burst of machine noise hits one slice of every server rather than the whole run of one; req/s is the median
 * over slices, latency percentiles are over all responses of all slices.
 */
function plan(quick: boolean) {
  return quick ? { slices: 2, sliceSeconds: 1, warmupSeconds: 0.5 } : { slices: 3, sliceSeconds: 2, warmupSeconds: 1.5 };
}

interface RunningChild {
  readonly tracked: TrackedChild;
  readonly url: string;
}

async function startChild(script: string, env: Record<string, string>, what: string): Promise<RunningChild> {
  const tracked = spawnTracked(process.execPath, [script], { env: childNodeEnv(env) });
  const { line } = await tracked.waitForLine((l) => l.startsWith('BENCH_READY '), 30_000, `${what} to listen`);
  const { url } = JSON.parse(line.slice('BENCH_READY '.length)) as { url: string };
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`${what} listens on ${url}, not on 127.0.0.1`);
  return { tracked, url };
}

/** `modelstack serve` from the compiled CLI, one worker, on a free loopback port; ready at its serving line. */
async function startServe(cli: string, modelDir: string, extraArgs: readonly string[] = []): Promise<RunningChild> {
  const args = [...SERVING_V8_FLAGS, cli, 'serve', modelDir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', ...extraArgs];
  const tracked = spawnTracked(process.execPath, args, { env: childNodeEnv({}, { nodePath: false }) });
  const serving = /^modelstack: serving .* on (http:\/\/127\.0\.0\.1:\d+)$/;
  const { line } = await tracked.waitForLine((l) => serving.test(l), 30_000, 'modelstack serve to listen');
  return { tracked, url: (serving.exec(line) as RegExpExecArray)[1] };
}

interface Slice {
  readonly seconds: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Latency of every 2xx response, ms. */
  readonly latencies: number[];
  /** CPU seconds the server process spent during the slice. */
  readonly cpuSeconds: number;
}

/** One autocannon run; latencies come from every response (autocannon's own histogram has 1 ms resolution). */
function load(url: string, body: string, connections: number, seconds: number, pid: number): Promise<Slice> {
  const cpuBefore = treeCpuSeconds(pid);
  return new Promise<Slice>((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: `${url}/invocations`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error !== null && error !== undefined) {
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
          return;
        }
        resolve({
          seconds: result.duration,
          requests: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          latencies,
          cpuSeconds: treeCpuSeconds(pid) - cpuBefore,
        });
      },
    );
    // The tracker emits (client, statusCode, resBytes, responseTimeMs); @types/autocannon omits `client`.
    instance.on('response', (...args: unknown[]) => {
      const status = args[1];
      const time = args[3];
      if (typeof status === 'number' && status >= 200 && status < 300 && typeof time === 'number' && latencies.length < MAX_LATENCY_SAMPLES) {
        latencies.push(time);
      }
    });
  });
}

function checkSlice(server: ServerName, connections: number, slice: Slice): void {
  if (slice.requests === 0 || slice.non2xx > 0 || slice.errors > 0) {
    throw new Error(
      `${server} at ${connections} connections: ${slice.requests} 2xx, ${slice.non2xx} non-2xx, ` +
        `${slice.errors} errors (${slice.timeouts} timeouts): the comparison would be meaningless`,
    );
  }
}

/** Combines the slices of one (server, concurrency). */
function combine(server: ServerName, connections: number, slices: readonly Slice[]): Load {
  const all = new Float64Array(slices.reduce((n, sl) => n + sl.latencies.length, 0));
  let at = 0;
  for (const sl of slices) {
    all.set(sl.latencies, at);
    at += sl.latencies.length;
  }
  all.sort();
  const sliceRps = slices.map((sl) => sl.requests / sl.seconds);
  const pct = (q: number) => (all.length > 0 ? percentileOfSorted(all, q) : Number.NaN);
  return {
    server,
    connections,
    seconds: slices.reduce((t, sl) => t + sl.seconds, 0),
    requests: slices.reduce((n, sl) => n + sl.requests, 0),
    rps: median(sliceRps),
    sliceRps,
    p50Ms: pct(50),
    p90Ms: pct(90),
    p99Ms: pct(99),
    maxMs: all.length > 0 ? all[all.length - 1] : Number.NaN,
    non2xx: slices.reduce((n, sl) => n + sl.non2xx, 0),
    errors: slices.reduce((n, sl) => n + sl.errors, 0),
    timeouts: slices.reduce((n, sl) => n + sl.timeouts, 0),
    cpuMicrosPerRequest: (slices.reduce((t, sl) => t + sl.cpuSeconds, 0) * 1e6) / slices.reduce((n, sl) => n + sl.requests, 0),
  };
}

function find(results: readonly Load[], server: ServerName, connections: number): Load | undefined {
  return results.find((r) => r.server === server && r.connections === connections);
}

/** Requests per `session.run` of modelstack at one concurrency (dynamic batching), from a diagnostic server. */
interface Sharing {
  readonly connections: number;
  readonly requests: number;
  readonly runs: number;
}

function throughputTable(results: readonly Load[], sharing: readonly Sharing[]): Table {
  const rows: string[][] = [];
  for (const c of CONCURRENCIES) {
    const bare = find(results, 'bare', c);
    const ort = find(results, 'bare+session.run', c);
    const ms = find(results, 'modelstack', c);
    const alone = find(results, 'modelstack, no batching', c);
    if (bare === undefined || ort === undefined || ms === undefined || alone === undefined) continue;
    const shared = sharing.find((sh) => sh.connections === c);
    rows.push([
      String(c),
      formatNumber(bare.rps, 4),
      formatNumber(ort.rps, 4),
      formatNumber(ms.rps, 4),
      formatNumber(alone.rps, 4),
      formatRatio(ratio(ms.rps, bare.rps)),
      formatRatio(ratio(ms.rps, ort.rps)),
      formatRatio(ratio(alone.rps, ort.rps)),
      `${formatNumber(bare.cpuMicrosPerRequest)} / ${formatNumber(ort.cpuMicrosPerRequest)} / ${formatNumber(ms.cpuMicrosPerRequest)} / ${formatNumber(alone.cpuMicrosPerRequest)}`,
      formatRatio(ratio(ort.cpuMicrosPerRequest, ms.cpuMicrosPerRequest)),
      formatRatio(ratio(ort.cpuMicrosPerRequest, alone.cpuMicrosPerRequest)),
      shared === undefined || shared.runs === 0 ? '' : formatNumber(shared.requests / shared.runs),
    ]);
  }
  return {
    title: 'Throughput, POST /invocations batch 1 (req/s)',
    columns: [
      'connections',
      'bare',
      'bare+session.run',
      'modelstack',
      'modelstack, no batching',
      'modelstack/bare',
      'modelstack/bare+run',
      'no batching/bare+run',
      'CPU µs/req bare / bare+run / modelstack / no batching',
      'CPU bare+run/modelstack',
      'CPU bare+run/no batching',
      'requests per session.run (modelstack)',
    ],
    rows,
    notes: [
      'ratios: higher is better (1.00x = as fast as the baseline)',
      'bare = node:http reading the body and answering fixed bytes; bare+session.run = the same plus one session.run per request (diagnostic)',
      'modelstack = `modelstack serve` as users run it (dynamic batching: the requests of one event-loop turn share one session.run); no batching = with --no-dynamic-batching',
      'CPU µs/req: user + system time of the server process per response (from /proc; the load generator is not counted): the figure least moved by other load on the machine',
      'requests per session.run: from a separate modelstack serve loaded at the same concurrency for one slice (its shutdown line counts requests and runs)',
    ],
  };
}

function latencyTable(results: readonly Load[]): Table {
  const rows: string[][] = [];
  for (const c of CONCURRENCIES) {
    for (const server of SERVERS) {
      const r = find(results, server, c);
      if (r === undefined) continue;
      const bare = find(results, 'bare', c);
      rows.push([
        String(c),
        server,
        formatNumber(r.p50Ms * 1000),
        formatNumber(r.p90Ms * 1000),
        formatNumber(r.p99Ms * 1000),
        formatNumber(r.maxMs * 1000),
        bare === undefined ? '' : formatRatio(ratio(r.p50Ms, bare.p50Ms)),
        String(r.requests),
      ]);
    }
  }
  return {
    title: 'Latency seen by the client, POST /invocations batch 1 (µs)',
    columns: ['connections', 'server', 'p50', 'p90', 'p99', 'max', 'p50 vs bare', 'requests'],
    rows,
  };
}

/** The `serve` flag that turns dynamic batching off. */
const NO_BATCHING = '--no-dynamic-batching';

/**
 * Requests per `session.run` of `modelstack serve` at `connections`: a fresh server (not one of the measured ones)
 * loaded for `seconds`, then stopped; it logs its counts of requests and runs at shutdown.
 */
async function measureSharing(cli: string, modelDir: string, body: string, connections: number, seconds: number): Promise<Sharing> {
  const server = await startServe(cli, modelDir);
  try {
    checkSlice('modelstack', connections, await load(server.url, body, connections, seconds, server.tracked.child.pid ?? 0));
  } finally {
    await stopChild(server.tracked);
  }
  for (const line of server.tracked.stdoutLines) {
    if (!line.includes('"dynamic batching"')) continue;
    const { requests, runs } = JSON.parse(line) as { requests: number; runs: number };
    return { connections, requests, runs };
  }
  throw new Error('modelstack serve did not log its dynamic batching counts at shutdown');
}

export async function runThroughput(options: ThroughputOptions): Promise<BenchmarkReport> {
  const p = plan(options.quick);
  const example = loadExample(EXAMPLE);
  const body = invocationBody(batchOf(example.instances, 1));
  const dir = makeTempDir('throughput');
  const cli = compiledCli();
  const scripts = bundleScripts(
    {
      'bare-server': 'bench/children/bare-server.ts',
      'session-server': 'bench/children/session-server.ts',
    },
    dir,
  );

  const children: RunningChild[] = [];
  try {
    const modelstack = await startServe(cli, example.dir);
    children.push(modelstack);
    // The bare server answers with exactly the bytes modelstack answers this request with.
    const sample = await fetch(`${modelstack.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const responseBody = await sample.text();
    if (sample.status !== 200) throw new Error(`modelstack server answered ${sample.status}: ${responseBody.slice(0, 500)}`);
    const bare = await startChild(scripts['bare-server'], { BENCH_RESPONSE_BODY: responseBody }, 'the bare server');
    children.push(bare);
    const withSession = await startChild(
      scripts['session-server'],
      { BENCH_MODEL_DIR: example.dir, BENCH_RESPONSE_BODY: responseBody },
      'the bare+session.run server',
    );
    children.push(withSession);
    const alone = await startServe(cli, example.dir, [NO_BATCHING]);
    children.push(alone);
    const running: Record<ServerName, RunningChild> = {
      bare,
      'bare+session.run': withSession,
      modelstack,
      'modelstack, no batching': alone,
    };
    const urls = Object.fromEntries(SERVERS.map((server) => [server, running[server].url])) as Record<ServerName, string>;
    const pids = Object.fromEntries(SERVERS.map((server) => [server, running[server].tracked.child.pid ?? 0])) as Record<ServerName, number>;

    // Warm-up (JIT, connection handling) of each, at the middle concurrency, untimed.
    for (const server of SERVERS) {
      checkSlice(server, 8, await load(urls[server], body, 8, p.warmupSeconds, pids[server]));
    }
    const results: Load[] = [];
    let turn = 0;
    for (const c of CONCURRENCIES) {
      const slices = new Map<ServerName, Slice[]>(SERVERS.map((server) => [server, []]));
      for (let round = 0; round < p.slices; round++) {
        // Rotate which server goes first, so a drift in machine load does not favour one.
        for (const server of rotate(SERVERS, turn++)) {
          const slice = await load(urls[server], body, c, p.sliceSeconds, pids[server]);
          checkSlice(server, c, slice);
          slices.get(server)?.push(slice);
        }
      }
      for (const server of SERVERS) results.push(combine(server, c, slices.get(server) ?? []));
    }
    const sharing: Sharing[] = [];
    for (const c of CONCURRENCIES) sharing.push(await measureSharing(cli, example.dir, body, c, p.sliceSeconds));

    const peak = (server: ServerName) =>
      results.filter((r) => r.server === server).reduce((a, b) => (b.rps > a.rps ? b : a));
    const goals: Goal[] = [
      goal(
        'throughput.batch1.shareOfBare',
        `batch 1: modelstack peak req/s at least ${MIN_SHARE_OF_BARE * 100}% of bare node:http peak`,
        ratio(peak('modelstack').rps, peak('bare').rps) * 100,
        '>=',
        MIN_SHARE_OF_BARE * 100,
        '%',
      ),
      goal(
        'throughput.batch1.shareOfSessionRun',
        `batch 1: modelstack peak req/s at least ${MIN_SHARE_OF_SESSION_RUN * 100}% of node:http + session.run peak`,
        ratio(peak('modelstack').rps, peak('bare+session.run').rps) * 100,
        '>=',
        MIN_SHARE_OF_SESSION_RUN * 100,
        '%',
      ),
    ];
    return {
      name: 'throughput',
      title: 'Local server throughput and latency (breast-cancer, batch 1)',
      description:
        'modelstack startServer() versus a bare node:http server answering the same response bytes; each server in ' +
        'its own child process (bundled, plain node), autocannon in the parent, POST /invocations with a batch-1 JSON body.',
      tables: [throughputTable(results, sharing), latencyTable(results)],
      goals,
      notes: [
        `Per server and concurrency: ${p.slices} slices of ${p.sliceSeconds} s (servers rotating within each round; req/s = median slice), ` +
          `after a ${p.warmupSeconds} s warm-up per server; latency percentiles over every 2xx response of all slices.`,
        `Peak: ${SERVERS.map((server) => `${server} ${formatNumber(peak(server).rps, 4)} req/s (${peak(server).connections} connections)`).join(', ')}; ` +
          `modelstack = ${formatPercent(ratio(peak('modelstack').rps, peak('bare').rps) * 100)} of bare, ` +
          `${formatPercent(ratio(peak('modelstack').rps, peak('bare+session.run').rps) * 100)} of bare+session.run.`,
        'On a 2-core machine the load generator and the server share the CPUs; the ratio is the meaningful figure, not absolute req/s.',
      ],
      data: { example: EXAMPLE, plan: p, requestBytes: Buffer.byteLength(body), responseBytes: Buffer.byteLength(responseBody), results, sharing },
    };
  } finally {
    await Promise.all(children.map((c) => stopChild(c.tracked)));
  }
}
