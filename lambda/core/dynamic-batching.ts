/**
 * Dynamic batching (as Triton's dynamic batcher and MLServer's adaptive batching do it, without their timer): the
 * requests that reach the model while it is running are queued, and run together as one batch, in one `session.run`,
 * as soon as it is free; each request gets back its own rows' predictions. A request that finds the model idle runs
 * at once, alone: nothing ever waits for others to arrive.
 *
 * onnxruntime-node runs `session.run` synchronously on the event loop (in a `setImmediate`), so under concurrent load
 * the requests parsed while one run is pending are exactly those this queue gathers: one run per event-loop turn
 * instead of one per request, which amortizes the fixed cost of a run (~15 µs for a small tabular model).
 *
 * - Rows are concatenated along the first dimension of every input (`batch-concat.ts`). A model whose inputs have a
 *   fixed first dimension is never batched; nor are batches that do not agree on their inputs.
 * - A run holds at most `maxRows` rows; a request that does not fit in what is left starts the next run.
 * - If a batched run fails, each of its requests is run again alone: one request never fails another, and each
 *   gets the error it would have got alone.
 * - A row's answer is the model's answer for that row in a bigger batch: for most models bit-identical to its answer
 *   alone, but a matrix product may differ in the last bit of a float32 (the kernel's summation order can depend
 *   on the batch). Hosts offer an opt-out for who needs answers independent of the traffic.
 */
import { concatBatches, concatenable } from './batch-concat';
import type { LoadedModel, ModelSignature, Prediction, PreparedBatch } from './types';

/** Options of {@link DynamicBatchingModel}. */
export interface DynamicBatchingOptions {
  /** Most rows in one batched run (a request larger than this runs alone). */
  readonly maxRows: number;
}

/** Counts since the model was wrapped. */
export interface DynamicBatchingStats {
  /** Predictions requested (calls of `predict`). */
  readonly requests: number;
  /** Runs of the wrapped model, batched or not (a failed batched run's reruns included). */
  readonly runs: number;
}

interface Pending {
  readonly batch: PreparedBatch;
  readonly resolve: (predictions: Prediction[]) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Whether the model takes any number of rows: no input has a fixed first dimension (a symbolic one, or an unknown
 * shape, which the runtime already feeds with each request's rows).
 */
export function takesAnyBatch(signature: ModelSignature): boolean {
  return signature.inputs.every((input) => typeof input.shape[0] !== 'number' || input.shape[0] <= 0);
}

/** The wrapped model's `predict`, as a promise even if it throws (then rejected with what it threw). */
function predictWith(model: LoadedModel, batch: PreparedBatch): Promise<Prediction[]> {
  return new Promise<Prediction[]>((resolve) => resolve(model.predict(batch)));
}

/** A model whose concurrent predictions share runs; see the module's comment. */
export class DynamicBatchingModel implements LoadedModel {
  /** Whether this model's predictions are batched at all (its inputs take any number of rows). */
  readonly batching: boolean;
  private readonly maxRows: number;
  /** Runs started and not yet settled. */
  private running = 0;
  /** Requests waiting for the runs in progress: groups of at most `maxRows` rows, the last one open. */
  private groups: Pending[][] = [];
  private openRows = 0;
  private requestCount = 0;
  private runCount = 0;

  constructor(
    private readonly model: LoadedModel,
    options: DynamicBatchingOptions,
  ) {
    this.batching = takesAnyBatch(model.signature);
    this.maxRows = options.maxRows;
  }

  get manifest(): LoadedModel['manifest'] {
    return this.model.manifest;
  }

  get sha256(): string {
    return this.model.sha256;
  }

  get signature(): ModelSignature {
    return this.model.signature;
  }

  stats(): DynamicBatchingStats {
    return { requests: this.requestCount, runs: this.runCount };
  }

  predict(batch: PreparedBatch): Promise<Prediction[]> {
    this.requestCount++;
    if (!this.batching) return this.runAlone(batch);
    if (this.running === 0) return this.runAlone(batch, true);
    return new Promise<Prediction[]>((resolve, reject) => this.enqueue({ batch, resolve, reject }));
  }

  close(): Promise<void> {
    return this.model.close();
  }

  private enqueue(pending: Pending): void {
    const groups = this.groups;
    const open = groups.length === 0 ? undefined : groups[groups.length - 1];
    const rows = pending.batch.count;
    if (open === undefined || this.openRows + rows > this.maxRows || !concatenable(open[0].batch, pending.batch)) {
      groups.push([pending]);
      this.openRows = rows;
    } else {
      open.push(pending);
      this.openRows += rows;
    }
  }

  /** One run of the wrapped model; `tracked` runs count as in progress (requests arriving meanwhile queue). */
  private runAlone(batch: PreparedBatch, tracked = false): Promise<Prediction[]> {
    this.runCount++;
    const run = predictWith(this.model, batch);
    if (!tracked) return run;
    this.running++;
    const settled = (): void => this.settled();
    run.then(settled, settled);
    return run;
  }

  private settled(): void {
    this.running--;
    if (this.running === 0 && this.groups.length > 0) this.flush();
  }

  /** Starts one run per waiting group. */
  private flush(): void {
    const groups = this.groups;
    this.groups = [];
    this.openRows = 0;
    for (const group of groups) {
      if (group.length === 1) {
        const [only] = group;
        this.runAlone(only.batch, true).then(only.resolve, only.reject);
      } else {
        this.runGroup(group);
      }
    }
  }

  /** One run for the whole group, each request's rows handed back to it; on failure, each request alone. */
  private runGroup(group: readonly Pending[]): void {
    let merged: PreparedBatch;
    try {
      merged = concatBatches(group.map((p) => p.batch));
    } catch {
      for (const p of group) this.runAlone(p.batch).then(p.resolve, p.reject);
      return;
    }
    this.runAlone(merged, true).then(
      (predictions) => {
        if (predictions.length !== merged.count) throw new Error(`${predictions.length} predictions for ${merged.count} rows`);
        let at = 0;
        for (const p of group) {
          const end = at + p.batch.count;
          p.resolve(predictions.slice(at, end));
          at = end;
        }
      },
    ).catch(() => {
      for (const p of group) this.runAlone(p.batch).then(p.resolve, p.reject);
    });
  }
}
