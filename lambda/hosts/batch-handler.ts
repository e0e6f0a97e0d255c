/**
 * The batch host: a Lambda function that Step Functions calls for each step of a batch run (`s3-batch.ts`):
 * `plan` (cut the input into items), `score` (one Distributed Map child: one item's byte range) and `summarize`
 * (add up the children's counts). The model is loaded once per execution environment, as by the function URL
 * handler, from `MODEL_BUCKET`/`MODEL_KEY` with the SHA-256 checked; a failed load is retried by the next
 * invocation (Step Functions retries the task).
 *
 * A row the runtime refuses is never an error here: it goes to the rejected file. An error fails the step:
 * a bad input location or header (BatchInputError), a model that cannot load, S3 failures.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { BatchLayout } from '../batch/batch-layout';
import { ChunkScorer } from '../batch/chunk-scorer';
import { DEFAULT_ROWS_PER_CHILD, type RangeItem } from '../batch/range-plan';
import { planRun, scoreRange, scorerKeep, summarizeRun, type BatchLocations, type PlanResult, type RunSummary, type ScoreResult } from '../batch/s3-batch';
import { parseS3Uri, type S3Location } from '../batch/s3-location';
import { readManifest, type Manifest } from '../core/manifest';
import { loadModel } from '../core/model';
import { readModelFromS3 } from '../core/model-source';
import { createPreparer, type Preparer } from '../core/prepare';
import { batchLocationsFromEnv, runtimeConfigFromEnv, type RuntimeConfig } from '../core/runtime-config';
import type { LoadedModel } from '../core/types';

export interface PlanEvent {
  readonly action: 'plan';
  readonly input: string;
  readonly output: string;
  /** @default DEFAULT_ROWS_PER_CHILD */
  readonly rowsPerChild?: number;
}

export interface ScoreEvent {
  readonly action: 'score';
  readonly item: RangeItem;
  readonly output: S3Location;
}

export interface SummarizeEvent {
  readonly action: 'summarize';
  /** The ResultWriter's `manifest.json`. */
  readonly resultManifest: S3Location;
  readonly output: S3Location;
}

export type BatchEvent = PlanEvent | ScoreEvent | SummarizeEvent;
export type BatchResult = PlanResult | ScoreResult | RunSummary;

export interface BatchHandlerDeps {
  /** @default read from process.env */
  readonly config?: RuntimeConfig;
  /** @default read from process.env (BATCH_INPUT_URI, BATCH_OUTPUT_URI) */
  readonly locations?: BatchLocations;
  /** @default a new S3Client for the function's region */
  readonly s3Client?: S3Client;
  /** @default S3 at the config's model location */
  readonly modelSource?: (config: RuntimeConfig) => Promise<Uint8Array>;
}

export type BatchHandler = (event: BatchEvent) => Promise<BatchResult>;

function locationsFromEnv(env: NodeJS.ProcessEnv): BatchLocations {
  const { inputUri, outputUri } = batchLocationsFromEnv(env);
  return {
    ...(inputUri === undefined ? {} : { input: parseS3Uri(inputUri, 'BATCH_INPUT_URI') }),
    ...(outputUri === undefined ? {} : { output: parseS3Uri(outputUri, 'BATCH_OUTPUT_URI') }),
  };
}

/** A batch handler; nothing is loaded until the first event that needs it. */
export function createBatchHandler(deps: BatchHandlerDeps = {}): BatchHandler {
  let config = deps.config;
  let locations = deps.locations;
  let s3 = deps.s3Client;
  let manifest: Promise<Manifest> | undefined;
  let loaded: Promise<{ model: LoadedModel; preparer: Preparer }> | undefined;
  const setup = (): { config: RuntimeConfig; locations: BatchLocations; s3: S3Client } => {
    config ??= runtimeConfigFromEnv(process.env);
    locations ??= locationsFromEnv(process.env);
    s3 ??= new S3Client({});
    return { config, locations, s3 };
  };
  const manifestOf = (c: RuntimeConfig): Promise<Manifest> => (manifest ??= readManifest(c.manifestPath).catch((error: unknown) => {
    manifest = undefined;
    throw error;
  }));
  const modelOf = (c: RuntimeConfig, client: S3Client): Promise<{ model: LoadedModel; preparer: Preparer }> =>
    (loaded ??= (async () => {
      const source = `s3://${c.modelBucket}/${c.modelKey}`;
      const bytes = await (deps.modelSource ?? ((cfg) => readModelFromS3({ bucket: cfg.modelBucket, key: cfg.modelKey, client })))(c);
      const model = await loadModel({ bytes, manifest: await manifestOf(c), expectedSha256: c.modelSha256, source });
      return { model, preparer: createPreparer(model.manifest, model.signature) };
    })().catch((error: unknown) => {
      // The next invocation (a Step Functions retry) tries again.
      loaded = undefined;
      throw error;
    }));

  return async (event: BatchEvent): Promise<BatchResult> => {
    const { config: c, locations: where, s3: client } = setup();
    switch (event.action) {
      case 'plan':
        return planRun(client, await manifestOf(c), { input: event.input, output: event.output, rowsPerChild: event.rowsPerChild ?? DEFAULT_ROWS_PER_CHILD }, where);
      case 'score': {
        const { model, preparer } = await modelOf(c, client);
        const scorerFor = (item: RangeItem): ChunkScorer => {
          const layout: BatchLayout = { format: item.format, keep: scorerKeep(item, model.manifest), ...(item.header === undefined ? {} : { header: item.header }) };
          return new ChunkScorer(model, preparer, layout);
        };
        return scoreRange(client, scorerFor, model.manifest, event.item, event.output, where);
      }
      case 'summarize':
        return summarizeRun(client, event.resultManifest, event.output, where);
      default:
        throw new Error(`unknown batch action ${JSON.stringify((event as { action?: unknown }).action)}; expected plan, score or summarize`);
    }
  };
}

/** The function's entry point (`index.handler`). */
export const handler: BatchHandler = createBatchHandler();
