/**
 * Dynamic batching in the local server, with real HTTP requests on many keep-alive connections: concurrent requests
 * share model runs, and each still gets its own answer, request id, and request record (metrics, logs).
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import type { OnnxModel } from '../../../lambda/core/model';
import { startServer } from '../../../lambda/hosts/local-server';
import type { RunningServer, ServerOptions } from '../../../lambda/hosts/local-server';
import type { RequestRecord } from '../../../lambda/serving/contract';
import { createObservability } from '../../../lambda/serving/observability';
import { EXAMPLES } from '../../support/serving';

const IRIS = join(EXAMPLES, 'iris');
const expected = JSON.parse(readFileSync(join(IRIS, 'expected.json'), 'utf8')) as {
  instances: Array<Record<string, number>>;
  float32Predictions: Array<{ label: string }>;
};
const CONNECTIONS = 24;

/** Request `i` carries 1 to 3 of iris' expected instances, starting at instance `i`. */
function rowsOf(i: number): number[] {
  const n = expected.instances.length;
  return Array.from({ length: (i % 3) + 1 }, (_, r) => (i + r) % n);
}

interface Served {
  readonly server: RunningServer;
  readonly records: RequestRecord[];
}

async function serve(options: Partial<ServerOptions>): Promise<Served> {
  const records: RequestRecord[] = [];
  const observability = createObservability({ serviceName: 'iris', metrics: false, logLevel: 'SILENT' });
  const server = await startServer({
    model: IRIS,
    port: 0,
    announce: () => undefined,
    observability: { ...observability, hooks: { ...observability.hooks, onRequest: (record) => records.push(record) } },
    ...options,
  });
  return { server, records };
}

type Answer = { status: number; id: string; body: string };

/** One wave of concurrent requests, one per connection; resolves with each status, request id and body, in order. */
function wave(url: string, agent: http.Agent, count: number): Promise<Answer[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => send(url, agent, i)));
}

/** Request `i`. */
function send(url: string, agent: http.Agent, i: number): Promise<Answer> {
  const body = JSON.stringify({ instances: rowsOf(i).map((row) => expected.instances[row]) });
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      `${url}/invocations`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-request-id': `wave-${i}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-request-id']), body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What each request of a wave gets when it is the only one in flight. */
let aloneBodies: string[] = [];

beforeAll(async () => {
  const { server } = await serve({});
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    aloneBodies = [];
    for (let i = 0; i < CONNECTIONS; i++) aloneBodies.push((await send(server.url, agent, i)).body);
  } finally {
    agent.destroy();
    await server.close();
  }
});

function expectOwnAnswers(answers: readonly Answer[]): void {
  answers.forEach((answer, i) => {
    expect(answer.status).toBe(200);
    expect(answer.id).toBe(`wave-${i}`);
    expect(JSON.parse(answer.body)).toEqual({ predictions: rowsOf(i).map((row) => expect.objectContaining({ label: expected.float32Predictions[row].label })) });
    // Bit-identical to its answer alone (iris' rows do not depend on the batch).
    expect(answer.body).toBe(aloneBodies[i]);
  });
}

describe('Given the local server with its defaults', () => {
  let served: Served;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  beforeAll(async () => {
    served = await serve({});
  });
  afterAll(async () => {
    agent.destroy();
    await served.server.close();
  });

  it('When it starts, then the app predicts through the batching model', () => {
    const { server } = served;
    expect(server.batching).toBeDefined();
    expect(server.app.model()).toBe(server.batching);
  });

  it('When requests arrive together on open connections, then they share model runs and each gets its own predictions and record', async () => {
    const { server, records } = served;
    // The first wave opens the connections; the second arrives on all of them at once.
    expectOwnAnswers(await wave(server.url, agent, CONNECTIONS));
    const before = server.batching?.stats() ?? { requests: 0, runs: 0 };
    const run = jest.spyOn((server.model as OnnxModel).session, 'run');
    records.length = 0;
    expectOwnAnswers(await wave(server.url, agent, CONNECTIONS));
    const after = server.batching?.stats() ?? { requests: 0, runs: 0 };
    expect(after.requests - before.requests).toBe(CONNECTIONS);
    expect(run.mock.calls.length).toBe(after.runs - before.runs);
    expect(run.mock.calls.length).toBeLessThan(CONNECTIONS);
    // Once per request: the records (metrics, logs) are the requests', with their own batch sizes.
    expect(records.map((r) => [r.requestId, r.status, r.predictions?.length]).sort()).toEqual(
      Array.from({ length: CONNECTIONS }, (_, i) => [`wave-${i}`, 200, rowsOf(i).length]).sort(),
    );
    run.mockRestore();
  });
});

/** Sends request `i` with its body split: headers and half now, the rest (and the client's FIN) at `finish()`. */
function halfSent(port: number, i: number): Promise<{ finish: () => Promise<string> }> {
  const body = JSON.stringify({ instances: rowsOf(i).map((row) => expected.instances[row]) });
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const half = Math.floor(body.length / 2);
      socket.write(`POST /invocations HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const ended = new Promise<string>((done) => socket.on('close', () => done(answer)));
      resolve({ finish: () => (socket.end(body.slice(half)), ended) });
    });
    socket.on('error', reject);
  });
}

describe('Given clients that end their side of the connection with the request', () => {
  // Node's server ends such a connection when it reads the client's FIN, dropping answers not yet written: a batch
  // must run in the turn its requests arrived, as each would have alone.
  it('When their bodies complete at once, then every one is answered', async () => {
    const { server } = await serve({});
    try {
      const requests = await Promise.all([0, 1, 2, 3].map((i) => halfSent(server.port, i)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const answers = await Promise.all(requests.map((request) => request.finish()));
      expect(answers.map((answer) => answer.slice(0, 15))).toEqual(Array(4).fill('HTTP/1.1 200 OK'));
    } finally {
      await server.close();
    }
  });
});

describe('Given the local server with dynamic batching off', () => {
  it('When requests arrive together, then each runs alone', async () => {
    const { server } = await serve({ dynamicBatching: false });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    try {
      expect(server.batching).toBeUndefined();
      expect(server.app.model()).toBe(server.model);
      expectOwnAnswers(await wave(server.url, agent, CONNECTIONS));
      const run = jest.spyOn((server.model as OnnxModel).session, 'run');
      expectOwnAnswers(await wave(server.url, agent, CONNECTIONS));
      expect(run).toHaveBeenCalledTimes(CONNECTIONS);
    } finally {
      agent.destroy();
      await server.close();
    }
  });
});
