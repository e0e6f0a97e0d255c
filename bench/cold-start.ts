/**
 * Cold start: from process start to the first successful prediction, in a child process running the real Lambda
 * bundle (`bundleInferenceRuntime` from lib/bundling/lambda-bundling.ts: esbuild, minified, AWS SDK bundled, pruned
 * onnxruntime-node copy, model.json) with plain `node`, the model downloaded from a local S3-compatible server
 * (s3rver on 127.0.0.1) and its SHA-256 verified. Compared, in the same run and interleaved, with the start of a
 * bare Node.js process.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { parseManifest } from '../lambda/core/manifest';
import { bundleInferenceRuntime } from '../lib/bundling/lambda-bundling';
import { bundleScripts, childNodeEnv } from './bundle';
import { batchOf, invocationBody, loadExample, REPO_ROOT } from './fixtures';
import { formatMillis, formatNumber, formatRatio, formatSigned, goal, type Goal, type Table } from './format';
import { startLocalS3, type LocalS3 } from './local-s3';
import { elapsedMs, makeTempDir, nodeVersionOf, spawnTracked, waitForExit } from './processes';
import type { BenchmarkReport } from './report';
import { ratio, summarize, type Summary } from './stats';

export interface ColdStartOptions {
  readonly quick: boolean;
  /** Node.js binary of the children and the bare baseline. @default process.execPath */
  readonly node?: string;
}

const EXAMPLE = 'breast-cancer';
const BUCKET = 'modelstack-bench-models';
/** Goal: process start to first successful prediction, median, in ms. */
const MAX_COLD_START_MS = 100;
const CHILD_TIMEOUT_MS = 30_000;

function plan(quick: boolean) {
  return quick ? { runs: 3, warmupRuns: 1 } : { runs: 11, warmupRuns: 1 };
}

/** One handler cold start, in ms from the parent's spawn call. */
interface HandlerRun {
  /** spawn -> first statement of the probe (Node.js boot). */
  readonly bootMs: number;
  /** require('node:http'), as Lambda's runtime interface client does before it loads the handler. */
  readonly runtimeHttpMs: number;
  /** require('onnxruntime-node'): native addon and libonnxruntime. */
  readonly onnxruntimeMs: number;
  /** require(index.js): parse/compile the bundle, module init (starts the model load). */
  readonly bundleMs: number;
  /** Until the model is loaded: manifest, S3 GET, SHA-256, InferenceSession.create. */
  readonly modelLoadMs: number;
  /** The first invocation: event -> response. */
  readonly firstInvokeMs: number;
  /** spawn -> first successful prediction. */
  readonly totalMs: number;
  /** spawn -> process exit (after the result line). */
  readonly exitMs: number;
  /** Node's own view of its start-up: performance.now() at the probe's first statement. */
  readonly nodeReportedBootMs: number;
  /** `durationMs` of the handler's own "model loaded" log line, when found. */
  readonly loggedModelLoadMs: number | undefined;
  /** The main thread's time on a CPU, process start -> first prediction (Linux only). */
  readonly mainThreadCpuMs: number | undefined;
  /** The main thread's time waiting for a CPU in the same span: the machine's load (Linux only). */
  readonly mainThreadWaitMs: number | undefined;
}

/** One bare Node.js start. */
interface BareRun {
  readonly bootMs: number;
  /** spawn -> the parent read the first line. */
  readonly firstLineMs: number;
  readonly exitMs: number;
  readonly nodeReportedBootMs: number;
  /** The main thread's time on a CPU, process start -> first line (Linux only). */
  readonly mainThreadCpuMs: number | undefined;
}

const PHASES = [
  ['bootMs', 'Node.js boot (spawn -> first statement)'],
  ['runtimeHttpMs', "require('node:http'): Lambda's runtime client loads it before the handler"],
  ['onnxruntimeMs', "require('onnxruntime-node')"],
  ['bundleMs', 'require(index.js): bundle load + init'],
  ['modelLoadMs', 'model load (manifest, S3 GET, SHA-256, session)'],
  ['firstInvokeMs', 'first invocation (event -> response)'],
  ['totalMs', 'total: process start -> first prediction'],
] as const;

function functionUrlEvent(body: string): unknown {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/invocations',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'bench.lambda-url.us-east-1.on.aws', 'user-agent': 'modelstack-bench' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'bench',
      domainName: 'bench.lambda-url.us-east-1.on.aws',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/invocations', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'modelstack-bench' },
      requestId: 'bench-cold-start',
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}

interface ProbeSetup {
  /** The Node.js binary of every child. */
  readonly node: string;
  readonly probe: string;
  readonly handlerEnv: NodeJS.ProcessEnv;
  readonly bareEnv: NodeJS.ProcessEnv;
}

/** A schedstat reading (ns, as a string) in ms; undefined when the child could not read it (not Linux). */
function schedMs(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) / 1e6 : undefined;
}

function ns(value: unknown): bigint {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new Error(`bad clock reading ${JSON.stringify(value)}`);
  return BigInt(value);
}

/** The handler logs `{"message":"model loaded", ..., "durationMs": N}` (Powertools JSON) on a successful load. */
function loggedModelLoadMs(lines: readonly string[]): number | undefined {
  for (const line of lines) {
    if (!line.startsWith('{') || !line.includes('model loaded')) continue;
    try {
      const entry = JSON.parse(line) as { message?: unknown; durationMs?: unknown };
      if (entry.message === 'model loaded' && typeof entry.durationMs === 'number') return entry.durationMs;
    } catch {
      // not a log line
    }
  }
  return undefined;
}

async function runHandlerOnce(setup: ProbeSetup): Promise<HandlerRun> {
  const child = spawnTracked(setup.node, [setup.probe], { env: setup.handlerEnv });
  const { line } = await child.waitForLine((l) => l.startsWith('BENCH_RESULT '), CHILD_TIMEOUT_MS, 'the cold-start result');
  const exit = await waitForExit(child, CHILD_TIMEOUT_MS, 'the cold-start probe');
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, unknown>;
  if (r.statusCode !== 200 || typeof r.predictions !== 'number' || r.predictions < 1) {
    throw new Error(
      `the first invocation answered ${String(r.statusCode)} (model ${String(r.modelStatus)}): ${String(r.body)}\n  stderr: ${child.stderr.toString().slice(-2000)}`,
    );
  }
  if (exit.code !== 0) throw new Error(`the cold-start probe exited with ${exit.code ?? exit.signal}: ${child.stderr.toString().slice(-2000)}`);
  const start = ns(r.startNs);
  const run: HandlerRun = {
    bootMs: elapsedMs(child.spawnedAt, start),
    runtimeHttpMs: elapsedMs(start, ns(r.httpLoadedNs)),
    onnxruntimeMs: elapsedMs(ns(r.httpLoadedNs), ns(r.ortLoadedNs)),
    bundleMs: elapsedMs(ns(r.ortLoadedNs), ns(r.requiredNs)),
    modelLoadMs: elapsedMs(ns(r.requiredNs), ns(r.readyNs)),
    firstInvokeMs: elapsedMs(ns(r.readyNs), ns(r.respondedNs)),
    totalMs: elapsedMs(child.spawnedAt, ns(r.respondedNs)),
    exitMs: elapsedMs(child.spawnedAt, exit.at),
    nodeReportedBootMs: Number(r.startSinceOriginMs),
    loggedModelLoadMs: loggedModelLoadMs(child.stdoutLines),
    mainThreadCpuMs: schedMs(r.mainThreadCpuNs),
    mainThreadWaitMs: schedMs(r.mainThreadWaitNs),
  };
  if (!(run.bootMs > 0 && run.totalMs < CHILD_TIMEOUT_MS)) {
    throw new Error(`inconsistent clock readings (the child's monotonic clock differs from the parent's?): ${JSON.stringify(run)}`);
  }
  return run;
}

async function runBareOnce(setup: ProbeSetup): Promise<BareRun> {
  const child = spawnTracked(setup.node, [setup.probe], { env: setup.bareEnv });
  const { line, at } = await child.waitForLine((l) => l.startsWith('BENCH_RESULT '), CHILD_TIMEOUT_MS, 'the bare start result');
  const exit = await waitForExit(child, CHILD_TIMEOUT_MS, 'the bare Node.js probe');
  if (exit.code !== 0) throw new Error(`the bare probe exited with ${exit.code ?? exit.signal}: ${child.stderr.toString()}`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as Record<string, unknown>;
  return {
    bootMs: elapsedMs(child.spawnedAt, ns(r.startNs)),
    firstLineMs: elapsedMs(child.spawnedAt, at),
    exitMs: elapsedMs(child.spawnedAt, exit.at),
    nodeReportedBootMs: Number(r.startSinceOriginMs),
    mainThreadCpuMs: schedMs(r.mainThreadCpuNs),
  };
}

function pick<T>(runs: readonly T[], field: (run: T) => number): Summary {
  return summarize(runs.map(field));
}

/** The main thread's CPU time and run-queue wait (medians), where the children could read them. */
function cpuRows(handlerRuns: readonly HandlerRun[], bareRuns: readonly BareRun[]): string[][] {
  const handlerCpu = handlerRuns.flatMap((r) => (r.mainThreadCpuMs === undefined ? [] : [r.mainThreadCpuMs]));
  const handlerWait = handlerRuns.flatMap((r) => (r.mainThreadWaitMs === undefined ? [] : [r.mainThreadWaitMs]));
  const bareCpu = bareRuns.flatMap((r) => (r.mainThreadCpuMs === undefined ? [] : [r.mainThreadCpuMs]));
  if (handlerCpu.length === 0 || bareCpu.length === 0) return [];
  const handler = summarize(handlerCpu).median;
  const bare = summarize(bareCpu).median;
  return [
    ['main thread on a CPU, process start -> ready', formatNumber(bare), formatNumber(handler), formatSigned(handler - bare), formatRatio(ratio(handler, bare))],
    ['main thread waiting for a CPU, same span (load)', '', formatNumber(summarize(handlerWait).median), '', ''],
  ];
}

export async function runColdStart(options: ColdStartOptions): Promise<BenchmarkReport> {
  const p = plan(options.quick);
  const example = loadExample(EXAMPLE);
  const manifest = parseManifest(example.manifestJson, example.manifestPath);
  const sha256 = createHash('sha256').update(example.modelBytes).digest('hex');

  const dir = makeTempDir('cold-start');
  const bundleDir = join(dir, 'bundle');
  mkdirSync(bundleDir);
  const bundleStarted = Date.now();
  const bundle = bundleInferenceRuntime({
    entry: join(REPO_ROOT, 'lambda', 'hosts', 'lambda-handler.ts'),
    outputDir: bundleDir,
    architecture: process.arch === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
    manifest,
  });
  const bundleSeconds = (Date.now() - bundleStarted) / 1000;
  const { 'cold-start-probe': probe } = bundleScripts({ 'cold-start-probe': 'bench/children/cold-start-probe.ts' }, join(dir, 'probe'));

  const key = `${manifest.name}/${sha256}.onnx`;
  let s3: LocalS3 | undefined;
  try {
    s3 = await startLocalS3(BUCKET, [{ key, body: example.modelBytes }]);
    const body = invocationBody(batchOf(example.instances, 1));
    // No NODE_PATH for the handler: the bundle must resolve onnxruntime-node from its own node_modules, as in Lambda.
    const handlerEnv = childNodeEnv(
      {
        ...s3.childEnv,
        MODEL_BUCKET: BUCKET,
        MODEL_KEY: key,
        MODEL_SHA256: sha256,
        // Makes the handler start loading at import, as in Lambda's init phase (nothing connects to it).
        AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
        AWS_LAMBDA_FUNCTION_NAME: 'modelstack-bench',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        BENCH_PROBE_MODE: 'handler',
        BENCH_ORT_PATH: join(bundleDir, 'node_modules', 'onnxruntime-node'),
        BENCH_HANDLER_PATH: join(bundleDir, 'index.js'),
        BENCH_EVENT: JSON.stringify(functionUrlEvent(body)),
      },
      { nodePath: false },
    );
    const setup: ProbeSetup = { node: options.node ?? process.execPath, probe, handlerEnv, bareEnv: childNodeEnv({ BENCH_PROBE_MODE: 'bare' }) };

    // Discarded warm-up runs: the OS file cache holds the bundle and libonnxruntime afterwards, for every run alike.
    for (let i = 0; i < p.warmupRuns; i++) {
      await runHandlerOnce(setup);
      await runBareOnce(setup);
    }
    const handlerRuns: HandlerRun[] = [];
    const bareRuns: BareRun[] = [];
    for (let i = 0; i < p.runs; i++) {
      // Alternate which goes first.
      if (i % 2 === 0) {
        handlerRuns.push(await runHandlerOnce(setup));
        bareRuns.push(await runBareOnce(setup));
      } else {
        bareRuns.push(await runBareOnce(setup));
        handlerRuns.push(await runHandlerOnce(setup));
      }
    }

    const total = pick(handlerRuns, (r) => r.totalMs);
    const bareBoot = pick(bareRuns, (r) => r.bootMs);
    const bareFirstLine = pick(bareRuns, (r) => r.firstLineMs);
    const bareExit = pick(bareRuns, (r) => r.exitMs);
    const phaseRows = PHASES.map(([field, label]) => {
      const s = pick(handlerRuns, (r) => r[field]);
      return [label, formatNumber(s.median), formatNumber(s.min), formatNumber(s.max), field === 'totalMs' ? '100%' : `${((s.median / total.median) * 100).toFixed(0)}%`];
    });
    const logged = handlerRuns.map((r) => r.loggedModelLoadMs).filter((v): v is number => v !== undefined);
    const phasesTable: Table = {
      title: `Cold start phases, handler bundle (${p.runs} runs, ms)`,
      columns: ['phase', 'median', 'min', 'max', 'share of total'],
      rows: phaseRows,
      notes: [
        'phases are medians of each phase separately, so they need not add up exactly to the median total',
        ...(logged.length > 0 ? [`the handler's own "model loaded" log: median ${formatNumber(summarize(logged).median)} ms (from the start of the load attempt at import)`] : []),
      ],
    };
    const comparisonTable: Table = {
      title: 'Cold start vs bare Node.js start (medians, ms)',
      columns: ['measure', 'bare node', 'modelstack handler', 'difference', 'ratio'],
      rows: [
        ['spawn -> first statement (boot)', formatNumber(bareBoot.median), formatNumber(pick(handlerRuns, (r) => r.bootMs).median), formatSigned(pick(handlerRuns, (r) => r.bootMs).median - bareBoot.median), ''],
        ['spawn -> ready (bare: first line read; handler: first prediction)', formatNumber(bareFirstLine.median), formatNumber(total.median), formatSigned(total.median - bareFirstLine.median), formatRatio(ratio(total.median, bareFirstLine.median))],
        ['spawn -> process exit', formatNumber(bareExit.median), formatNumber(pick(handlerRuns, (r) => r.exitMs).median), formatSigned(pick(handlerRuns, (r) => r.exitMs).median - bareExit.median), formatRatio(ratio(pick(handlerRuns, (r) => r.exitMs).median, bareExit.median))],
        ...cpuRows(handlerRuns, bareRuns),
      ],
      notes: [
        'difference = what the runtime adds to a bare Node.js process start; Lambda adds its own runtime bootstrap on top of both',
        'main thread on a CPU / waiting for one: from /proc (Linux), process start to the first prediction (bare: first line); the wait is what the load on the machine adds to the wall times',
      ],
    };
    const goals: Goal[] = [
      goal(
        'cold-start.total',
        `cold start under ${MAX_COLD_START_MS} ms (process start -> first prediction, median)`,
        total.median,
        '<=',
        MAX_COLD_START_MS,
        'ms',
      ),
    ];
    return {
      name: 'cold-start',
      title: 'Cold start (Lambda bundle, model from local S3)',
      description:
        'A child process loads the real Lambda bundle (lib/bundling/lambda-bundling.ts), which fetches the model from s3rver on ' +
        '127.0.0.1, verifies its SHA-256 and creates the session; timed from spawn to the first successful function URL ' +
        'invocation, interleaved with bare Node.js starts.',
      tables: [comparisonTable, phasesTable],
      goals,
      notes: [
        `${p.runs} runs of each after ${p.warmupRuns} discarded warm-up run(s); bundle built in ${bundleSeconds.toFixed(1)} s: ` +
          `index.js + onnxruntime ${(bundle.unzippedBytes / 1e6).toFixed(1)} MB unzipped, ${bundle.fileCount} files.`,
        `Total cold start: median ${formatMillis(total.median)}, min ${formatMillis(total.min)}, max ${formatMillis(total.max)}; ` +
          `bare Node.js to first line ${formatMillis(bareFirstLine.median)}.`,
        'Warm OS file cache after the warm-up run; a fresh Lambda execution environment may also read the code from cold storage.',
        `Children run on Node.js ${nodeVersionOf(setup.node)} (${setup.node}).`,
      ],
      data: { example: EXAMPLE, plan: p, sha256, bundle, handlerRuns, bareRuns },
    };
  } finally {
    await s3?.close();
  }
}
