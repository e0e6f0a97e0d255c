/**
 * One scoring worker thread: loads the model once (its own onnxruntime session, one intra-op thread, so N
 * workers use N cores) and scores the chunks the pool sends it, one at a time, with the runtime's
 * {@link ChunkScorer}. Started through `worker-entry.cjs`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkScorer, type RecordChunk } from '../../lambda/batch/chunk-scorer';
import { loadModelFromDirectory } from '../../lambda/core/model';
import { createPreparer } from '../../lambda/core/prepare';
import type { ScoringWorkerData, WorkerReply, WorkerRequest } from './worker-messages';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('scoring-worker.ts runs as a worker thread only');
  const { modelDir, layout } = workerData as ScoringWorkerData;
  let scorer: ChunkScorer;
  try {
    const model = await loadModelFromDirectory(modelDir);
    scorer = new ChunkScorer(model, createPreparer(model.manifest, model.signature), layout);
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    return;
  }
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
  // One chunk at a time: the session is this worker's only core.
  let chain = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    chain = chain.then(async () => {
      try {
        const result = await scorer.score(request.chunk satisfies RecordChunk);
        port.postMessage({ type: 'scored', id: request.id, result } satisfies WorkerReply);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        port.postMessage({ type: 'error', id: request.id, message } satisfies WorkerReply);
      }
    });
  });
}

void main();
