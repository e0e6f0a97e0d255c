/**
 * The model: verifies the bytes, opens one onnxruntime session, refuses a manifest that does not fit the model
 * (`signature.ts`), and runs prepared batches through that session, reused for every batch.
 */
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { readManifest, type Manifest } from './manifest';
import { readModelFromFile, sha256Hex, verifySha256 } from './model-source';
import { createSession } from './onnx-session';
import { checkManifestAgainstModel, describeModel, ModelMismatchError } from './signature';
import type { LoadedModel, ModelSignature, Prediction, PreparedBatch } from './types';

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

/** A model ready to serve: one session, reused for every batch. */
export class OnnxModel implements LoadedModel {
  /** Number of features, the input tensor's second dimension. */
  readonly featureCount: number;
  /** The input tensor fed and the one output tensor fetched. */
  readonly inputName: string;
  readonly outputName: string;
  private readonly fetches: readonly string[];
  /** Class labels (classification), or undefined (regression). */
  private readonly labels: readonly string[] | undefined;
  private current: InferenceSession | undefined;

  constructor(
    session: InferenceSession,
    readonly manifest: Manifest,
    readonly sha256: string,
    readonly signature: ModelSignature,
  ) {
    this.current = session;
    this.featureCount = manifest.input.features.length;
    this.inputName = manifest.input.tensor;
    this.outputName = manifest.task === 'regression' ? manifest.output.value : manifest.output.probabilities;
    this.fetches = [this.outputName];
    this.labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  }

  /** The onnxruntime session (for benchmarks against bare `session.run`). */
  get session(): InferenceSession {
    if (this.current === undefined) throw new Error(`model ${this.manifest.name} is closed`);
    return this.current;
  }

  /** Runs the batch and returns the output tensor as onnxruntime gives it, without postprocessing. */
  async predictRaw(batch: PreparedBatch): Promise<Tensor> {
    const session = this.session;
    const { data, count } = batch;
    if (!Number.isInteger(count) || count < 1 || data.length !== count * this.featureCount) {
      throw new RangeError(
        `batch has ${data.length} values for ${count} instances; expected ${count} x ${this.featureCount} features`,
      );
    }
    const feeds = { [this.inputName]: new Tensor('float32', data, [count, this.featureCount]) };
    const results = await session.run(feeds, this.fetches);
    return results[this.outputName];
  }

  /** Runs the batch as one tensor and maps the output to one prediction per instance. */
  async predict(batch: PreparedBatch): Promise<Prediction[]> {
    const output = await this.predictRaw(batch);
    try {
      return this.postprocess(output, batch.count);
    } finally {
      output.dispose();
    }
  }

  /** Maps an output tensor to predictions: argmax label and per-label probabilities, or the value. */
  postprocess(output: Tensor, count: number): Prediction[] {
    if (output.type !== 'float32' && output.type !== 'float64') {
      throw new Error(`the model's output "${this.outputName}" is ${output.type}; expected float32`);
    }
    const values = output.data as Float32Array | Float64Array;
    const labels = this.labels;
    const predictions: Prediction[] = new Array<Prediction>(count);
    if (labels === undefined) {
      if (values.length !== count) {
        throw new Error(`the model returned ${values.length} values for ${count} instances`);
      }
      for (let row = 0; row < count; row++) predictions[row] = { value: values[row] };
      return predictions;
    }
    const k = labels.length;
    if (values.length !== count * k) {
      throw new Error(`the model returned ${values.length} probabilities for ${count} instances of ${k} labels`);
    }
    for (let row = 0; row < count; row++) {
      const base = row * k;
      const probabilities: Record<string, number> = {};
      let best = 0;
      let bestP = -Infinity;
      for (let c = 0; c < k; c++) {
        const p = values[base + c];
        probabilities[labels[c]] = p;
        if (p > bestP) {
          bestP = p;
          best = c;
        }
      }
      predictions[row] = { label: labels[best], probabilities };
    }
    return predictions;
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
  const problems = checkManifestAgainstModel(manifest, signature);
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
  const [manifest, bytes] = await Promise.allSettled([readManifest(join(dir, 'model.json')), readModelFromFile(modelPath)]);
  if (manifest.status === 'rejected') throw manifest.reason;
  if (bytes.status === 'rejected') throw bytes.reason;
  return loadModel({ ...options, bytes: bytes.value, manifest: manifest.value, source: modelPath });
}
