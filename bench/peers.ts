/**
 * `npm run bench:peers [-- --quick]`: modelstack against what users would pick instead, on this machine, in one run:
 * FastAPI + orjson + onnxruntime (SageMaker's `/invocations`) and MLServer with a custom runtime (the Open Inference
 * Protocol v2), each doing the same work per request as modelstack (the manifest's scaling, one float32 tensor,
 * labels and probabilities out), one worker each; modelstack also with 2 workers. Optional: it needs Python 3, and
 * makes a venv with the pinned `bench/peers/requirements.txt` in `bench/peers/.venv` on its first run. Without Python
 * it measures modelstack alone (workers scaling).
 *
 * Per round (3, or 1 with `--quick`), the servers take turns (order rotating): each is started (cold start = spawn to
 * its first successful prediction), loaded by autocannon in this process at 32 connections for batch 1 and batch 64,
 * its CPU time read from /proc (the server's processes only), its RSS read, and stopped. Medians over rounds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { childNodeEnv } from './bundle';
import { batchOf, invocationBody, loadExample, REPO_ROOT, type Example } from './fixtures';
import { formatNumber, formatRatio, formatTable, type Table } from './format';
import { installCleanupHooks, makeTempDir, spawnTracked, stopChild, treeCpuSeconds, type TrackedChild } from './processes';
import { RESULTS_DIR } from './report';
import { SERVING_V8_FLAGS } from '../lambda/hosts/serving-heap';
import { compiledCli, treeRssMiB } from './serve-start';
import { median } from './stats';

const PEERS_DIR = join(REPO_ROOT, 'bench', 'peers');
const VENV = join(PEERS_DIR, '.venv');
const CONNECTIONS = 32;
const BATCHES = [1, 64] as const;
const START_TIMEOUT_MS = 120_000;

/** `v2-binary`: the Open Inference Protocol's binary tensor extension (raw FP32 in, binary outputs), modelstack only. */
type Protocol = 'invocations' | 'v2' | 'v2-binary';

interface ServerSpec {
  readonly name: string;
  readonly protocol: Protocol;
  /** Command and environment for a server on `port`. */
  readonly command: (port: number) => { file: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string };
}

interface Measure {
  readonly reqPerSec: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
}

interface Sample {
  readonly coldStartMs: number;
  readonly rssMiB: number;
  readonly batches: Record<number, Measure>;
}

/** The venv's python, made (or refreshed when the requirements changed) on demand; undefined without Python 3. */
function ensureVenv(log: (line: string) => void): string | undefined {
  if (spawnSync('python3', ['--version']).status !== 0) return undefined;
  const requirements = join(PEERS_DIR, 'requirements.txt');
  const digest = createHash('sha256').update(readFileSync(requirements)).digest('hex');
  const stamp = join(VENV, 'requirements.sha256');
  const python = join(VENV, 'bin', 'python');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return python;
  log(`making ${VENV} with ${requirements} (first run only)...`);
  execFileSync('python3', ['-m', 'venv', VENV], { stdio: 'inherit' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' });
  writeFileSync(stamp, digest);
  return python;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function v2Body(example: Example, size: number): string {
  const rows = batchOf(example.instances, size);
  const data = rows.flatMap((row) => example.featureNames.map((name) => row[name]));
  return JSON.stringify({ inputs: [{ name: 'input', shape: [size, example.featureNames.length], datatype: 'FP32', data }] });
}

interface PeerRequest {
  readonly url: string;
  readonly body: string | Buffer;
  readonly headers: Record<string, string>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A v2 request with one raw little-endian FP32 tensor after its JSON header (the binary tensor extension). */
function v2BinaryRequest(url: string, example: Example, size: number): PeerRequest {
  const rows = batchOf(example.instances, size);
  const tensor = Buffer.from(new Float32Array(rows.flatMap((row) => example.featureNames.map((name) => row[name]))).buffer);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input', shape: [size, example.featureNames.length], datatype: 'FP32', parameters: { binary_data_size: tensor.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    url,
    body: Buffer.concat([header, tensor]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) },
  };
}

function request(spec: ServerSpec, port: number, example: Example, size: number): PeerRequest {
  const v2Url = `http://127.0.0.1:${port}/v2/models/${example.name}/infer`;
  switch (spec.protocol) {
    case 'invocations':
      return { url: `http://127.0.0.1:${port}/invocations`, body: invocationBody(batchOf(example.instances, size)), headers: JSON_HEADERS };
    case 'v2':
      return { url: v2Url, body: v2Body(example, size), headers: JSON_HEADERS };
    case 'v2-binary':
      return v2BinaryRequest(v2Url, example, size);
  }
}

async function firstSuccess(child: TrackedChild, { url, body, headers }: PeerRequest): Promise<bigint> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`server exited with ${child.child.exitCode}: ${child.stderr.toString()}`);
    try {
      const response = await fetch(url, { method: 'POST', headers, body });
      await response.text();
      if (response.status === 200) return process.hrtime.bigint();
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no successful prediction within ${START_TIMEOUT_MS} ms: ${child.stderr.toString()}`);
}

function load({ url, body, headers }: PeerRequest, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', headers, body, connections: CONNECTIONS, duration: seconds, timeout: 10 },
      (error: unknown, result: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(result)),
    );
  });
}

async function sampleServer(spec: ServerSpec, example: Example, seconds: number): Promise<Sample> {
  const port = await freePort();
  const { file, args, env, cwd } = spec.command(port);
  const child = spawnTracked(file, args, { env, cwd });
  try {
    const first = request(spec, port, example, 1);
    const coldStartMs = Number((await firstSuccess(child, first)) - child.spawnedAt) / 1e6;
    const pid = child.child.pid ?? 0;
    const batches: Record<number, Measure> = {};
    for (const size of BATCHES) {
      const peerRequest = request(spec, port, example, size);
      await load(peerRequest, 0.5);
      const cpuBefore = treeCpuSeconds(pid);
      const result = await load(peerRequest, seconds);
      const cpu = treeCpuSeconds(pid) - cpuBefore;
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${spec.name}: ${result.non2xx} non-2xx, ${result.errors} errors at batch ${size}`);
      batches[size] = { reqPerSec: result['2xx'] / result.duration, p99Ms: result.latency.p99, cpuMicrosPerRequest: (cpu * 1e6) / result['2xx'] };
    }
    return { coldStartMs, rssMiB: treeRssMiB(pid), batches };
  } finally {
    await stopChild(child, 5000);
  }
}

const PROTOCOL_NAMES: Readonly<Record<Protocol, string>> = { invocations: '/invocations', v2: 'OIP v2', 'v2-binary': 'OIP v2 binary tensors' };

function servers(python: string | undefined, cli: string, example: Example): ServerSpec[] {
  const node = (workers: number, protocol: Protocol): ServerSpec => ({
    name: `modelstack ${PROTOCOL_NAMES[protocol]}, ${workers} worker${workers === 1 ? '' : 's'}`,
    protocol,
    command: (port) => ({
      file: process.execPath,
      // As npm start runs it: the serving V8 flags the pool gives its workers, on the single process too.
      args: [...SERVING_V8_FLAGS, cli, 'serve', example.dir, '--port', String(port), '--workers', String(workers)],
      env: childNodeEnv({ POWERTOOLS_LOG_LEVEL: 'WARN' }),
      cwd: REPO_ROOT,
    }),
  });
  const list = [node(1, 'invocations'), node(2, 'invocations'), node(1, 'v2'), node(1, 'v2-binary')];
  if (python === undefined) return list;
  const pyEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR: example.dir, PYTHONPATH: PEERS_DIR, ...extra });
  list.push({
    name: 'FastAPI + orjson /invocations, 1 worker',
    protocol: 'invocations',
    command: (port) => ({
      file: python,
      args: ['-m', 'uvicorn', 'fastapi_app:app', '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--log-level', 'warning', '--no-access-log'],
      env: pyEnv(),
      cwd: PEERS_DIR,
    }),
  });
  list.push({
    name: 'MLServer OIP v2, 1 worker',
    protocol: 'v2',
    command: (port) => {
      const dir = makeTempDir('modelstack-peers-mlserver-');
      mkdirSync(join(dir, example.name));
      writeFileSync(join(dir, 'settings.json'), JSON.stringify({ http_port: port, grpc_port: port + 1, metrics_port: port + 2, parallel_workers: 0, debug: false, metrics_endpoint: null }));
      writeFileSync(join(dir, example.name, 'model-settings.json'), JSON.stringify({ name: example.name, implementation: 'mlserver_runtime.BreastCancer' }));
      return { file: join(VENV, 'bin', 'mlserver'), args: ['start', dir], env: pyEnv({ MLSERVER_LOGGING_LEVEL: 'WARNING' }), cwd: PEERS_DIR };
    },
  });
  return list;
}

function tables(samples: ReadonlyMap<string, Sample[]>, reference: Readonly<Record<Protocol, string>>, specs: readonly ServerSpec[]): Table[] {
  const med = (name: string, pick: (s: Sample) => number): number => median((samples.get(name) ?? []).map(pick));
  return BATCHES.map((size) => ({
    title: `batch ${size}, ${CONNECTIONS} connections (medians); req/s ratio = modelstack 1 worker (same protocol) / the server; CPU ratio = the server's CPU per request / modelstack 1 worker's`,
    columns: ['server', 'req/s', 'p99 ms', 'CPU µs/req', 'cold start ms', 'RSS MiB', 'req/s ratio', 'CPU ratio'],
    rows: specs.map((spec) => {
      const ref = reference[spec.protocol];
      const rps = med(spec.name, (s) => s.batches[size].reqPerSec);
      const cpu = med(spec.name, (s) => s.batches[size].cpuMicrosPerRequest);
      return [
        spec.name,
        formatNumber(rps),
        formatNumber(med(spec.name, (s) => s.batches[size].p99Ms)),
        formatNumber(cpu),
        formatNumber(med(spec.name, (s) => s.coldStartMs)),
        formatNumber(med(spec.name, (s) => s.rssMiB)),
        formatRatio(med(ref, (s) => s.batches[size].reqPerSec) / rps),
        formatRatio(cpu / med(ref, (s) => s.batches[size].cpuMicrosPerRequest)),
      ];
    }),
  }));
}

async function main(): Promise<void> {
  installCleanupHooks();
  const quick = process.argv.includes('--quick');
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  const python = ensureVenv(log);
  if (python === undefined) log('python3 not found: measuring modelstack alone (the peers need Python 3)');
  const example = loadExample('breast-cancer');
  const cli = compiledCli();
  const specs = servers(python, cli, example);
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 2 : 4;
  const samples = new Map<string, Sample[]>(specs.map((s) => [s.name, []]));
  const loads: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[(i + round) % specs.length];
      loads.push(Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]));
      log(`round ${round + 1}/${rounds}: ${spec.name}...`);
      samples.get(spec.name)?.push(await sampleServer(spec, example, seconds));
    }
  }
  const reference = { invocations: specs[0].name, v2: specs[2].name, 'v2-binary': specs[3].name };
  const result = tables(samples, reference, specs);
  log(`\nload average (1 min) during the run: ${Math.min(...loads)}-${Math.max(...loads)} on ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs`);
  for (const table of result) log(`\n${formatTable(table)}`);
  const mlserver = samples.get('MLServer OIP v2, 1 worker') ?? [];
  if (mlserver.length > 0) {
    const rps = (name: string): number => median((samples.get(name) ?? []).map((s) => s.batches[64].reqPerSec));
    log(`\nbatch 64: modelstack OIP v2 binary tensors / MLServer OIP v2 (JSON) = ${formatRatio(rps(specs[3].name) / rps('MLServer OIP v2, 1 worker'))} req/s (goal >= 3x)`);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'peers.json'), JSON.stringify({ loads, tables: result, samples: Object.fromEntries(samples) }, null, 2));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:peers failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
