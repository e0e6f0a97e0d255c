/**
 * A pool of scoring worker threads, one onnxruntime session each. A chunk goes to the worker with the fewest
 * chunks in hand; each worker scores its chunks in order.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RecordChunk, ScoredChunk } from '../../lambda/batch/chunk-scorer';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import type { ScoringWorkerData, WorkerReply, WorkerRequest } from './worker-messages';

/** A worker could not load the model, or failed on a chunk for a reason other than the rows' own. */
export class ScoringWorkerError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'ScoringWorkerError';
  }
}

interface Waiting {
  readonly resolve: (result: ScoredChunk) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly thread: Worker;
  readonly waiting: Map<number, Waiting>;
}

/**
 * The worker's script: the compiled scorer beside this file in the built package (dist/), else, from the sources,
 * an entry that registers tsx first (a worker thread does not inherit its parent's TypeScript loader).
 */
const COMPILED_ENTRY = join(__dirname, 'scoring-worker.js');
const ENTRY = existsSync(COMPILED_ENTRY) ? COMPILED_ENTRY : join(__dirname, 'worker-entry.cjs');

export class WorkerPool {
  private nextId = 0;
  private closed = false;

  private constructor(private readonly workers: readonly PoolWorker[]) {}

  /** Starts `count` workers and resolves once every one has loaded the model. */
  static async start(count: number, data: ScoringWorkerData): Promise<WorkerPool> {
    const workers: PoolWorker[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const thread = new Worker(ENTRY, { workerData: data });
      const worker: PoolWorker = { thread, waiting: new Map() };
      workers.push(worker);
      ready.push(WorkerPool.attach(worker));
    }
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Wires a worker's replies; resolves when it is ready. */
  private static attach(worker: PoolWorker): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const failAll = (error: Error): void => {
        reject(error);
        for (const waiting of worker.waiting.values()) waiting.reject(error);
        worker.waiting.clear();
      };
      worker.thread.on('message', (reply: WorkerReply) => {
        if (reply.type === 'ready') resolve();
        else if (reply.type === 'failed') failAll(new ScoringWorkerError(reply.message));
        else {
          const waiting = worker.waiting.get(reply.id);
          worker.waiting.delete(reply.id);
          if (reply.type === 'scored') waiting?.resolve(reply.result);
          else waiting?.reject(new ScoringWorkerError(`a scoring worker failed: ${reply.message}`));
        }
      });
      worker.thread.on('error', (error) => failAll(error));
      worker.thread.on('exit', (code) => {
        if (code !== 0 || worker.waiting.size > 0) failAll(new ScoringWorkerError(`a scoring worker exited with code ${code}`));
      });
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Scores `chunk` on the least busy worker. */
  score(chunk: RecordChunk): Promise<ScoredChunk> {
    if (this.closed) return Promise.reject(new ScoringWorkerError('the worker pool is closed'));
    let chosen = this.workers[0];
    for (const worker of this.workers) if (worker.waiting.size < chosen.waiting.size) chosen = worker;
    const id = this.nextId++;
    return new Promise<ScoredChunk>((resolve, reject) => {
      chosen.waiting.set(id, { resolve, reject });
      chosen.thread.postMessage({ id, chunk } satisfies WorkerRequest);
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((worker) => worker.thread.terminate()));
  }
}

