/**
 * The local server on 127.0.0.1, port 0, with real HTTP requests: predictions, streamed-body limits, graceful
 * shutdown, and garbage that must never take it down.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { loadModelFromDirectory } from '../../../lambda/core/model';
import { startServer } from '../../../lambda/hosts/local-server';
import { handleShutdownSignals } from '../../../lambda/hosts/shutdown-signals';
import type { RunningServer, ServerOptions } from '../../../lambda/hosts/local-server';
import type { Prediction } from '../../../lambda/core/types';


const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const expected = JSON.parse(readFileSync(join(IRIS, 'expected.json'), 'utf8')) as {
  instances: Array<Record<string, number>>;
  float32Predictions: Prediction[];
};
const ONE = { sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 };

function start(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  return startServer({ model: IRIS, port: 0, logLevel: 'SILENT', announce: () => undefined, ...options });
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function readResponse(res: http.IncomingMessage): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    res.on('error', reject);
  });
}

describe('serving iris', () => {
  let server: RunningServer;
  const announced: string[] = [];

  beforeAll(async () => {
    server = await start({ announce: (line) => announced.push(line), limits: { maxPayloadBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await server.close();
  });

  test('announces where it listens', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    expect(announced).toEqual([`modelstack: serving iris 1.0.0 on ${server.url}`]);
  });

  test('POST /invocations (JSON and CSV), with keep-alive and a request id', async () => {
    const response = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'client-1' },
      body: JSON.stringify({ instances: expected.instances }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe('client-1');
    expect(response.headers.get('connection')).toBe('keep-alive');
    const { predictions } = (await response.json()) as { predictions: Array<{ label: string }> };
    expect(predictions.map((p) => p.label)).toEqual(expected.float32Predictions.map((p) => (p as { label: string }).label));

    const csv = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n4.4,3.2,1.3,0.2\n',
    });
    expect(csv.status).toBe(200);
    expect(((await csv.json()) as { predictions: Array<{ label: string }> }).predictions[0].label).toBe('setosa');
  });

  test('a request without a usable x-request-id gets one of its own, different each time', async () => {
    const ids: Array<string | null> = [];
    for (const headers of [{}, {}, { 'x-request-id': 'x'.repeat(201) }] as Array<Record<string, string>>) {
      ids.push((await fetch(`${server.url}/ping`, { headers })).headers.get('x-request-id'));
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}-\d+$/);
    expect(new Set(ids).size).toBe(3);
  });

  test("the app's headers go out as they are, with the body's length in bytes", async () => {
    const wrongMethod = await fetch(`${server.url}/invocations`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(wrongMethod.headers.get('content-type')).toBe('application/json');
    expect(wrongMethod.headers.get('content-length')).toBe(String(Buffer.byteLength(await wrongMethod.text())));
    const nonAscii = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ ...ONE, sepal_length_cm: 'é€😀' }] }),
    });
    expect(nonAscii.status).toBe(400);
    const text = await nonAscii.text();
    expect(text).toContain('é€😀');
    expect(nonAscii.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
  });

  test('GET /ping, and 404 with the query string ignored', async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const missing = await fetch(`${server.url}/nope?x=1`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^no route for GET "\/nope"/);
  });

  test('413 from the declared Content-Length, before the body is read', async () => {
    const body = JSON.stringify({ instances: new Array(3000).fill(ONE) });
    const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: `request body is ${Buffer.byteLength(body)} bytes; the limit is 65536 bytes` });
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  test('413 early on a big streamed (chunked) body: the rest is never sent or buffered', async () => {
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const planned = 4096; // 64 MiB if the server read it all
    let written = 0;
    const result = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        readResponse(res).then(resolve, reject);
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      const pump = (): void => {
        while (!answered && written < planned) {
          written++;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(result.status).toBe(413);
    expect(result.headers.connection).toBe('close');
    expect(JSON.parse(result.body)).toEqual({
      error: expect.stringMatching(/^request body is more than 65536 \(\d+ received so far\) bytes; the limit is 65536 bytes$/),
    });
    expect(written).toBeLessThan(planned);
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });

  test('413 as the answer to Expect: 100-continue, without sending the body', async () => {
    const result = await new Promise<{ response: RawResponse; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = http.request(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024), expect: '100-continue' },
      });
      req.on('continue', () => (continued = true));
      req.on('response', (res) => {
        readResponse(res).then((response) => {
          req.destroy();
          resolve({ response, continued });
        }, reject);
      });
      req.on('error', () => undefined);
      req.flushHeaders();
    });
    expect(result.continued).toBe(false);
    expect(result.response.status).toBe(413);
    expect(JSON.parse(result.response.body).error).toBe(`request body is ${10 * 1024 * 1024} bytes; the limit is 65536 bytes`);
  });

  test('garbage (HTTP requests and raw bytes) never takes the server down', async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const paths = ['/invocations', '/v2/models/iris/infer', '/ping', '/v2/models/x/infer', '/%00', '/invocations?a=%ff'];
    const types = ['application/json', 'text/csv', 'application/octet-stream', 'text/csv; charset=utf-16', ''];
    const bodies = ['{"instances": [[1, 2, 3, 4]]}', '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}', '1,2,3,4\n5,6'];
    for (let i = 0; i < 150; i++) {
      const method = pick(['POST', 'GET', 'PUT', 'PATCH']);
      let body: Buffer | string = random() < 0.3 ? bytes(Math.floor(random() * 300)) : pick(bodies);
      if (typeof body === 'string' && random() < 0.5) body = body.slice(0, Math.floor(random() * body.length));
      const response = await fetch(`${server.url}${pick(paths)}`, {
        method,
        headers: { 'content-type': pick(types) },
        ...(method === 'GET' ? {} : { body }),
      });
      expect([200, 400, 404, 405, 413, 415]).toContain(response.status);
      JSON.parse(await response.text());
    }
    // Not even HTTP: Node answers 400 and closes; the server stays up.
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => socket.end(bytes(1 + Math.floor(random() * 200))));
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
    }
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  test('close() stops accepting, finishes the in-flight request, then resolves', async () => {
    const server = await start();
    const body = JSON.stringify({ instances: [ONE] });
    const half = Math.floor(body.length / 2);
    const req = http.request(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    const answered = new Promise<RawResponse>((resolve, reject) => {
      req.on('response', (res) => void readResponse(res).then(resolve, reject));
      req.on('error', reject);
    });
    req.write(body.slice(0, half));
    // The request is in flight once the server has its headers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    // No new connections.
    await expect(fetch(`${server.url}/ping`)).rejects.toThrow();
    req.end(body.slice(half));
    const response = await answered;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect((JSON.parse(response.body) as { predictions: Array<{ label: string }> }).predictions[0].label).toBe('setosa');
    await expect(closing).resolves.toEqual({ forced: false });
    // Idempotent; the model this server loaded is released.
    await expect(server.close()).resolves.toEqual({ forced: false });
    await expect(server.model.predict({ data: new Float32Array(4), count: 1 })).rejects.toThrow('closed');
  });

  test('after the timeout, requests still running are cut and close() reports it', async () => {
    const model = await loadModelFromDirectory(IRIS);
    try {
      const server = await start({ model });
      const req = http.request(`${server.url}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '1000' },
      });
      req.on('error', () => undefined);
      req.write('{"instances": [');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(server.close({ timeoutMs: 100 })).resolves.toEqual({ forced: true });
      // The caller's model is not closed by the server.
      await expect(model.predict({ data: new Float32Array(4), count: 1 })).resolves.toHaveLength(1);
    } finally {
      await model.close();
    }
  });

  test('handleShutdownSignals: first signal closes gracefully and exits 0', async () => {
    const server = await start();
    const exits: number[] = [];
    const lines: string[] = [];
    const remove = handleShutdownSignals(server, { signals: ['SIGUSR2'], exit: (code) => exits.push(code), announce: (l) => lines.push(l) });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(exits).toEqual([0]);
      expect(lines[0]).toBe('modelstack: SIGUSR2: finishing in-flight requests, then exiting');
      await expect(fetch(`${server.url}/ping`)).rejects.toThrow();
    } finally {
      remove();
    }
  });

  test('startServer fails clearly for a missing model directory', async () => {
    await expect(start({ model: join(IRIS, 'missing') })).rejects.toThrow(/missing\/model\.(json|onnx)/);
  });
});
