/**
 * The local server through real sockets where clients used to lose answers: a declared oversized body (413 must
 * reach the client, not a reset), shutdown under keep-alive load (no request cut), and a body that is not UTF-8
 * (400 naming the byte offset).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { join } from 'node:path';
import { startServer } from '../../../lambda/hosts/local-server';
import type { RunningServer } from '../../../lambda/hosts/local-server';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const LIMIT = 64 * 1024;
const VALID_BODY = JSON.stringify({ instances: [{ sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 }] });

function start(): Promise<RunningServer> {
  return startServer({ model: IRIS, port: 0, logLevel: 'SILENT', announce: () => undefined, limits: { maxPayloadBytes: LIMIT } });
}

/** Sends headers declaring `declared` bytes, then keeps writing the body; resolves with all the bytes read back. */
function rawOversizedPost(port: number, declared: number): Promise<string> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < declared && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    // Like a client that sends the headers, then the body a moment later, and reads only once it has sent it all.
    socket.pause();
    socket.on('connect', () => {
      socket.write(`POST /invocations HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n`);
      setTimeout(pump, 50);
    });
    const readAll = setInterval(() => {
      if (sent < declared) return;
      clearInterval(readAll);
      socket.resume();
      socket.end();
    }, 10);
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(readAll);
      resolve(Buffer.concat(received).toString('latin1'));
    });
  });
}

/** Node's HTTP client sending a declared oversized body: the response, or the error it got instead. */
function nodeClientOversizedPost(url: string, declared: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(`${url}/invocations`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': String(declared) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(Buffer.alloc(declared, 0x20));
  });
}

describe('Given a declared Content-Length over the limit', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.close();
  });

  test('When a raw client keeps sending the body, then it reads the 413 every time', async () => {
    const tries = Array.from({ length: 6 }, () => rawOversizedPost(server.port, 1024 * 1024));
    const answers = (await Promise.all(tries)).map((received) => received.split('\r\n')[0]);
    expect(answers).toEqual(new Array(6).fill('HTTP/1.1 413 Payload Too Large'));
  });

  test("When Node's HTTP client sends the whole body, then it gets the 413, never EPIPE or ECONNRESET", async () => {
    const answers: Array<number | string> = [];
    for (let i = 0; i < 6; i++) answers.push(await nodeClientOversizedPost(server.url, 16 * 1024 * 1024));
    expect(answers).toEqual(new Array(6).fill(413));
  });
});

describe('Given keep-alive load when the server is closed', () => {
  test('When requests keep coming on open connections, then each is answered (with connection: close) or refused before it is sent', async () => {
    const server = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
    const outcomes = new Map<string, number>();
    const count = (key: string): void => {
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    };
    let stop = false;
    const one = (): Promise<void> =>
      new Promise((resolve) => {
        const req = http.request(`${server.url}/invocations`, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(VALID_BODY)) },
        });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => {
            count(`${res.statusCode}${res.headers.connection === 'close' ? ' close' : ''}`);
            resolve();
          });
        });
        req.on('error', (error: NodeJS.ErrnoException) => {
          count(req.reusedSocket ? `${error.code ?? error.message} on an open connection` : 'refused or reset on a new connection');
          resolve();
        });
        req.end(VALID_BODY);
      });
    const worker = async (): Promise<void> => {
      while (!stop) await one();
    };
    const workers = Array.from({ length: 32 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const closed = server.close({ timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 400));
    stop = true;
    await Promise.all(workers);
    agent.destroy();
    await expect(closed).resolves.toEqual({ forced: false });
    // 200 before the close, 200 with connection: close after it; a new connection is refused once the listener is
    // gone (or reset by the kernel if it was still queued, unread, when the listener closed). Nothing on an open
    // connection is lost.
    expect(Object.keys(Object.fromEntries(outcomes)).sort()).toEqual(['200', '200 close', 'refused or reset on a new connection']);
  });
});

describe('Given a body that is not UTF-8', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server.close();
  });

  test('When a JSON string holds byte 0xff, then the 400 names the encoding and the byte offset', async () => {
    const body = Buffer.concat([Buffer.from('{"instances": [{"sepal_length_cm": "'), Buffer.from([0xff]), Buffer.from('"}]}')]);
    const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      'request body is not valid UTF-8: byte 0xff at byte offset 36 starts, continues or ends a sequence that UTF-8 ' +
        'does not allow; send the body encoded as UTF-8',
    );
  });

  test('When a CSV row on the v1 route holds a truncated sequence, then the 400 names its offset', async () => {
    const body = Buffer.concat([Buffer.from('4.4,3.2,1.3,0.2\n5.1,'), Buffer.from([0xe2, 0x82])]);
    const response = await fetch(`${server.url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^request body is not valid UTF-8: byte 0x82 at byte offset 21 /);
  });
});
