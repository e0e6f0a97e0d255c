/**
 * The model's signature and whether a manifest fits it: reads an ONNX model's declared inputs and outputs, and
 * names every way the manifest does not fit them.
 *
 * Used by the runtime at load (`model.ts`) and by the stack at synth (`describeModelBytes` +
 * `checkManifestAgainstModel`), so a mismatch fails `cdk synth` rather than the first request.
 */
import type { InferenceSession } from 'onnxruntime-node';
import type { Manifest } from './manifest';
import { inputLayout, tensorNameOf, type InputLayout, type InputTensor } from './input-layout';
import { zipMapOutputs, zipMapProblem, type ZipMapOutput } from './onnx-graph';
import { createSession } from './onnx-session';
import type { ModelSignature, TensorInfo } from './types';
import { CheckFailure } from './modelstack-error';

/** The manifest does not fit the model; `problems` has one sentence per mismatch, each naming the manifest path. */
export class ModelMismatchError extends CheckFailure {
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

/** Where a mismatch of an input tensor is reported: `input.tensor`, or the first feature naming the tensor. */
function inputPath(manifest: Manifest, tensor: InputTensor): string {
  const named = tensor.features.find((f) => manifest.input.features[f].tensor !== undefined);
  return named === undefined ? 'input.tensor' : `input.features[${named}].tensor`;
}

/** What feature `f` cannot be in a tensor of `type`, or undefined when it fits. */
function featureMisfit(manifest: Manifest, layout: InputLayout, f: number, type: string): string | undefined {
  const feature = manifest.input.features[f];
  const encoding = layout.encodingOf[f];
  const at = `input.features[${f}]`;
  if (type === 'string') {
    return encoding === 'string'
      ? undefined
      : `${at}: "${feature.name}" (${feature.type}${feature.type === 'category' ? `, ${encoding}` : ''}) feeds ` +
          `"${tensorNameOf(feature, manifest)}", which the model declares as a string tensor; only category features ` +
          'with "encoding": "string" feed a string tensor';
  }
  if (encoding === 'string') {
    return `${at}.encoding: "string" needs a string tensor, but the model's input "${tensorNameOf(feature, manifest)}" is ${type}`;
  }
  if (type !== 'int64') return undefined;
  if (feature.scale !== undefined) {
    return `${at}.scale: a scaled value is not whole, but the model's input "${tensorNameOf(feature, manifest)}" is int64`;
  }
  if (feature.missing === 'passthrough') {
    return `${at}.missing: "passthrough" sends NaN, which the model's int64 input "${tensorNameOf(feature, manifest)}" cannot hold; use "reject" or {"constant": ...}`;
  }
  return undefined;
}

function checkTensor(manifest: Manifest, layout: InputLayout, tensor: InputTensor, input: TensorInfo, problems: string[]): void {
  const path = inputPath(manifest, tensor);
  const { name } = tensor;
  if (input.type === undefined) {
    problems.push(`${path}: the model's input "${name}" is not a tensor; the runtime sends a float32 tensor [batch, features]`);
    return;
  }
  const numbers = tensor.features.some((f) => manifest.input.features[f].type === 'number');
  if (tensor.declaredType !== undefined || (input.type === 'int64' && numbers)) {
    problems.push(
      `${path}: the model's input "${name}" is ${input.type}; ` +
        'the runtime sends float32 (export the model with a float32 input)' +
        (tensor.declaredType === undefined ? '' : ', float64, int64 (integer features) or string (categories)'),
    );
  } else {
    for (const f of tensor.features) {
      const misfit = featureMisfit(manifest, layout, f, input.type);
      if (misfit !== undefined) problems.push(misfit);
    }
  }
  const { shape } = input;
  if (shape.length === 0) return; // Unknown shape: nothing more to check before running it.
  const fed = tensor.features.length;
  const classic = fed === manifest.input.features.length && tensor.width === fed;
  const columns = (width: number) =>
    classic
      ? `input.features: ${fed} feature${fed === 1 ? '' : 's'} listed but the model's input "${name}" takes ${width}`
      : `input.features: ${fed} feature${fed === 1 ? '' : 's'} feed "${name}" (${tensor.width} column${tensor.width === 1 ? '' : 's'}) ` +
        `but the model's "${name}" takes ${width} column${width === 1 ? '' : 's'}`;
  if (shape.length > 2) {
    problems.push(
      `${path}: the model's input "${name}" has shape ${formatShape(shape)} (rank ${shape.length}); ` +
        'the runtime sends a rank-2 tensor [batch, features]',
    );
    return;
  }
  const batch = fixedDim(shape[0]);
  if (batch !== undefined) {
    problems.push(
      `${path}: the model's input "${name}" has a fixed batch size of ${batch}; ` +
        'the runtime sends whole batches, so export it with a dynamic first dimension (e.g. "batch")',
    );
  }
  if (shape.length === 1) {
    if (tensor.width !== 1) problems.push(columns(1));
    return;
  }
  const width = fixedDim(shape[1]);
  if (width !== undefined && width !== tensor.width) problems.push(columns(width));
}

function checkInput(manifest: Manifest, signature: ModelSignature, problems: string[]): void {
  const layout = inputLayout(manifest, signature);
  let allFound = true;
  for (const tensor of layout.tensors) {
    const input = signature.inputs.find((i) => i.name === tensor.name);
    if (input === undefined) {
      allFound = false;
      problems.push(
        `${inputPath(manifest, tensor)}: "${tensor.name}" is not an input of the model; ` +
          `the model's inputs are: ${names(signature.inputs)}`,
      );
    } else {
      checkTensor(manifest, layout, tensor, input, problems);
    }
  }
  const fed = new Set(layout.tensors.map((t) => t.name));
  const others = signature.inputs.filter((i) => !fed.has(i.name));
  // A misnamed tensor is reported once, not again as an input left unfed.
  if (others.length > 0 && allFound) {
    const list = others.map((o) => `"${o.name}"`).join(', ');
    const feeds = layout.tensors.map((t) => `"${t.name}"`).join(', ');
    problems.push(
      `${manifest.input.tensor === undefined ? 'input.features' : 'input.tensor'}: the model also has ` +
        `input${others.length > 1 ? 's' : ''} ${list}, which the runtime does not feed; it feeds only ${feeds}`,
    );
  }
}

/** Finds a numeric output tensor, or reports why it is unusable. */
function findOutput(
  signature: ModelSignature,
  path: string,
  name: string,
  problems: string[],
  zipMaps: readonly ZipMapOutput[] | undefined,
): TensorInfo | undefined {
  const output = signature.outputs.find((o) => o.name === name);
  if (output === undefined) {
    problems.push(
      `${path}: "${name}" is not an output of the model; the model's outputs are: ${names(signature.outputs)}`,
    );
    return undefined;
  }
  if (output.type === undefined) {
    // With the bytes, a ZipMap output is explained (and its fix named) once, by checkManifestAgainstModel.
    if (zipMaps?.some((z) => z.output === name) !== true) {
      problems.push(
        `${path}: the model's output "${name}" is not a tensor (a sequence of maps, as skl2onnx's ZipMap makes?); ` +
          'the runtime reads a float32 tensor (export classifiers with zipmap=False)',
      );
    }
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

/** `[batch]` or `[batch, 1]`: one value per instance. */
function oneColumn(shape: TensorInfo['shape']): boolean {
  return shape.length === 1 || (shape.length === 2 && (fixedDim(shape[1]) ?? 1) === 1);
}

function checkLabelOutput(signature: ModelSignature, name: string, problems: string[]): void {
  const output = signature.outputs.find((o) => o.name === name);
  if (output === undefined) {
    problems.push(`output.label: "${name}" is not an output of the model; the model's outputs are: ${names(signature.outputs)}`);
    return;
  }
  if (output.type !== 'int64' && output.type !== 'string') {
    problems.push(
      `output.label: the model's output "${name}" is ${output.type ?? 'not a tensor'}; ` +
        'expected int64 (an index into output.labels) or string (one of output.labels)',
    );
    return;
  }
  if (output.shape.length > 0 && !oneColumn(output.shape)) {
    problems.push(
      `output.label: the model's output "${name}" has shape ${formatShape(output.shape)}; expected [batch] or [batch, 1] (one label per instance)`,
    );
  }
}

function checkOutput(
  manifest: Manifest,
  signature: ModelSignature,
  problems: string[],
  zipMaps: readonly ZipMapOutput[] | undefined,
): void {
  if (manifest.task === 'regression') {
    const output = findOutput(signature, 'output.value', manifest.output.value, problems, zipMaps);
    if (output === undefined || output.shape.length === 0) return;
    if (!oneColumn(output.shape)) {
      problems.push(
        `output.value: the model's output "${output.name}" has shape ${formatShape(output.shape)}; ` +
          'expected [batch] or [batch, 1] (one value per instance)',
      );
    }
    return;
  }
  const spec = manifest.output;
  if (spec.label !== undefined) checkLabelOutput(signature, spec.label, problems);
  const single = spec.positiveProbability !== undefined || spec.activation === 'sigmoid';
  const [path, name] =
    spec.logits !== undefined
      ? ['output.logits', spec.logits]
      : spec.positiveProbability !== undefined
        ? ['output.positiveProbability', spec.positiveProbability]
        : ['output.probabilities', spec.probabilities ?? ''];
  const output = findOutput(signature, path, name, problems, zipMaps);
  if (output === undefined || output.shape.length === 0) return;
  if (single) {
    if (!oneColumn(output.shape)) {
      const what = spec.logits === undefined ? 'the probability of' : 'the score of';
      problems.push(
        `${path}: the model's output "${output.name}" has shape ${formatShape(output.shape)}; ` +
          `expected [batch] or [batch, 1] (${what} ${JSON.stringify(spec.labels[1])})`,
      );
    }
    return;
  }
  if (output.shape.length !== 2) {
    problems.push(
      `${path}: the model's output "${output.name}" has shape ${formatShape(output.shape)}; ` +
        `expected [batch, labels] (one ${spec.logits === undefined ? 'probability' : 'score'} per label)`,
    );
    return;
  }
  const columns = fixedDim(output.shape[1]);
  const labels = spec.labels.length;
  if (columns !== undefined && columns !== labels) {
    problems.push(
      `output.labels: ${labels} labels listed but the model's output "${output.name}" has ${columns} columns`,
    );
  }
}

/** What the checks may use besides the signature. */
export interface ModelCheckOptions {
  /** The model's bytes: lets a ZipMap output (or a manifest naming the tensor feeding one) be explained. */
  readonly bytes?: Uint8Array;
  /** Names the model in the fix, e.g. `examples/penguins-sklearn/model.onnx`. @default 'model.onnx' */
  readonly source?: string;
}

/**
 * Every way the manifest does not fit the model, one sentence each naming the manifest path, e.g.
 * `input.features: 29 features listed but the model's input "input" takes 30`. Empty when they fit. With the
 * model's `bytes`, a ZipMap output is refused with the fix named.
 */
export function checkManifestAgainstModel(
  manifest: Manifest,
  signature: ModelSignature,
  options: ModelCheckOptions | Uint8Array = {},
): string[] {
  const { bytes, source = 'model.onnx' } = options instanceof Uint8Array ? { bytes: options } : options;
  const problems: string[] = [];
  // The graph is decoded only when the signature has something a ZipMap would explain.
  const suspicious = signature.outputs.some((o) => o.type === undefined);
  const zipMaps = bytes !== undefined && suspicious ? zipMapOutputs(bytes) : undefined;
  checkInput(manifest, signature, problems);
  checkOutput(manifest, signature, problems, zipMaps);
  for (const zipMap of zipMaps ?? []) problems.push(zipMapProblem(zipMap, source));
  return problems;
}
