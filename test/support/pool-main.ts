/**
 * A pool of server workers as `modelstack serve` runs it (`startServing`), for the worker-pool tests: the example
 * model, port 0, `POOL_WORKERS` workers, metrics on (EMF to stdout, flushed at shutdown). Each worker also prints
 * `{"servedBy": <pid>}` for every request it answers, so a test can tell the workers apart.
 *
 * Run: `node --import tsx test/support/pool-main.ts`.
 */
import { join } from 'node:path';
import { isPoolWorker } from '../../lambda/hosts/worker-pool';
import { startServing } from '../../lambda/hosts/serving';
import { handleShutdownSignals } from '../../lambda/hosts/shutdown-signals';
import { createObservability } from '../../lambda/serving/observability';
import type { Observability } from '../../lambda/serving/observability';

const MODEL_DIR = join(__dirname, '..', '..', 'examples', 'iris');

/** The worker's logs and metrics, plus one line per request naming the process that answered it. */
function recordingObservability(): Observability {
  const observability = createObservability({ serviceName: 'iris', metrics: true });
  const onRequest = observability.hooks.onRequest;
  return {
    ...observability,
    hooks: {
      ...observability.hooks,
      onRequest: (record, request) => {
        process.stdout.write(`${JSON.stringify({ servedBy: process.pid, status: record.status })}\n`);
        onRequest?.(record, request);
      },
    },
  };
}

async function run(): Promise<void> {
  const serving = await startServing({
    model: MODEL_DIR,
    port: 0,
    workers: Number(process.env.POOL_WORKERS ?? '2'),
    // Flushed at shutdown only, so that every request's metrics appear exactly once in the output.
    metricsFlushIntervalMs: 3_600_000,
    ...(isPoolWorker() ? { observability: recordingObservability() } : {}),
  });
  if (serving !== undefined) handleShutdownSignals(serving);
}

run().catch((error: unknown) => {
  console.error(`pool-main: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
