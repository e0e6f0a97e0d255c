/**
 * The Open Inference Protocol v2 metadata documents: the server's (`GET /v2`) and the model's
 * (`GET /v2/models/{name}`), the latter extended with what the manifest says about each feature. Built once per
 * manifest (while loading) and once per loaded model, never per request.
 */
import type { Manifest } from '../core/manifest';
import type { EvaluationKeyFigures } from '../core/evaluation-figures';
import type { LoadedModel } from '../core/types';

// The evaluation's key figures (issue 11).
export type { EvaluationKeyFigures } from '../core/evaluation-figures';

/** `GET /v2`. */
export const SERVER_METADATA_BODY = JSON.stringify({ name: 'modelstack', version: '1', extensions: [] });

/**
 * `GET /v2/models/{name}`: the v2 metadata, extended with the features (and the evaluation's key figures when the
 * stack provides them); `model` undefined while loading.
 */
export function modelMetadata(manifest: Manifest, model: LoadedModel | undefined, evaluation?: EvaluationKeyFigures): Record<string, unknown> {
  const features = manifest.input.features;
  const labels = manifest.task === 'regression' ? undefined : manifest.output.labels;
  return {
    name: manifest.name,
    versions: [manifest.version],
    platform: 'onnx',
    task: manifest.task,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    inputs: features.map((f) => ({
      name: f.name,
      datatype: 'FP32',
      shape: [-1],
      type: f.type,
      ...(f.description === undefined ? {} : { description: f.description }),
      ...(f.min === undefined ? {} : { min: f.min }),
      ...(f.max === undefined ? {} : { max: f.max }),
      ...(f.scale === undefined ? {} : { scale: f.scale }),
      missing: f.missing,
    })),
    outputs:
      labels === undefined
        ? [{ name: 'value', datatype: 'FP32', shape: [-1] }]
        : [
            { name: 'label', datatype: 'BYTES', shape: [-1] },
            { name: 'probabilities', datatype: 'FP32', shape: [-1, labels.length] },
          ],
    ...(labels === undefined ? {} : { labels }),
    /** The single-tensor form of the input, also accepted by `infer`. */
    tensor: { name: manifest.input.tensor, datatype: 'FP32', shape: [-1, features.length] },
    unknownFields: manifest.input.unknownFields,
    ...(model === undefined ? {} : { sha256: model.sha256 }),
    ...(evaluation === undefined ? {} : { evaluation }),
    ready: model !== undefined,
  };
}
