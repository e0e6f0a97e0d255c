/**
 * Requests that arrive broken, on the local server with raw sockets: a client that stalls in its headers or its
 * body gets 408 after `requestTimeoutMs` (recorded as reason `timeout`) and its connection is closed; JSON nested
 * 100,000 deep gets 400; the server keeps answering.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../lambda/hosts/local-server';
import type { RequestRecord } from '../../../lambda/serving/contract';
import { createObservability } from '../../../lambda/serving/observability';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const TIMEOUT_MS = 300;
const ONE = JSON.stringify({ instances: [{ sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 }] });

let server: RunningServer;
const records: RequestRecord[] = [];

beforeAll(async () => {
  const observability = createObservability({ serviceName: 'iris', metrics: false, logLevel: 'SILENT' });
  const onRequest = observability.hooks.onRequest;
  server = await startServer({
    model: IRIS,
    port: 0,
    announce: () => undefined,
    requestTimeoutMs: TIMEOUT_MS,
    observability: { ...observability, hooks: { ...observability.hooks, onRequest: (record, request) => {
      records.push(record);
      onRequest?.(record, request);
    } } },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  records.length = 0;
});

interface Stalled {
  readonly response: string;
  readonly closedAfterMs: number;
}

/** Sends `text` on a raw socket, then nothing; resolves with what came back once the server closes the socket. */
function stall(text: string): Promise<Stalled> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write(text));
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve({ response, closedAfterMs: Date.now() - started }));
    setTimeout(() => reject(new Error('the server did not close the stalled connection within 5 s')), 5000).unref();
  });
}

function post(path: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Given a server with requestTimeoutMs 300', () => {
  test('When a client sends half of its headers and stalls, then it gets 408 and the connection is closed', async () => {
    const { response, closedAfterMs } = await stall('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Ty');
    expect(response).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(response).toContain('connection: close');
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: expect.stringContaining('within 300 ms') });
    expect(closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(closedAfterMs).toBeLessThan(TIMEOUT_MS + 2000);
  });

  test('When a client sends its headers and part of its body and stalls, then it gets 408 recorded as reason "timeout"', async () => {
    const head = `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${ONE.length}\r\nx-request-id: stalled-1\r\n\r\n`;
    const { response } = await stall(head + ONE.slice(0, 20));
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(response).toContain('x-request-id: stalled-1');
    expect(records).toEqual([expect.objectContaining({ requestId: 'stalled-1', method: 'POST', path: '/invocations', status: 408, reason: 'timeout' })]);
  });

  test('When a client stalls in its headers, then the timeout is recorded too, without a method or path', async () => {
    await stall('GET /ping HTTP/1.1\r\n');
    expect(records).toEqual([expect.objectContaining({ status: 408, reason: 'timeout', method: '-', path: '-' })]);
  });

  test('When a client sends a whole request slowly but within the timeout, then it is answered 200', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => {
        socket.write(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${ONE.length}\r\nConnection: close\r\n\r\n`);
        setTimeout(() => socket.write(ONE), 100);
      });
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });

  test('When an idle keep-alive connection waits longer than the timeout, then it is not answered 408', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const first = await new Promise<number>((resolve) => http.get(`${server.url}/ping`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }));
    await new Promise((r) => setTimeout(r, TIMEOUT_MS * 2));
    const second = await new Promise<number>((resolve) => http.get(`${server.url}/ping`, { agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); }));
    agent.destroy();
    expect([first, second]).toEqual([200, 200]);
    expect(records.filter((r) => r.status === 408)).toEqual([]);
  });
});

describe('Given pathological JSON', () => {
  test.each([
    ['100,000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['instances holding 100,000 nested arrays', `{"instances":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`],
    ['100,000 nested objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
  ])('When the body is %s, then /invocations and /v2 answer 400 naming the depth limit, and the server still answers', async (_name, body) => {
    for (const path of ['/invocations', '/v2/models/iris/infer']) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      expect(response.body).toContain('more than 64 deep');
    }
    expect((await post('/invocations', ONE)).status).toBe(200);
  });

  test('When an instance has 200,000 keys, then the answer is 400 naming the key limit', async () => {
    const body = `{"instances":[{${Array.from({ length: 200_000 }, (_, i) => `"k${i}":1`).join(',')}}]}`;
    const response = await post('/invocations', body);
    expect(response.status).toBe(400);
    expect(response.body).toContain('more than 10000 keys');
  });
});
