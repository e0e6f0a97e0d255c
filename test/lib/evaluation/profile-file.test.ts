/**
 * The training profiles committed beside the shipped examples are what `modelstack evaluate` computes from their
 * training data today (so a retrained example without a new profile fails here), and a profile that does not
 * belong to the model is refused by name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../../../lambda/core/manifest';
import { PROFILE_FILE, profileTrainingData, readTrainingProfile } from '../../../lib/evaluation/profile-file';
import { PROJECT_ROOT } from '../../support/app';

const PROFILED = ['breast-cancer', 'breast-cancer-degraded', 'diabetes', 'iris', 'penguins-lightgbm'];

describe.each(PROFILED)('Given the shipped example %s', (example) => {
  test('Then its committed profile.json is the profile of its training data, as evaluate writes it', async () => {
    const dir = join(PROJECT_ROOT, 'examples', example);
    const manifest = await readManifest(join(dir, 'model.json'));
    const committed = await readTrainingProfile(dir, manifest);
    expect(committed).toEqual(await profileTrainingData(manifest, join(dir, manifest.evaluation?.training as string), dir));
  });
});

/** A copy of the iris example's model.json, train.csv and profile.json in a fresh folder, the profile edited by `edit`. */
async function readEditedProfile(edit: (profile: Record<string, unknown>) => unknown, changeTraining?: (csv: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-profile-'));
  try {
    const source = join(PROJECT_ROOT, 'examples', 'iris');
    for (const file of ['model.json', 'train.csv']) writeFileSync(join(dir, file), readFileSync(join(source, file)));
    if (changeTraining !== undefined) writeFileSync(join(dir, 'train.csv'), changeTraining(readFileSync(join(source, 'train.csv'), 'utf8')));
    const edited = edit(JSON.parse(readFileSync(join(source, PROFILE_FILE), 'utf8')) as Record<string, unknown>);
    writeFileSync(join(dir, PROFILE_FILE), typeof edited === 'string' ? edited : JSON.stringify(edited));
    const manifest = await readManifest(join(dir, 'model.json'));
    return await readTrainingProfile(dir, manifest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Given a profile.json that does not fit the model beside it', () => {
  test('Then a profile of another model is refused, naming both models and the features it lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-profile-'));
    try {
      const manifest = await readManifest(join(PROJECT_ROOT, 'examples', 'iris', 'model.json'));
      writeFileSync(join(dir, PROFILE_FILE), readFileSync(join(PROJECT_ROOT, 'examples', 'diabetes', PROFILE_FILE)));
      await expect(readTrainingProfile(dir, manifest)).rejects.toThrow(
        /profile.json does not fit model "iris" 1.0.0: it is the profile of model "diabetes" 1.0.0; it has no profile of the features sepal_length_cm.*re-run modelstack evaluate/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Then a feature the manifest does not declare is refused by name', async () => {
    const extra = (p: Record<string, unknown>) => ({ ...p, features: { ...(p.features as object), petal_colour: { kind: 'categorical', categoryShares: { blue: 1 }, missingShare: 0 } } });
    await expect(readEditedProfile(extra)).rejects.toThrow(/it profiles features the manifest does not declare: petal_colour/);
  });

  test('Then a profile of other training data than evaluation.training is refused, naming both files', async () => {
    const other = (p: Record<string, unknown>) => ({ ...p, data: { ...(p.data as object), file: 'old-train.csv' } });
    await expect(readEditedProfile(other)).rejects.toThrow(/it was computed from old-train.csv, and the manifest's evaluation.training is train.csv/);
  });

  test('Then a training file changed since the profile is refused, naming both SHA-256', async () => {
    const changed = (csv: string) => `${csv.trimEnd()}\n${csv.trimEnd().split('\n')[1]}\n`;
    await expect(readEditedProfile((p) => p, changed)).rejects.toThrow(/it was computed from train.csv with SHA-256 ec5d2191[0-9a-f]{56}, and train.csv now has SHA-256 (?!ec5d2191)[0-9a-f]{64}/);
  });

  test('Then a file that is not JSON is refused, naming the file', async () => {
    await expect(readEditedProfile(() => '{ not json')).rejects.toThrow(/profile.json must be JSON/);
  });

  test('Then JSON that is not a profile is refused, naming the file and the field', async () => {
    await expect(readEditedProfile((p) => ({ ...p, bins: 1 }))).rejects.toThrow(/profile.json is not a training profile:\n.*bins/);
  });

  test('Then the unchanged copy is read', async () => {
    await expect(readEditedProfile((p) => p)).resolves.toMatchObject({ model: { name: 'iris' } });
  });
});
