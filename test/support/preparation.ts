/**
 * Fixtures of the data preparation tests: manifests built from features alone, and the InvalidInputError a call
 * throws.
 */
import { parseManifest, type Manifest, type ManifestInput } from '../../lambda/core/manifest';
import { InvalidInputError } from '../../lambda/core/invalid-input';

export type FeatureInput = ManifestInput['input']['features'][number];

/** A regression manifest with these features (and input options). */
export function manifestOf(features: FeatureInput[], input: Partial<ManifestInput['input']> = {}): Manifest {
  return parseManifest({
    name: 'test-model',
    version: '1.0.0',
    task: 'regression',
    input: { tensor: 'input', features, ...input },
    output: { value: 'value' },
  });
}

/** The error; fails the test when `run` does not throw an InvalidInputError. */
export function rejection(run: () => unknown): InvalidInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

export const f32 = (x: number) => Math.fround(x);

/** a: scaled, b: bounded integer, c: boolean. */
export const mixed = manifestOf([
  { name: 'a', scale: { mean: 10, std: 4 } },
  { name: 'b', type: 'integer', min: 0, max: 120 },
  { name: 'c', type: 'boolean' },
]);
