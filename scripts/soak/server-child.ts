/**
 * The soak's server process: the local server (as `npm start` runs it) on 127.0.0.1, port 0, with graceful shutdown
 * on SIGTERM. It tells the parent its URL over IPC and answers `rss` messages with its resident set size, so the
 * load generator's own memory never mixes into the figures.
 */
import { startServer } from '../../lambda/hosts/local-server';
import { handleShutdownSignals } from '../../lambda/hosts/shutdown-signals';
import { SOAK_LIMITS } from './mix';

/** Messages from this process to the parent. */
export type ChildMessage = { readonly type: 'ready'; readonly url: string } | { readonly type: 'rss'; readonly bytes: number };

const modelDir = process.argv[2];
const send = (message: ChildMessage): void => {
  process.send?.(message);
};

startServer({ model: modelDir, port: 0, host: '127.0.0.1', limits: SOAK_LIMITS, logLevel: 'SILENT', announce: () => undefined }).then(
  (server) => {
    handleShutdownSignals(server, { announce: (line) => process.stderr.write(`${line}\n`) });
    process.on('message', (message: unknown) => {
      if (message === 'rss') send({ type: 'rss', bytes: process.memoryUsage().rss });
    });
    send({ type: 'ready', url: server.url });
  },
  (error: unknown) => {
    process.stderr.write(`soak server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
