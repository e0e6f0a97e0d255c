/**
 * Safety net for the benchmark's child processes: exit if the parent (the bench run) goes away, or after a
 * maximum lifetime, so no child can outlive the run even if the parent is killed with SIGKILL.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Prints one machine-readable line for the parent: `BENCH_<tag> <json>`. */
export function report(tag: string, payload: unknown): void {
  process.stdout.write(`BENCH_${tag} ${JSON.stringify(payload)}\n`);
}

/** Installs the watchdogs; `maxLifetimeMs` defaults to `BENCH_MAX_LIFETIME_MS` or 5 minutes. */
export function guardChild(maxLifetimeMs = Number(process.env.BENCH_MAX_LIFETIME_MS ?? 300_000)): void {
  const parent = process.ppid;
  const watchdog = setInterval(() => {
    if (process.ppid !== parent) process.exit(3);
  }, 500);
  watchdog.unref();
  const lifetime = setTimeout(() => {
    process.stderr.write(`bench child: maximum lifetime of ${maxLifetimeMs} ms reached, exiting\n`);
    process.exit(4);
  }, maxLifetimeMs);
  lifetime.unref();
}

/**
 * Serves a baseline server the way every benchmark server is served: keep-alive, a random loopback port reported
 * to the parent as `BENCH_READY {url}`, and SIGTERM closing every connection before exiting 0.
 */
export function serveOnLoopback(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => {
    const { address, port } = server.address() as AddressInfo;
    report('READY', { url: `http://${address}:${port}` });
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
