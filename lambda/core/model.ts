/**
 * The model: verifies the bytes, opens one onnxruntime session, refuses a manifest that does not fit the model
 * (`signature.ts`, `onnx-graph.ts`) or whose probabilities are not (`probe.ts`), and runs prepared batches through
 * that session, reused for every batch (`outputs.ts` reads the results).
 */
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import type * as ManifestModule from './manifest';
import type { Manifest } from './manifest';
import { readModelFromFile, sha256Hex, verifySha256 } from './model-source';
import { createSession } from './onnx-session';
import { OutputReader } from './outputs';
import { probeOutputs } from './probe';
import { checkManifestAgainstModel, describeModel, ModelMismatchError } from './signature';
import type { LoadedModel, ModelSignature, Prediction, PreparedBatch, PreparedTensor } from './types';

// Re-exported so callers of the model core need one import for the errors loading throws.
export { ModelIntegrityError, ModelSourceError } from './model-source';
export { ModelLoadError } from './onnx-session';
export { ModelMismatchError } from './signature';

/** Options for {@link loadModel}. */
export interface LoadModelOptions {
  /** The ONNX model. */
  readonly bytes: Uint8Array;
  readonly manifest: Manifest;
  /** Hex SHA-256 the bytes must have; checked before any session is created. */
  readonly expectedSha256?: string;
  /** Names the model in errors, e.g. `s3://bucket/key` or a path. @default 'model.onnx' */
  readonly source?: string;
  /**
   * onnxruntime intra-op threads. Tabular models are small enough that a thread pool costs more than it saves,
   * and its spinning threads would compete with the event loop on a 1-2 vCPU function.
   * @default 1
   */
  readonly threads?: number;
  /** Overrides for the session options (merged over the defaults). */
  readonly sessionOptions?: InferenceSession.SessionOptions;
}

/** An onnxruntime tensor for one prepared input. */
function feedOf(tensor: PreparedTensor): Tensor {
  switch (tensor.type) {
    case 'string':
      return new Tensor('string', tensor.data, tensor.dims);
    case 'int64':
      return new Tensor('int64', tensor.data, tensor.dims);
    case 'float64':
      return new Tensor('float64', tensor.data, tensor.dims);
    default:
      return new Tensor('float32', tensor.data, tensor.dims);
  }
}

/** A model ready to serve: one session, reused for every batch. */
export class OnnxModel implements LoadedModel {
  /** Number of features, the input tensor's second dimension when the model takes one float32 tensor. */
  readonly featureCount: number;
  /** The input tensor fed when the batch is one float32 tensor (`input.tensor`), and the scores (or value) output. */
  readonly inputName: string;
  readonly outputName: string;
  private readonly outputs: OutputReader;
  private current: InferenceSession | undefined;

  constructor(
    session: InferenceSession,
    readonly manifest: Manifest,
    readonly sha256: string,
    readonly signature: ModelSignature,
  ) {
    this.current = session;
    this.featureCount = manifest.input.features.length;
    this.inputName = manifest.input.tensor ?? manifest.input.features[0].tensor ?? '';
    this.outputs = new OutputReader(manifest);
    this.outputName = this.outputs.scoresName;
  }

  /** The onnxruntime session (for benchmarks against bare `session.run`). */
  get session(): InferenceSession {
    if (this.current === undefined) throw new Error(`model ${this.manifest.name} is closed`);
    return this.current;
  }

  /**
   * Runs the batch and returns every fetched output as onnxruntime gives it, without postprocessing. Not `async`:
   * it hands back onnxruntime's own promise, so awaiting it costs no extra microtask hops (measured, ~1 µs a call).
   */
  run(batch: PreparedBatch): Promise<InferenceSession.OnnxValueMapType> {
    return this.session.run(this.feedsOf(batch), this.outputs.fetches);
  }

  /** The session's feeds for a batch. @throws RangeError when the batch's values do not fit its count */
  private feedsOf(batch: PreparedBatch): Record<string, Tensor> {
    const { data, count, tensors } = batch;
    if (tensors !== undefined) {
      const feeds: Record<string, Tensor> = {};
      for (const tensor of tensors) feeds[tensor.name] = feedOf(tensor);
      return feeds;
    }
    if (!Number.isInteger(count) || count < 1 || data.length !== count * this.featureCount) {
      throw new RangeError(
        `batch has ${data.length} values for ${count} instances; expected ${count} x ${this.featureCount} features`,
      );
    }
    return { [this.inputName]: new Tensor('float32', data, [count, this.featureCount]) };
  }

  /**
   * Runs a batch that is decided later in this event-loop turn: `decide` is called just before onnxruntime runs.
   * onnxruntime-node runs a session in a `setImmediate` queued by `session.run` and reads the feeds only then; the
   * `setImmediate` queued here first fills them (immediates run in the order they were queued). Dynamic batching
   * (`dynamic-batching.ts`) gathers the requests of one turn this way, with no added wait. If onnxruntime ever read
   * the feeds at once, the run would fail on the empty feeds (never answer wrongly), and the caller runs each
   * request alone.
   */
  predictLater(decide: () => PreparedBatch): Promise<Prediction[]> {
    const session = this.session;
    // Every input present (onnxruntime checks that at once); the tensors come in the immediate below.
    const feeds: Record<string, Tensor | null> = {};
    for (const input of this.signature.inputs) feeds[input.name] = null;
    let count = 0;
    let refused: { readonly error: unknown } | undefined;
    setImmediate(() => {
      try {
        const batch = decide();
        Object.assign(feeds, this.feedsOf(batch));
        count = batch.count;
      } catch (error) {
        refused = { error };
      }
    });
    return session.run(feeds as Record<string, Tensor>, this.outputs.fetches).then(
      (results) => {
        if (refused !== undefined) throw refused.error;
        return this.read(results, count);
      },
      (error: unknown) => {
        throw refused === undefined ? error : refused.error;
      },
    );
  }

  /** Runs the batch and returns the scores (or value) tensor, without postprocessing. */
  async predictRaw(batch: PreparedBatch): Promise<Tensor> {
    const results = await this.run(batch);
    const label = this.outputs.labelName;
    if (label !== undefined) results[label].dispose();
    return results[this.outputName];
  }

  /** Runs the batch and maps the outputs to one prediction per instance. */
  async predict(batch: PreparedBatch): Promise<Prediction[]> {
    return this.read(await this.run(batch), batch.count);
  }

  /** One prediction per instance from a run's outputs, which are then released. */
  private read(results: InferenceSession.OnnxValueMapType, count: number): Prediction[] {
    const scores = results[this.outputName];
    const labelName = this.outputs.labelName;
    const label = labelName === undefined ? undefined : results[labelName];
    try {
      return this.outputs.read(scores, label, count);
    } finally {
      scores.dispose();
      label?.dispose();
    }
  }

  /**
   * Maps output tensors to predictions: per-label probabilities (through the activation for logits) and the label
   * (the model's label tensor when the manifest names one, else the argmax), or the value.
   */
  postprocess(output: Tensor, count: number, label?: Tensor): Prediction[] {
    return this.outputs.read(output, label, count);
  }

  /** Releases the native session; later calls to predict fail. Safe to call twice. */
  async close(): Promise<void> {
    const session = this.current;
    this.current = undefined;
    if (session !== undefined) await session.release();
  }
}

/**
 * Verifies the bytes (when `expectedSha256` is given, before anything else), creates the one session, and refuses
 * a manifest that does not fit the model.
 * @throws ModelIntegrityError (no session is created), ModelLoadError, ModelMismatchError
 */
export async function loadModel(options: LoadModelOptions): Promise<OnnxModel> {
  const { manifest, expectedSha256 } = options;
  const source = options.source ?? 'model.onnx';
  const { bytes } = options;
  const sha256 = expectedSha256 === undefined ? sha256Hex(bytes) : verifySha256(bytes, expectedSha256, source);
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    ...options.sessionOptions,
  };
  const session = await createSession(bytes, sessionOptions, source);
  const signature = describeModel(session);
  const problems = checkManifestAgainstModel(manifest, signature, { bytes, source });
  if (problems.length === 0) problems.push(...(await probeOutputs(session, manifest, signature)));
  if (problems.length > 0) {
    await session.release();
    throw new ModelMismatchError(source, problems);
  }
  return new OnnxModel(session, manifest, sha256, signature);
}

/** Options for {@link loadModelFromDirectory}. */
export type LoadModelFromDirectoryOptions = Omit<LoadModelOptions, 'bytes' | 'manifest' | 'source'>;

/**
 * Loads `model.json` and `model.onnx` from a directory (the layout of `examples/*`).
 * @throws ManifestError, ModelSourceError, and whatever {@link loadModel} throws
 */
export async function loadModelFromDirectory(
  dir: string,
  options: LoadModelFromDirectoryOptions = {},
): Promise<OnnxModel> {
  const modelPath = join(dir, 'model.onnx');
  // Both reads run at once, but the manifest's error is reported first so the message does not depend on timing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the schema loads only for a model directory, not in Lambda
  const { readManifest } = require('./manifest') as typeof ManifestModule;
  const [manifest, bytes] = await Promise.allSettled([readManifest(join(dir, 'model.json')), readModelFromFile(modelPath)]);
  if (manifest.status === 'rejected') throw manifest.reason;
  if (bytes.status === 'rejected') throw bytes.reason;
  return loadModel({ ...options, bytes: bytes.value, manifest: manifest.value, source: modelPath });
}
