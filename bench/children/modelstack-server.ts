/**
 * The modelstack local server (`startServer` from lambda/hosts/local-server.ts, default options as `npm start` uses) serving
 * the model directory in `BENCH_MODEL_DIR` on 127.0.0.1, port 0. Run as a child process (bundled, plain `node`) so
 * the load generator in the parent does not compete with it inside one event loop.
 */
import { startServer } from '../../lambda/hosts/local-server';
import { handleShutdownSignals } from '../../lambda/hosts/shutdown-signals';
import { guardChild, report } from './guard';

guardChild();
const dir = process.env.BENCH_MODEL_DIR;
if (dir === undefined || dir === '') {
  process.stderr.write('BENCH_MODEL_DIR is not set\n');
  process.exit(2);
}
startServer({ model: dir, port: 0, host: '127.0.0.1', announce: () => undefined }).then(
  (server) => {
    handleShutdownSignals(server, { timeoutMs: 1000, announce: () => undefined });
    report('READY', { url: server.url });
  },
  (error: unknown) => {
    process.stderr.write(`modelstack server failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
