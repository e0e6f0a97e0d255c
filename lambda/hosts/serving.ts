/**
 * Serving a model directory on every CPU: one local server (`local-server.ts`) for one worker, else a pool of
 * workers sharing the port (`worker-pool.ts`). `modelstack serve` and the SageMaker container both start here.
 * onnxruntime's intra-op threads are set so that workers × threads does not exceed the CPUs (`cpus.ts`).
 */
import { join } from 'node:path';
import { readManifest } from '../core/manifest';
import { CONTAINER_ENV, MANIFEST_FILE_NAME, MAX_CONTAINER_WORKERS } from '../core/runtime-defaults';
import { availableCpus, threadsPerWorker } from './cpus';
import { startServer } from './local-server';
import { applyServingHeapSettings } from './serving-heap';
import type { CloseResult, ServerOptions } from './local-server';
import { isPoolWorker, runPoolWorker, startPool } from './worker-pool';

/** SageMaker's variable for the number of model server workers (its own containers read it too). */
export const WORKERS_ENV = CONTAINER_ENV.workers;

/** Most workers one process supervises. */
export const MAX_WORKERS = MAX_CONTAINER_WORKERS;

export interface ServingOptions extends ServerOptions {
  /** A model directory: each worker loads its own session from it. */
  readonly model: string;
  /** Number of server processes. @default the CPUs available to the process (`availableCpus()`) */
  readonly workers?: number;
  /** onnxruntime intra-op threads per worker. @default threadsPerWorker(CPUs, workers) */
  readonly threads?: number;
  /** Receives worker events (a worker died and is replaced). @default console.error */
  readonly log?: (line: string) => void;
}

/** A running model server: one process or a pool. */
export interface Serving {
  readonly url: string;
  readonly port: number;
  /** The served model's name and version. */
  readonly name: string;
  readonly version: string;
  readonly workers: number;
  /** Graceful shutdown of every worker; idempotent. */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
}

/**
 * Starts serving; resolves once every worker listens. In a pool worker (the same entry point, run again by
 * `node:cluster`) it serves as that worker and resolves with `undefined`: the primary announces and handles signals.
 * @throws whatever loading the model or listening throws (for a pool, as {@link WorkerStartError})
 */
export async function startServing(options: ServingOptions): Promise<Serving | undefined> {
  // In the primary of a pool too: it holds little, but it runs as long as the workers.
  applyServingHeapSettings();
  const cpus = availableCpus();
  const workers = options.workers ?? cpus;
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new RangeError(`workers must be a whole number from 1 to ${MAX_WORKERS} (got ${workers})`);
  }
  const threads = options.threads ?? threadsPerWorker(cpus, workers);
  if (isPoolWorker()) {
    await runPoolWorker(() => startServer({ ...options, threads, announce: () => undefined }));
    return undefined;
  }
  const announce = options.announce ?? console.log;
  if (workers === 1) {
    const server = await startServer({ ...options, threads, announce });
    const { name, version } = server.model.manifest;
    return { url: server.url, port: server.port, name, version, workers: 1, close: (o) => server.close(o) };
  }
  // The manifest is read here too: a wrong directory fails once, in this process, before any worker is forked.
  await readManifest(join(options.model, MANIFEST_FILE_NAME));
  const pool = await startPool({
    workers,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs: options.shutdownTimeoutMs }),
  });
  announce(`modelstack: serving ${pool.name} ${pool.version} on ${pool.url}`);
  announce(
    `modelstack: ${workers} workers (pids ${pool.pids().join(', ')}) on ${cpus} CPU${cpus === 1 ? '' : 's'}, ` +
      `${threads} onnxruntime thread${threads === 1 ? '' : 's'} each`,
  );
  return pool;
}
