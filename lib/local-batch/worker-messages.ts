/** What the scoring pool and its worker threads say to each other (structured-clone data only). */
import type { BatchLayout } from '../../lambda/batch/batch-layout';
import type { RecordChunk, ScoredChunk } from '../../lambda/batch/chunk-scorer';

/** A worker's start-up data. */
export interface ScoringWorkerData {
  /** Directory holding model.json and model.onnx. */
  readonly modelDir: string;
  readonly layout: BatchLayout;
}

/** A chunk to score. */
export interface WorkerRequest {
  readonly id: number;
  readonly chunk: RecordChunk;
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'scored'; readonly id: number; readonly result: ScoredChunk }
  | { readonly type: 'error'; readonly id: number; readonly message: string };
