/**
 * A pool of server workers sharing one port, as `modelstack serve` and the SageMaker container run it: real
 * processes (`test/support/pool-main.ts`, the iris model), real HTTP. Every worker serves, SIGTERM drains every
 * worker without losing a request, a killed worker is replaced, and each request is counted in the metrics once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { SERVING_V8_FLAGS } from '../../../lambda/hosts/serving-heap';
import { workerExecArgv } from '../../../lambda/hosts/worker-pool';

jest.setTimeout(120_000);

const FIXTURE = join(__dirname, '..', '..', 'support', 'pool-main.ts');
const CLOSED_CHANNEL_FIXTURE = join(__dirname, '..', '..', 'support', 'pool-closed-channel-main.ts');
const BODY = JSON.stringify({ instances: [{ sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 }] });

interface PoolProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** The URL and the worker pids the primary announces. */
  readonly started: Promise<{ url: string; pids: number[] }>;
}

function startPool(workers: number): PoolProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: join(__dirname, '..', '..', '..'),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', POWERTOOLS_LOG_LEVEL: 'WARN', POOL_WORKERS: String(workers) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<{ url: string; pids: number[] }>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const url = /serving iris \S+ on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const pids = /workers \(pids ([\d, ]+)\)/.exec(out);
      if (url && pids) resolve({ url: url[1], pids: pids[1].split(', ').map(Number) });
    });
    void exited.then((code) => reject(new Error(`pool exited with ${code} before it started: ${err}`)));
  });
  started.catch(() => undefined);
  return { child, stdout: () => out, stderr: () => err, exited, started };
}

/** One POST /invocations on a connection of its own (the pool balances connections, not requests). */
function predict(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/invocations`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(BODY);
  });
}

/** The pids that answered requests, one per request, from the fixture's `servedBy` lines. */
function servedBy(stdout: string): number[] {
  return [...stdout.matchAll(/\{"servedBy":(\d+),"status":200\}/g)].map((match) => Number(match[1]));
}

/** How many `Latency` values (one per request) the EMF documents on stdout hold. */
function latencyValues(stdout: string): number {
  let count = 0;
  for (const line of stdout.split('\n')) {
    if (!line.includes('"_aws"')) continue;
    const latency = (JSON.parse(line) as { Latency?: number | number[] }).Latency;
    if (latency !== undefined) count += Array.isArray(latency) ? latency.length : 1;
  }
  return count;
}

/** A request whose headers and first half of the body are sent now; `finish()` sends the rest and reads the answer. */
function startRequest(url: string): Promise<{ finish: () => Promise<string> }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1', () => {
      const half = Math.floor(BODY.length / 2);
      socket.write(`POST /invocations HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY.slice(0, half)}`);
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const ended = new Promise<string>((done) => socket.on('close', () => done(answer)));
      resolve({
        finish: () => {
          socket.end(BODY.slice(half));
          return ended;
        },
      });
    });
    socket.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("the workers' Node.js flags", () => {
  test('a small young generation is added to the primary\'s own flags', () => {
    expect(workerExecArgv(['--enable-source-maps'])).toEqual(['--enable-source-maps', ...SERVING_V8_FLAGS]);
    expect(SERVING_V8_FLAGS).toEqual(['--max-semi-space-size=4']);
  });

  test('a semi-space size already given (flags or NODE_OPTIONS) is left as it is', () => {
    expect(workerExecArgv(['--max-semi-space-size=8'])).toEqual(['--max-semi-space-size=8']);
    expect(workerExecArgv([], '--inspect --max-semi-space-size=16')).toEqual([]);
    expect(workerExecArgv(['--max_semi_space_size=1'])).toEqual(['--max_semi_space_size=1']);
  });
});

describe('Given a pool of 2 workers serving the iris model', () => {
  let pool: PoolProcess;
  let started: { url: string; pids: number[] };
  beforeAll(async () => {
    pool = startPool(2);
    started = await pool.started;
  });
  afterAll(() => {
    if (pool.child.exitCode === null) pool.child.kill('SIGKILL');
  });

  test('When 40 clients connect, then both workers answer, and no other process does', async () => {
    expect(started.pids).toHaveLength(2);
    const statuses = await Promise.all(Array.from({ length: 40 }, () => predict(started.url)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitFor(() => servedBy(pool.stdout()).length === 40, '40 servedBy lines');
    expect(new Set(servedBy(pool.stdout()))).toEqual(new Set(started.pids));
  });

  test('When SIGTERM arrives with requests in flight on every worker, then each gets its answer, every worker drains, and the pool exits 0', async () => {
    // Six requests half-sent: connections alternate between the workers, so both have requests in flight.
    const inFlight = await Promise.all(Array.from({ length: 6 }, () => startRequest(started.url)));
    await sleep(500);
    pool.child.kill('SIGTERM');
    await sleep(500);
    const answers = await Promise.all(inFlight.map((request) => request.finish()));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('"label":"setosa"');
    }
    expect(await pool.exited).toBe(0);
    expect(pool.stderr()).toContain('modelstack: SIGTERM: finishing in-flight requests, then exiting');
    for (const pid of started.pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  test('When the pool has stopped, then the metrics hold exactly one Latency value per request answered, from the workers alone', () => {
    const answered = servedBy(pool.stdout()).length;
    expect(answered).toBe(46);
    expect(latencyValues(pool.stdout())).toBe(answered);
  });
});

describe('Given a pool of 2 workers, one of which is killed', () => {
  let pool: PoolProcess;
  let started: { url: string; pids: number[] };
  beforeAll(async () => {
    pool = startPool(2);
    started = await pool.started;
  });
  afterAll(async () => {
    if (pool.child.exitCode === null) {
      pool.child.kill('SIGTERM');
      await pool.exited;
    }
  });

  test('When a worker dies, then the pool logs it, starts a replacement, and serves on with a new worker', async () => {
    const [victim, survivor] = started.pids;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => /worker \d+ \(pid \d+\) is serving/.test(pool.stderr()), 'the replacement');
    expect(pool.stderr()).toContain(`(pid ${victim}) exited with signal SIGKILL; starting a replacement`);
    const replacement = Number(/worker \d+ \(pid (\d+)\) is serving/.exec(pool.stderr())?.[1]);
    expect(replacement).not.toBe(victim);
    const before = servedBy(pool.stdout()).length;
    const statuses = await Promise.all(Array.from({ length: 20 }, () => predict(started.url)));
    expect(statuses.every((status) => status === 200)).toBe(true);
    await waitFor(() => servedBy(pool.stdout()).length === before + 20, '20 more servedBy lines');
    expect(new Set(servedBy(pool.stdout()).slice(before))).toEqual(new Set([survivor, replacement]));
  });
});

describe('Given a pool whose start fails while another worker is exiting (its channel closed, its process not gone yet)', () => {
  test('When the pool closes, then it fails with the failing worker\'s message, not an unhandled error on the exiting worker', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLOSED_CHANNEL_FIXTURE], {
      cwd: join(__dirname, '..', '..', '..'),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WORKER_FAILURE: 'the manifest does not fit the model' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    expect({ code, stderr }).toEqual({ code: 1, stderr: 'pool-closed-channel: the manifest does not fit the model\n' });
  });
});
