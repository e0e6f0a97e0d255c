/**
 * The model's signature and whether a manifest fits it: reads an ONNX model's declared inputs and outputs, and
 * names every way the manifest does not fit them.
 *
 * Used by the runtime at load (`model.ts`) and by the stack at synth (`describeModelBytes` +
 * `checkManifestAgainstModel`), so a mismatch fails `cdk synth` rather than the first request.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Manifest } from './manifest';
import { createSession } from './onnx-session';
import type { ModelSignature, TensorInfo } from './types';

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
  // Nothing is run, so skip graph optimization: it only slows loading.
  const session = await createSession(bytes, { graphOptimizationLevel: 'disabled' }, source);
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
