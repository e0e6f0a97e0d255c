/**
 * The model core: reads an ONNX model's signature, refuses a manifest that does not fit it, and runs prepared
 * batches through one reused onnxruntime session.
 *
 * Used by the runtime (cold start) and by the stack at synth (`describeModelBytes` + `checkManifestAgainstModel`),
 * so a mismatch fails `cdk synth` rather than the first request. No CDK imports: ships in the Lambda bundle.
 */
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readManifest, type Manifest } from './manifest';
import { readModelFromFile, sha256Hex, verifySha256 } from './model-source';
import type { LoadedModel, ModelSignature, Prediction, PreparedBatch, TensorInfo } from './types';

// Re-exported so callers of the model core need one import for its errors.
export { ModelIntegrityError, ModelSourceError } from './model-source';

/** The manifest does not fit the model; `problems` has one sentence per mismatch, each naming the manifest path. */
export class ModelMismatchError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`The manifest does not fit the model ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ModelMismatchError';
  }
}

/** onnxruntime could not load the bytes as a model (not ONNX, truncated, unsupported opset). */
export class ModelLoadError extends Error {
  constructor(
    readonly source: string,
    cause: unknown,
  ) {
    super(`Cannot load the ONNX model ${source}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ModelLoadError';
  }
}

/**
 * A view of the same bytes as this realm's Uint8Array. onnxruntime checks `instanceof Uint8Array`, which a Node
 * `Buffer` fails under Jest (separate realm); in production this is a free re-view, never a copy.
 */
function ownRealmBytes(bytes: Uint8Array): Uint8Array {
  // `instanceof` narrows the else-branch to never, but cross-realm it is reachable.
  const view: Pick<Uint8Array, 'buffer' | 'byteOffset' | 'byteLength'> = bytes;
  return bytes instanceof Uint8Array ? bytes : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

function describeValue(meta: InferenceSession.ValueMetadata): TensorInfo {
  return meta.isTensor
    ? { name: meta.name, type: meta.type, shape: [...meta.shape] }
    : { name: meta.name, type: undefined, shape: [] };
}

/** The declared inputs and outputs of a loaded session. */
export function describeModel(session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>): ModelSignature {
  return { inputs: session.inputMetadata.map(describeValue), outputs: session.outputMetadata.map(describeValue) };
}

/**
 * The declared inputs and outputs of an ONNX model, without keeping a session.
 * @throws ModelLoadError when onnxruntime cannot load the bytes
 */
export async function describeModelBytes(bytes: Uint8Array, source = 'model.onnx'): Promise<ModelSignature> {
  let session: InferenceSession;
  try {
    // Nothing is run, so skip graph optimization: it only slows loading.
    session = await InferenceSession.create(ownRealmBytes(bytes), { graphOptimizationLevel: 'disabled' });
  } catch (error) {
    throw new ModelLoadError(source, error);
  }
  try {
    return describeModel(session);
  } finally {
    await session.release();
  }
}

/** `[batch, 30]`; `[?]` when onnxruntime does not know the shape. */
function formatShape(shape: TensorInfo['shape']): string {
  return shape.length === 0 ? '[?]' : `[${shape.join(', ')}]`;
}

/** A dimension the model fixes (symbolic names and non-positive sizes are dynamic). */
function fixedDim(dim: number | string | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

function names(values: readonly TensorInfo[]): string {
  return values.length === 0 ? '(none)' : values.map((v) => v.name).join(', ');
}

function checkInput(manifest: Manifest, signature: ModelSignature, problems: string[]): void {
  const name = manifest.input.tensor;
  const input = signature.inputs.find((i) => i.name === name);
  if (input === undefined) {
    problems.push(
      `input.tensor: "${name}" is not an input of the model; the model's inputs are: ${names(signature.inputs)}`,
    );
    return;
  }
  const others = signature.inputs.filter((i) => i.name !== name);
  if (others.length > 0) {
    const list = others.map((o) => `"${o.name}"`).join(', ');
    problems.push(
      `input.tensor: the model also has input${others.length > 1 ? 's' : ''} ${list}, ` +
        `which the runtime does not feed; it feeds only "${name}"`,
    );
  }
  if (input.type === undefined) {
    problems.push(
      `input.tensor: the model's input "${name}" is not a tensor; the runtime sends a float32 tensor [batch, features]`,
    );
    return;
  }
  if (input.type !== 'float32') {
    problems.push(
      `input.tensor: the model's input "${name}" is ${input.type}; ` +
        'the runtime sends float32 (export the model with a float32 input)',
    );
  }
  if (input.shape.length === 0) return; // Unknown shape: nothing more to check before running it.
  if (input.shape.length !== 2) {
    problems.push(
      `input.tensor: the model's input "${name}" has shape ${formatShape(input.shape)} (rank ${input.shape.length}); ` +
        'the runtime sends a rank-2 tensor [batch, features]',
    );
    return;
  }
  const batch = fixedDim(input.shape[0]);
  if (batch !== undefined) {
    problems.push(
      `input.tensor: the model's input "${name}" has a fixed batch size of ${batch}; ` +
        'the runtime sends whole batches, so export it with a dynamic first dimension (e.g. "batch")',
    );
  }
  const width = fixedDim(input.shape[1]);
  const count = manifest.input.features.length;
  if (width !== undefined && width !== count) {
    problems.push(
      `input.features: ${count} feature${count === 1 ? '' : 's'} listed but the model's input "${name}" takes ${width}`,
    );
  }
}

/** Finds a numeric output tensor, or reports why it is unusable. */
function findOutput(signature: ModelSignature, path: string, name: string, problems: string[]): TensorInfo | undefined {
  const output = signature.outputs.find((o) => o.name === name);
  if (output === undefined) {
    problems.push(
      `${path}: "${name}" is not an output of the model; the model's outputs are: ${names(signature.outputs)}`,
    );
    return undefined;
  }
  if (output.type === undefined) {
    problems.push(
      `${path}: the model's output "${name}" is not a tensor (a sequence of maps, as skl2onnx's ZipMap makes?); ` +
        'the runtime reads a float32 tensor (export classifiers with zipmap=False)',
    );
    return undefined;
  }
  if (output.type !== 'float32' && output.type !== 'float64') {
    problems.push(
      `${path}: the model's output "${name}" is ${output.type}; the runtime reads float32 (or float64) values`,
    );
    return undefined;
  }
  return output;
}

function checkOutput(manifest: Manifest, signature: ModelSignature, problems: string[]): void {
  if (manifest.task === 'regression') {
    const output = findOutput(signature, 'output.value', manifest.output.value, problems);
    if (output === undefined || output.shape.length === 0) return;
    const { shape } = output;
    const ok = shape.length === 1 || (shape.length === 2 && (fixedDim(shape[1]) ?? 1) === 1);
    if (!ok) {
      problems.push(
        `output.value: the model's output "${output.name}" has shape ${formatShape(shape)}; ` +
          'expected [batch] or [batch, 1] (one value per instance)',
      );
    }
    return;
  }
  const output = findOutput(signature, 'output.probabilities', manifest.output.probabilities, problems);
  if (output === undefined || output.shape.length === 0) return;
  if (output.shape.length !== 2) {
    problems.push(
      `output.probabilities: the model's output "${output.name}" has shape ${formatShape(output.shape)}; ` +
        'expected [batch, labels] (one probability per label)',
    );
    return;
  }
  const columns = fixedDim(output.shape[1]);
  const labels = manifest.output.labels.length;
  if (columns !== undefined && columns !== labels) {
    problems.push(
      `output.labels: ${labels} labels listed but the model's output "${output.name}" has ${columns} columns`,
    );
  }
}

/**
 * Every way the manifest does not fit the model, one sentence each naming the manifest path, e.g.
 * `input.features: 29 features listed but the model's input "input" takes 30`. Empty when they fit.
 */
export function checkManifestAgainstModel(manifest: Manifest, signature: ModelSignature): string[] {
  const problems: string[] = [];
  checkInput(manifest, signature, problems);
  checkOutput(manifest, signature, problems);
  return problems;
}

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
  const bytes = ownRealmBytes(options.bytes);
  const sha256 = expectedSha256 === undefined ? sha256Hex(bytes) : verifySha256(bytes, expectedSha256, source);
  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    ...options.sessionOptions,
  };
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    throw new ModelLoadError(source, error);
  }
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
