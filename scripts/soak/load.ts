/**
 * The soak under load: the server in a child process, autocannon in this one, the mix cycled at the given
 * concurrency for a number of requests (bounded in time), warm-up first. Counts every response by status and by
 * whether the mix expected it, and samples the server's RSS at start, after the warm-up and at the end.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { ChildMessage } from './server-child';
import type { MixEntry } from './mix';

/** Figures of one load run. */
export interface LoadFigures {
  readonly requests: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Responses whose status is not the one the mix expects for that request. */
  readonly unexpected: number;
  /** The unexpected ones by request kind and status. */
  readonly unexpectedByKind: Readonly<Record<string, number>>;
  /** Connection errors and timeouts, by code. */
  readonly errors: Readonly<Record<string, number>>;
}

/** A running server child. */
export interface ServerChild {
  readonly url: string;
  readonly process: ChildProcess;
  rss(): Promise<number>;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

/** Starts `server-child.ts` on `modelDir` and waits until it listens. */
export async function startServerChild(modelDir: string): Promise<ServerChild> {
  const child = fork(join(__dirname, 'server-child.ts'), [modelDir], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the soak server did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the soak server exited with ${code} before listening`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.url);
    });
  });
  const rss = (): Promise<number> =>
    new Promise((resolve) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== 'rss') return;
        child.off('message', onMessage);
        resolve(message.bytes);
      };
      child.on('message', onMessage);
      child.send('rss');
    });
  return { url, process: child, rss, exited };
}

/** Splits `total` across the entries by weight, each getting at least 1. */
function shares(mix: readonly MixEntry[], total: number): number[] {
  const weights = mix.reduce((sum, entry) => sum + entry.weight, 0);
  return mix.map((entry) => Math.max(1, Math.ceil((total * entry.weight) / weights)));
}

/**
 * Runs about `amount` requests of the mix at about `connections` concurrency, stopping early after `maxSeconds`:
 * one autocannon instance per kind of request, with connections and requests shared out by weight, so that every
 * status is checked against the one its request must get.
 */
export async function runLoad(url: string, mix: readonly MixEntry[], amount: number, connections: number, maxSeconds: number): Promise<LoadFigures> {
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const unexpectedByKind: Record<string, number> = {};
  const amounts = shares(mix, amount);
  const concurrency = shares(mix, connections);
  const started = performance.now();
  const results = await Promise.all(
    mix.map(
      (entry, i) =>
        new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon(
            { url, connections: concurrency[i], amount: amounts[i] * (entry.closesConnection === true ? 2 : 1), requests: [entry.request], timeout: 10 },
            (error: Error | null, result: autocannon.Result) => {
              clearTimeout(bound);
              if (error === null) resolve(result);
              else reject(error);
            },
          );
          const bound = setTimeout(() => instance.stop(), maxSeconds * 1000);
          instance.on('response', (_client: unknown, status: number) => {
            byStatus[status] = (byStatus[status] ?? 0) + 1;
            if (status !== entry.status) {
              const kind = `${entry.name} got ${status}`;
              unexpectedByKind[kind] = (unexpectedByKind[kind] ?? 0) + 1;
            }
          });
          instance.on('reqError', (error: NodeJS.ErrnoException) => {
            const code = error.code ?? error.message;
            errors[code] = (errors[code] ?? 0) + 1;
          });
        }),
    ),
  );
  const durationS = (performance.now() - started) / 1000;
  const answered = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  // Latency percentiles of the largest kind (the valid predictions), which carries most of the load.
  const main = results[mix.reduce((best, entry, i) => (entry.weight > mix[best].weight ? i : best), 0)];
  return {
    requests: answered,
    durationS,
    requestsPerSecond: answered / durationS,
    p50Ms: main.latency.p50,
    p99Ms: main.latency.p99,
    byStatus,
    unexpected: Object.values(unexpectedByKind).reduce((sum, n) => sum + n, 0),
    unexpectedByKind,
    errors,
  };
}
