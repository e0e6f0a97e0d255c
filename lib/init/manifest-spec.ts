/**
 * The manifest format `modelstack init` writes: today's `model.json` plus the agreed additive extension
 * (per-feature tensors, categories and their encodings, `passthrough` missing values, `logits` and
 * `positiveProbability` outputs, a label tensor). schemaVersion stays 1.
 *
 * {@link checkManifestSpec} checks a manifest against the model's signature by the spec's rules, for the manifests
 * today's `parseManifest` cannot express yet.
 */
import type { Dim, OnnxSignature, ValueSignature } from './onnx-signature';

export type FeatureType = 'number' | 'integer' | 'boolean' | 'category';
export type MissingPolicy = 'reject' | 'mean' | 'passthrough' | { readonly constant: number | string };
export type CategoryEncoding = 'one-hot' | 'ordinal' | 'string';

export interface SpecFeature {
  readonly name: string;
  readonly description?: string;
  readonly type: FeatureType;
  /** The model input this feature feeds; default `input.tensor`. */
  readonly tensor?: string;
  readonly min?: number;
  readonly max?: number;
  readonly scale?: { readonly mean: number; readonly std: number };
  /** Training mean, used by `missing: "mean"` when there is no `scale`. */
  readonly mean?: number;
  readonly categories?: readonly string[];
  readonly encoding?: CategoryEncoding;
  readonly unknownCategory?: 'reject' | { readonly map: string };
  readonly missing?: MissingPolicy;
}

export type SpecOutput =
  | { readonly probabilities: string; readonly labels: readonly string[]; readonly label?: string }
  | { readonly logits: string; readonly activation: 'softmax' | 'sigmoid'; readonly labels: readonly string[]; readonly label?: string }
  | { readonly positiveProbability: string; readonly labels: readonly [string, string] | readonly string[] }
  | { readonly value: string; readonly targets?: readonly string[] };

export type SpecTask = 'binary-classification' | 'multiclass-classification' | 'regression';

export interface SpecManifest {
  readonly schemaVersion: 1;
  readonly name: string;
  readonly version: string;
  readonly task: SpecTask;
  readonly description?: string;
  readonly input: { readonly tensor?: string; readonly features: readonly SpecFeature[] };
  readonly output: SpecOutput;
}

/** The columns a feature takes in its tensor: K for one-hot, else 1. */
export function featureWidth(feature: SpecFeature, tensorType: string): number {
  if (feature.type !== 'category') return 1;
  return encodingOf(feature, tensorType) === 'one-hot' ? (feature.categories ?? []).length : 1;
}

/** The encoding a category feature gets: its own, else `string` into a string tensor, else `one-hot`. */
export function encodingOf(feature: SpecFeature, tensorType: string): CategoryEncoding {
  return feature.encoding ?? (tensorType === 'string' ? 'string' : 'one-hot');
}

function fixed(dim: Dim | undefined): number | undefined {
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/** The width of a `[N, W]` or `[N]` tensor; `undefined` when the model does not fix it. */
export function tensorWidth(value: ValueSignature): number | undefined {
  if (value.kind !== 'tensor' || value.shape === undefined) return undefined;
  if (value.shape.length === 1) return 1;
  return value.shape.length === 2 ? fixed(value.shape[1]) : undefined;
}

const NUMERIC_TENSORS = new Set(['float32', 'float64']);

function checkFeature(feature: SpecFeature, index: number, input: ValueSignature | undefined, problems: string[]): void {
  const path = `input.features[${index}]`;
  if (input === undefined || input.kind !== 'tensor') return;
  const categories = feature.categories ?? [];
  if (feature.type === 'category') {
    if (categories.length === 0) problems.push(`${path}.categories: must list at least one value for a category feature`);
    const repeated = categories.find((c, i) => categories.indexOf(c) !== i);
    if (repeated !== undefined) problems.push(`${path}.categories: must be unique; "${repeated}" repeats`);
    const encoding = encodingOf(feature, input.elementType);
    if (encoding === 'string' && input.elementType !== 'string') {
      problems.push(`${path}.encoding: is "string" but the model's "${input.name}" is ${input.elementType}; "string" feeds a string tensor`);
    }
    if (encoding !== 'string' && input.elementType === 'string') {
      problems.push(`${path}.encoding: is "${encoding}" but the model's "${input.name}" is a string tensor; use "string"`);
    }
  } else {
    if (feature.categories !== undefined || feature.encoding !== undefined) {
      problems.push(`${path}: "categories" and "encoding" are for category features only; this one is ${feature.type}`);
    }
    const int64Ok = feature.type !== 'number' && input.elementType === 'int64';
    if (!NUMERIC_TENSORS.has(input.elementType) && !int64Ok) {
      problems.push(`${path}.type: a ${feature.type} feature feeds float32 or float64 tensors${feature.type === 'number' ? '' : ' (or int64)'}, but the model's "${input.name}" is ${input.elementType}`);
    }
  }
  const missing = feature.missing ?? 'reject';
  if (missing === 'mean' && (feature.type === 'category' || (feature.mean === undefined && feature.scale === undefined))) {
    problems.push(`${path}.missing: is "mean" but the feature ${feature.type === 'category' ? 'is a category' : 'has neither "mean" nor "scale.mean"'}`);
  }
}

function checkOutput(manifest: SpecManifest, signature: OnnxSignature, problems: string[]): void {
  const output = manifest.output;
  const [key, tensor] = 'value' in output ? ['value', output.value] : 'logits' in output ? ['logits', output.logits]
    : 'positiveProbability' in output ? ['positiveProbability', output.positiveProbability] : ['probabilities', output.probabilities];
  const value = signature.outputs.find((o) => o.name === tensor);
  if (value === undefined || value.kind !== 'tensor') {
    problems.push(`output.${key}: "${tensor}" is not a tensor output of the model; its outputs are: ${signature.outputs.map((o) => `${o.name} (${o.kind})`).join(', ')}`);
    return;
  }
  if (!NUMERIC_TENSORS.has(value.elementType)) problems.push(`output.${key}: the model's "${tensor}" is ${value.elementType}; expected float32 or float64`);
  const width = tensorWidth(value);
  if ('labels' in output) {
    const one = key === 'positiveProbability' || ('activation' in output && output.activation === 'sigmoid');
    const expected = one ? 1 : output.labels.length;
    if (one && output.labels.length !== 2) problems.push(`output.labels: ${output.labels.length} labels listed; ${key === 'logits' ? 'sigmoid' : key} needs exactly 2`);
    if (width !== undefined && width !== expected) {
      problems.push(`output.labels: ${output.labels.length} labels listed but the model's "${tensor}" has ${width} column${width === 1 ? '' : 's'}`);
    }
    const binary = output.labels.length === 2;
    if ((manifest.task === 'binary-classification') !== binary || manifest.task === 'regression') {
      problems.push(`task: is "${manifest.task}" but output.labels has ${output.labels.length} labels`);
    }
  } else if ('targets' in output && output.targets !== undefined) {
    if (width !== undefined && width !== output.targets.length) {
      problems.push(`output.targets: ${output.targets.length} targets listed but the model's "${tensor}" has ${width} column${width === 1 ? '' : 's'}`);
    }
  } else if (width !== undefined && width !== 1) {
    problems.push(`output.value: the model's "${tensor}" has ${width} columns; expected [N] or [N, 1], or list its columns in output.targets`);
  }
}

/** Every way `manifest` breaks the spec's rules against `signature`, one sentence each naming the path. */
export function checkManifestSpec(manifest: SpecManifest, signature: OnnxSignature): string[] {
  const problems: string[] = [];
  const fed = new Map<string, SpecFeature[]>();
  manifest.input.features.forEach((feature, index) => {
    const tensor = feature.tensor ?? manifest.input.tensor;
    if (tensor === undefined) {
      problems.push(`input.features[${index}].tensor: names no tensor and input.tensor is not set; name the model input it feeds`);
      return;
    }
    const input = signature.inputs.find((i) => i.name === tensor);
    if (input === undefined) {
      problems.push(`input.features[${index}].tensor: "${tensor}" is not an input of the model; its inputs are: ${signature.inputs.map((i) => i.name).join(', ')}`);
    }
    checkFeature(feature, index, input, problems);
    fed.set(tensor, [...(fed.get(tensor) ?? []), feature]);
  });
  for (const input of signature.inputs) {
    const features = fed.get(input.name);
    if (features === undefined) {
      problems.push(`input.features: no feature feeds the model's input "${input.name}"; every model input must be fed`);
      continue;
    }
    const width = tensorWidth(input);
    const elementType = input.kind === 'tensor' ? input.elementType : '';
    const sum = features.reduce((s, f) => s + featureWidth(f, elementType), 0);
    if (width !== undefined && width !== sum) {
      problems.push(`input.features: ${features.length} feature${features.length === 1 ? '' : 's'} feed "${input.name}" (${sum} column${sum === 1 ? '' : 's'}) but the model's "${input.name}" takes ${width} columns`);
    }
  }
  const names = manifest.input.features.map((f) => f.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) problems.push(`input.features: the name "${repeated}" repeats; feature names must be unique`);
  checkOutput(manifest, signature, problems);
  return problems;
}
