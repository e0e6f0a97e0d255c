/**
 * A pool whose start fails while another worker's IPC channel is already closed but its process has not exited yet:
 * the window in which the primary, closing the pool, sends `shutdown` to a worker that can no longer receive it
 * (a closed channel, or EPIPE when the worker died a moment earlier). The order is forced, not left to chance:
 *
 * 1. worker 2 disconnects its channel and stays alive for a while (as a worker that is exiting does);
 * 2. once the primary has seen that disconnect (and worker 1 waits for its word), it tells worker 1 to go on, and
 *    worker 1's start fails;
 * 3. the pool's start fails with worker 1's error, and closing it sends `shutdown` to worker 2, which the primary
 *    ends (SIGTERM) only once worker 1 has exited.
 *
 * The primary prints `pool-closed-channel: <message>` and exits 1; anything else (an unhandled `error` event) is
 * the defect. Run: `node --import tsx test/support/pool-closed-channel-main.ts`.
 */
import cluster, { type Worker } from 'node:cluster';
import { runPoolWorker, startPool } from '../../lambda/hosts/worker-pool';

/** How long worker 2 lives on after closing its channel at most: the primary ends it sooner (SIGTERM). */
const LINGER_MS = 60_000;
/** The message of worker 1's failed start (set by the test). */
const WORKER_FAILURE = process.env.WORKER_FAILURE ?? 'worker 1 failed';

function worker(): void {
  const self = cluster.worker;
  if (self?.id === 2) {
    // As the worker's own decision (not a primary gone), so that cluster does not end the process at once.
    self.disconnect();
    const linger = setTimeout(() => process.exit(1), LINGER_MS);
    process.on('SIGTERM', () => {
      clearTimeout(linger);
      process.exit(1);
    });
    return;
  }
  void runPoolWorker(
    () =>
      new Promise((_resolve, reject) => {
        process.on('message', (message: { test?: string }) => {
          if (message.test !== 'fail now') return;
          const error = new Error(WORKER_FAILURE);
          error.name = 'ModelMismatchError';
          reject(error);
        });
        process.send?.({ test: 'waiting' });
      }),
  );
}

async function primary(): Promise<void> {
  // Worker 1 fails only once it listens for the word and worker 2's channel is closed, whichever comes last.
  let pending = 2;
  let exiting: Worker | undefined;
  const step = (): void => {
    pending -= 1;
    if (pending === 0) cluster.workers?.[1]?.send({ test: 'fail now' });
  };
  cluster.on('message', (from, message: { test?: string }) => {
    if (from.id === 1 && message.test === 'waiting') step();
  });
  cluster.on('disconnect', (disconnected) => {
    if (disconnected.id !== 2) return;
    // Cluster forgets a disconnected worker: keep it, to end it below.
    exiting = disconnected;
    step();
  });
  // Worker 2 goes only once worker 1 has exited: the pool, closing on worker 1's exit, still counts it as alive.
  cluster.on('exit', (exited) => {
    if (exited.id === 1) exiting?.process.kill('SIGTERM');
  });
  try {
    await startPool({ workers: 2, shutdownTimeoutMs: 1000 });
    console.error('pool-closed-channel: the pool started, but worker 1 was to fail');
  } catch (error) {
    console.error(`pool-closed-channel: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}

if (cluster.isPrimary) void primary();
else worker();
