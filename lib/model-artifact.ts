import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ManifestError, readManifest, type Manifest } from '../lambda/core/manifest';
import { createSession } from '../lambda/core/onnx-session';
import { probeOutputs } from '../lambda/core/probe';
import { checkManifestAgainstModel, describeModel } from '../lambda/core/signature';
import { sha256Hex } from '../lambda/core/model-source';
import type { ModelSignature } from '../lambda/core/types';
import type { TrainingProfile } from '../lambda/records/training-profile';
import { readTrainingProfile } from './evaluation/profile-file';

/** A model file and its manifest, checked against each other before any stack is built. */
export interface ModelArtifact {
  /** The validated manifest. */
  readonly manifest: Manifest;
  /** Absolute path of `model.onnx`. */
  readonly modelPath: string;
  /** SHA-256 (hex) of `model.onnx`: the model's identity in S3 and at cold start. */
  readonly sha256: string;
  /** Size of `model.onnx` in bytes. */
  readonly sizeBytes: number;
  /** The model's declared inputs and outputs, read by onnxruntime. */
  readonly signature: ModelSignature;
  /**
   * The training profile beside the manifest (`profile.json`), checked against it; the quality monitor's drift
   * reference by default.
   * @default - none: the folder has no `profile.json`
   */
  readonly profile?: TrainingProfile;
}

/**
 * Reads the manifest, the model and the training profile beside the manifest when there is one, and refuses a manifest that does not fit its model with the checks the runtime
 * makes at load (tensor names, element types, ranks and widths, label count, a ZipMap output, probabilities that are
 * not), so the mismatch fails `cdk synth` instead of the first request.
 * Async because onnxruntime loads and runs the model asynchronously; `bin/` awaits it before building stacks.
 */
export async function inspectModelArtifact(modelPath: string, manifestPath: string): Promise<ModelArtifact> {
  const manifest = await readManifest(manifestPath);
  const bytes = await readFile(modelPath);
  const session = await createSession(bytes, { graphOptimizationLevel: 'disabled' }, modelPath);
  let signature: ModelSignature;
  let problems: string[];
  try {
    signature = describeModel(session);
    problems = checkManifestAgainstModel(manifest, signature, { bytes, source: modelPath });
    if (problems.length === 0) problems = await probeOutputs(session, manifest, signature);
  } finally {
    await session.release();
  }
  if (problems.length > 0) {
    throw new ManifestError(manifestPath, problems.map((problem) => `${problem} (model: ${modelPath})`));
  }
  // A profile of another model, or of other training data, fails here too: drift against it would mean nothing.
  const profile = await readTrainingProfile(dirname(manifestPath), manifest);
  return {
    manifest,
    modelPath,
    sha256: sha256Hex(bytes),
    sizeBytes: bytes.byteLength,
    signature,
    ...(profile === undefined ? {} : { profile }),
  };
}
