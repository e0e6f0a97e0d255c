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
  const problems = [...modelProblems(profile, manifest), ...(await trainingDataProblems(profile, manifest, modelDir))];
  if (problems.length > 0) {
    throw new TrainingProfileError(
      `${path} does not fit model "${manifest.name}" ${manifest.version}: ${problems.join('; ')}; re-run modelstack evaluate to profile this model's training data`,
    );
  }
  return profile;
}

/** Where the profile names another model, or its features are not the manifest's. */
function modelProblems(profile: TrainingProfile, manifest: Manifest): string[] {
  const problems: string[] = [];
  if (profile.model.name !== manifest.name) problems.push(`it is the profile of model "${profile.model.name}" ${profile.model.version}`);
  const declared = new Set(manifest.input.features.map((f) => f.name));
  const unprofiled = [...declared].filter((name) => profile.features[name] === undefined);
  const unknown = Object.keys(profile.features).filter((name) => !declared.has(name));
  if (unprofiled.length > 0) problems.push(`it has no profile of the features ${unprofiled.join(', ')}`);
  if (unknown.length > 0) problems.push(`it profiles features the manifest does not declare: ${unknown.join(', ')}`);
  return problems;
}

/**
 * Where the profile was computed from other training data than the manifest's `evaluation.training`: another
 * file, or the same file since changed (its SHA-256). Without `evaluation.training`, or with the file absent
 * (a repository that keeps its training data elsewhere), the profile's own record is all there is.
 */
async function trainingDataProblems(profile: TrainingProfile, manifest: Manifest, modelDir: string): Promise<string[]> {
  const training = manifest.evaluation?.training;
  if (training === undefined) return [];
  const trainingPath = resolve(modelDir, training);
  const file = relative(modelDir, trainingPath).split(sep).join('/');
  if (profile.data.file !== file) return [`it was computed from ${profile.data.file}, and the manifest's evaluation.training is ${file}`];
  if (!existsSync(trainingPath)) return [];
  const sha256 = await sha256OfFile(trainingPath);
  return sha256 === profile.data.sha256 ? [] : [`it was computed from ${file} with SHA-256 ${profile.data.sha256}, and ${file} now has SHA-256 ${sha256}`];
}
