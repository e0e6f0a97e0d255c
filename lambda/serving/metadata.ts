/**
 * The Open Inference Protocol v2 metadata documents: the server's (`GET /v2`) and the model's
 * (`GET /v2/models/{name}`), the latter extended with what the manifest says about each feature. Built once per
 * manifest (while loading) and once per loaded model, never per request.
 */
import { featureIdentifiers } from '../core/feature-names';
import { inputLayout, type ElementType } from '../core/input-layout';
import type { Manifest } from '../core/manifest';
import { regressionTargets } from '../core/manifest-outputs';
import type { EvaluationKeyFigures } from '../core/evaluation-figures';
import type { LoadedModel } from '../core/types';
import { BINARY_EXTENSION } from './binary-tensors';

// The evaluation's key figures.
export type { EvaluationKeyFigures } from '../core/evaluation-figures';
/** The Open Inference Protocol's datatype for each element type the runtime writes. */
const V2_DATATYPES: Readonly<Record<ElementType, string>> = { float32: 'FP32', float64: 'FP64', int64: 'INT64', string: 'BYTES' };

/** `GET /v2`. */
export const SERVER_METADATA_BODY = JSON.stringify({ name: 'modelstack', version: '1', extensions: [BINARY_EXTENSION] });

/**
 * `GET /v2/models/{name}`: the v2 metadata, extended with the features (and the evaluation's key figures when the
 * stack provides them); `model` undefined while loading.
 */
export function modelMetadata(manifest: Manifest, model: LoadedModel | undefined, evaluation?: EvaluationKeyFigures): Record<string, unknown> {
  const features = manifest.input.features;
  const labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  const targets = regressionTargets(manifest);
  // Element types and encodings come from the model once it is loaded (from the manifest alone before).
  const layout = inputLayout(manifest, model?.signature);
  const single = layout.tensors.length === 1 && layout.tensors[0].name === manifest.input.tensor;
  const ids = featureIdentifiers(features.map((f) => f.name));
  return {
    name: manifest.name,
    versions: [manifest.version],
    platform: 'onnx',
    task: manifest.task,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    inputs: features.map((f, i) => ({
      name: f.name,
      // A letters-digits-underscore spelling of the name: also accepted as the name of a v2 feature tensor.
      id: ids[i],
      // What a client sends in the one-tensor-per-feature form: categories are strings.
      datatype: f.type === 'category' ? 'BYTES' : 'FP32',
      shape: [-1],
      type: f.type,
      tensor: layout.tensors[layout.tensorOf[i]].name,
      ...(f.type === 'category'
        ? { categories: f.categories, encoding: layout.encodingOf[i], unknownCategory: f.unknownCategory ?? 'reject' }
        : {}),
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.min === undefined ? {} : { min: f.min }),
      ...(f.max === undefined ? {} : { max: f.max }),
      ...(f.scale === undefined ? {} : { scale: f.scale }),
      missing: f.missing,
    })),
    outputs:
      labels === undefined
        ? [{ name: 'value', datatype: 'FP32', shape: targets === undefined ? [-1] : [-1, targets.length] }]
        : [
            { name: 'label', datatype: 'BYTES', shape: [-1] },
            { name: 'probabilities', datatype: 'FP32', shape: [-1, labels.length] },
          ],
    ...(labels === undefined ? {} : { labels }),
    // A multi-output regression: the columns of "value", and the keys of each JSON prediction's "values".
    ...(targets === undefined ? {} : { targets }),
    /** The single-tensor form of the input, also accepted by `infer`, when the model takes one tensor. */
    ...(single ? { tensor: { name: manifest.input.tensor, datatype: 'FP32', shape: [-1, features.length] } } : {}),
    /** The model's own inputs, as the runtime feeds them (one-hot features take a column per category). */
    modelInputs: layout.tensors.map((t) => ({
      name: t.name,
      datatype: V2_DATATYPES[t.type],
      shape: t.rank === 1 ? [-1] : [-1, t.width],
      features: t.features.map((f) => features[f].name),
    })),
    unknownFields: manifest.input.unknownFields,
    ...(model === undefined ? {} : { sha256: model.sha256 }),
    ...(evaluation === undefined ? {} : { evaluation }),
    ready: model !== undefined,
  };
}
