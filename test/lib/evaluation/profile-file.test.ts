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

describe('Given a profile.json of another model', () => {
  test('Then reading it for this model is refused, naming both models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-profile-'));
    try {
      const manifest = await readManifest(join(PROJECT_ROOT, 'examples', 'iris', 'model.json'));
      writeFileSync(join(dir, PROFILE_FILE), readFileSync(join(PROJECT_ROOT, 'examples', 'diabetes', PROFILE_FILE)));
      await expect(readTrainingProfile(dir, manifest)).rejects.toThrow(/is the profile of model "diabetes" 1.0.0 without the features sepal_length_cm.*re-run modelstack evaluate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
