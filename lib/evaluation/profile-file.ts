/**
 * The training profile as a file beside the model (`profile.json`): computed from the training CSV with the
 * runtime's own CSV parser by `modelstack init` (its `--data`) and `modelstack evaluate` (the manifest's
 * `evaluation.training`), read at synth by the quality monitor and bundled with the quality job.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseCsv } from '../../lambda/core/csv';
import type { Manifest } from '../../lambda/core/manifest';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import { describeIssues } from '../../lambda/core/issues';
import { computeProfile, PROFILE_FILE, serializeProfile, TrainingProfileSchema, type TrainingProfile } from '../../lambda/records/training-profile';
import { sha256OfFile } from './evaluation-record';

export { PROFILE_FILE };

/** The training data or profile file cannot be used; names the file and what is wrong. */
export class TrainingProfileError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingProfileError';
  }
}

/** Computes the profile of `manifest`'s features over the training CSV at `trainingPath`. */
export async function profileTrainingData(manifest: Manifest, trainingPath: string, modelDir: string): Promise<TrainingProfile> {
  let text: string;
  try {
    text = await readFile(trainingPath, 'utf8');
  } catch (error) {
    throw new TrainingProfileError(`cannot read the training data ${trainingPath} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, manifest);
  } catch (error) {
    throw new TrainingProfileError(`the training data ${trainingPath} is not CSV the runtime reads: ${(error as Error).message}`);
  }
  const missing = manifest.input.features.find((f) => rows.length > 0 && !(f.name in rows[0]));
  if (missing !== undefined) throw new TrainingProfileError(`the training data ${trainingPath} has no column "${missing.name}" (a feature of the manifest) in its header`);
  if (rows.length === 0) throw new TrainingProfileError(`the training data ${trainingPath} has no rows besides its header`);
  const file = relative(modelDir, trainingPath).split(sep).join('/');
  return computeProfile(manifest, { rows, file, sha256: await sha256OfFile(trainingPath) });
}

/**
 * Writes `profile.json` into `modelDir` from the manifest's `evaluation.training` (or `trainingPath`); returns the
 * path written, or undefined when there is no training data to profile.
 */
export async function writeTrainingProfile(modelDir: string, manifest: Manifest, trainingPath?: string): Promise<string | undefined> {
  const training = trainingPath ?? (manifest.evaluation?.training === undefined ? undefined : resolve(modelDir, manifest.evaluation.training));
  if (training === undefined) return undefined;
  const profile = await profileTrainingData(manifest, training, modelDir);
  const path = join(modelDir, PROFILE_FILE);
  await writeFile(path, serializeProfile(profile));
  return path;
}

/**
 * The profile beside the model in `modelDir`, checked against the manifest (same model, every feature
 * profiled), or undefined when there is none.
 * @throws TrainingProfileError when the file is not a profile of this model
 */
export async function readTrainingProfile(modelDir: string, manifest: Manifest): Promise<TrainingProfile | undefined> {
  const path = join(modelDir, PROFILE_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TrainingProfileError(`${path} must be JSON (${(error as Error).message})`);
  }
  const parsed = TrainingProfileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new TrainingProfileError(`${path} is not a training profile:\n${describeIssues(parsed.error.issues, json).map((p) => `  - ${p}`).join('\n')}`);
  const profile = parsed.data;
  const unprofiled = manifest.input.features.filter((f) => profile.features[f.name] === undefined).map((f) => f.name);
  if (profile.model.name !== manifest.name || unprofiled.length > 0) {
    throw new TrainingProfileError(
      `${path} is the profile of model "${profile.model.name}" ${profile.model.version}${unprofiled.length > 0 ? ` without the features ${unprofiled.join(', ')}` : ''}; re-run modelstack evaluate to profile model "${manifest.name}" ${manifest.version}`,
    );
  }
  return profile;
}
