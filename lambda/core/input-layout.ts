/**
 * Where each feature goes: the model inputs the manifest's features feed, each tensor's element type (from the
 * model's signature) and width, and each feature's columns and encoding. Worked out once per manifest and model, so
 * the per-value code (`feature-rules.ts`) and the feeds (`model.ts`) only index arrays.
 *
 * Features feeding one tensor fill its columns in manifest order; a one-hot feature takes one column per category,
 * every other feature one column.
 */
import type { Feature, Manifest } from './manifest';
import type { ModelSignature } from './types';

/** Element types the runtime writes. */
export type ElementType = 'float32' | 'float64' | 'int64' | 'string';
/** How a feature's value becomes tensor cells. */
export type FeatureEncoding = 'number' | 'one-hot' | 'ordinal' | 'string';

const ELEMENT_TYPES: ReadonlySet<string> = new Set<ElementType>(['float32', 'float64', 'int64', 'string']);

/** One model input fed by the runtime. */
export interface InputTensor {
  readonly name: string;
  /** From the model's signature; `float32` (or `string` for string-encoded features) without one. */
  readonly type: ElementType;
  /** The element type the model declares, when it is one the runtime cannot write (checked by `signature.ts`). */
  readonly declaredType: string | undefined;
  /** Columns: the sum of its features' widths. */
  readonly width: number;
  /** `[N]` when the model declares a rank-1 input (width 1), else `[N, width]`. */
  readonly rank: 1 | 2;
  /** Indexes of the features that feed it, in column order. */
  readonly features: readonly number[];
}

export interface InputLayout {
  readonly tensors: readonly InputTensor[];
  /** Per feature: the index of its tensor in `tensors`. */
  readonly tensorOf: readonly number[];
  /** Per feature: its first column in its tensor. */
  readonly columnOf: readonly number[];
  /** Per feature: how it is encoded. */
  readonly encodingOf: readonly FeatureEncoding[];
}

/** The tensor a feature feeds (the schema guarantees one of the two is set). */
export function tensorNameOf(feature: Feature, manifest: Manifest): string {
  return feature.tensor ?? manifest.input.tensor ?? '';
}

function encodingOf(feature: Feature, tensorType: string | undefined): FeatureEncoding {
  if (feature.type !== 'category') return 'number';
  return feature.encoding ?? (tensorType === 'string' ? 'string' : 'one-hot');
}

/** The layout of the manifest's features over the model's inputs; without a signature, tensors are float32. */
export function inputLayout(manifest: Manifest, signature?: ModelSignature): InputLayout {
  const features = manifest.input.features;
  const order: string[] = [];
  const members = new Map<string, number[]>();
  features.forEach((feature, f) => {
    const name = tensorNameOf(feature, manifest);
    let list = members.get(name);
    if (list === undefined) {
      list = [];
      members.set(name, list);
      order.push(name);
    }
    list.push(f);
  });
  const tensorOf = new Array<number>(features.length);
  const columnOf = new Array<number>(features.length);
  const encodings = new Array<FeatureEncoding>(features.length);
  const tensors = order.map((name, t): InputTensor => {
    const list = members.get(name) ?? [];
    const declared = signature?.inputs.find((i) => i.name === name);
    const declaredType =
      declared?.type ?? (list.some((f) => features[f].encoding === 'string') ? 'string' : 'float32');
    let width = 0;
    for (const f of list) {
      const encoding = encodingOf(features[f], declaredType);
      tensorOf[f] = t;
      columnOf[f] = width;
      encodings[f] = encoding;
      width += encoding === 'one-hot' ? (features[f].categories?.length ?? 1) : 1;
    }
    const supported = ELEMENT_TYPES.has(declaredType);
    return {
      name,
      type: supported ? (declaredType as ElementType) : 'float32',
      declaredType: supported ? undefined : declaredType,
      width,
      rank: declared?.shape.length === 1 && width === 1 ? 1 : 2,
      features: list,
    };
  });
  return { tensors, tensorOf, columnOf, encodingOf: encodings };
}
