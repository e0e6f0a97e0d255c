/** The breast-cancer example as the app inspects a model folder: the artifact constructs take as `model`. */
import * as path from 'node:path';
import { inspectModelArtifact, type ModelArtifact } from '../../lib/model-artifact';
import { PROJECT_ROOT } from './app';

/** The breast-cancer example's folder. */
export const BREAST_CANCER_EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'breast-cancer');

/** `model.onnx` and `model.json` of `directory`, inspected (hashed and checked against each other). */
export function exampleArtifact(directory = BREAST_CANCER_EXAMPLE): Promise<ModelArtifact> {
  return inspectModelArtifact(path.join(directory, 'model.onnx'), path.join(directory, 'model.json'));
}
