/**
 * Dynamic batching (as Triton's dynamic batcher and MLServer's adaptive batching do it, without their timer): the
 * predictions asked for in one event-loop turn run together, as one batch in one `session.run`, at the point of the
 * loop where each would have run alone; each request gets back its own rows' predictions. Nothing waits for other
 * requests to arrive: a request alone in its turn runs alone, when it would have anyway.
 *
 * onnxruntime-node runs `session.run` synchronously on the event loop, in a `setImmediate`: the requests parsed in
 * one turn (under concurrent load, every request whose body arrived since the last turn) would each queue a run
 * there. Here the first one queues the run ({@link OnnxModel.predictLater}) and the others join it, which
 * amortizes the fixed cost of a run (~15 µs for a small tabular model) over all of them.
 *
 * - Rows are concatenated along the first dimension of every input (`batch-concat.ts`). A model whose inputs have a
 *   fixed first dimension is never batched; nor are batches that do not agree on their inputs.
 * - A run holds at most `maxRows` rows; a request that does not fit in what is left starts another run.
 * - If a run fails, each of its requests is run again alone: one request never fails another, and each gets the
 *   error it would have got alone (also if a later onnxruntime-node read the feeds at once, see `predictLater`).
 * - A row's answer is the model's answer for that row in a bigger batch: for most models bit-identical to its answer
 *   alone, but a matrix product may differ in the last bits of a float32 (the kernel's summation order can depend
 *   on the batch). Hosts offer an opt-out for who needs answers independent of the traffic.
 */
import { concatBatches, concatenable } from './batch-concat';
import type { LoadedModel, ModelSignature, Prediction, PreparedBatch } from './types';

/** A model that can run a batch decided later in the current event-loop turn (`OnnxModel`). */
export interface BatchableModel extends LoadedModel {
  predictLater(decide: () => PreparedBatch): Promise<Prediction[]>;
}

/** Whether `model` can have its predictions batched (`OnnxModel` can; a caller's own `LoadedModel` may not). */
export function isBatchable(model: LoadedModel): model is BatchableModel {
  return typeof (model as Partial<BatchableModel>).predictLater === 'function';
}

/** Options of {@link DynamicBatchingModel}. */
export interface DynamicBatchingOptions {
  /** Most rows in one shared run (a request larger than this runs alone). */
  readonly maxRows: number;
}

/** Counts since the model was wrapped. */
export interface DynamicBatchingStats {
  /** Predictions requested (calls of `predict`). */
  readonly requests: number;
  /** Runs of the wrapped model, shared or not (a failed shared run's reruns included). */
  readonly runs: number;
}

interface Pending {
  readonly batch: PreparedBatch;
  readonly resolve: (predictions: Prediction[]) => void;
  readonly reject: (error: unknown) => void;
}

/** The requests of one run. */
interface Group {
  readonly members: Pending[];
  rows: number;
}

/**
 * Whether the model takes any number of rows: no input has a fixed first dimension (a symbolic one, or an unknown
 * shape, which the runtime already feeds with each request's rows).
 */
export function takesAnyBatch(signature: ModelSignature): boolean {
  return signature.inputs.every((input) => typeof input.shape[0] !== 'number' || input.shape[0] <= 0);
}

/** A model whose predictions of one event-loop turn share runs; see the module's comment. */
export class DynamicBatchingModel implements LoadedModel {
  /** Whether this model's predictions are batched at all (its inputs take any number of rows). */
  readonly batching: boolean;
  private readonly maxRows: number;
  /** The run still taking requests (until its feeds are filled); a request that cannot join it starts the next. */
  private open: Group | undefined;
  private requestCount = 0;
  private runCount = 0;

  constructor(
    private readonly model: BatchableModel,
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
    return new Promise<Prediction[]>((resolve, reject) => this.join({ batch, resolve, reject }));
  }

  close(): Promise<void> {
    return this.model.close();
  }

  private runAlone(batch: PreparedBatch): Promise<Prediction[]> {
    this.runCount++;
    return new Promise<Prediction[]>((resolve) => resolve(this.model.predict(batch)));
  }

  /** Adds the request to the open run, or starts a run for it. */
  private join(pending: Pending): void {
    const rows = pending.batch.count;
    const open = this.open;
    if (open !== undefined && open.rows + rows <= this.maxRows && concatenable(open.members[0].batch, pending.batch)) {
      open.members.push(pending);
      open.rows += rows;
      return;
    }
    const group: Group = { members: [pending], rows };
    this.open = group;
    this.start(group);
  }

  /** No request joins the group any more. */
  private stopJoining(group: Group): void {
    if (this.open === group) this.open = undefined;
  }

  /** Starts the group's run; its batch is decided (and the group closed) just before onnxruntime runs it. */
  private start(group: Group): void {
    this.runCount++;
    const decide = (): PreparedBatch => {
      this.stopJoining(group);
      return concatBatches(group.members.map((p) => p.batch));
    };
    // A model that throws rather than rejecting (a closed session) rejects here all the same.
    const run = new Promise<Prediction[]>((resolve) => resolve(this.model.predictLater(decide)));
    run.then(
      (predictions) => {
        const members = group.members;
        if (members.length === 1) {
          members[0].resolve(predictions);
          return;
        }
        let at = 0;
        for (const p of members) {
          const end = at + p.batch.count;
          p.resolve(predictions.slice(at, end));
          at = end;
        }
      },
      () => {
        // Alone, each request gets exactly what it would have without batching: its predictions, or its own error.
        this.stopJoining(group);
        const members = group.members;
        for (const p of members) this.runAlone(p.batch).then(p.resolve, p.reject);
      },
    );
  }
}
