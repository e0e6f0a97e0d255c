import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FEATURE_NAME_PATTERN,
  MODEL_NAME_PATTERN,
  ManifestError,
  formatPath,
  formatValue,
  outputTensorNames,
  parseManifest,
  readManifest,
} from '../../../lambda/core/manifest';

/** A valid regression manifest as JSON would give it; each test breaks one thing. */
function base(): Record<string, unknown> & { input: Record<string, unknown> & { features: unknown[] } } {
  return {
    name: 'model',
    version: '1.0.0',
    task: 'regression',
    input: { tensor: 'input', features: [{ name: 'a' }] },
    output: { value: 'value' },
  };
}

/** The problems parseManifest reports; fails the test when it accepts the manifest. */
function problemsOf(json: unknown): readonly string[] {
  try {
    parseManifest(json, 'x/model.json');
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const withFeature = (feature: Record<string, unknown>) => ({ ...base(), input: { tensor: 'input', features: [feature] } });
const classifier = (task: string, labels: unknown) => ({ ...base(), task, output: { probabilities: 'probabilities', labels } });

describe('parseManifest: accepted manifests', () => {
  it('applies the defaults', () => {
    expect(parseManifest(base())).toEqual({
      schemaVersion: 1,
      name: 'model',
      version: '1.0.0',
      task: 'regression',
      input: {
        tensor: 'input',
        features: [{ name: 'a', type: 'number', missing: 'reject' }],
        unknownFields: 'reject',
        coerceNumericStrings: false,
      },
      output: { value: 'value' },
    });
  });

  it.each(['1.0.0-rc.1', '1.0.0+build.5', '1.0.0-rc.1+build.5'])('accepts the semantic version %s', (version) => {
    expect(parseManifest({ ...base(), version }).version).toBe(version);
  });

  it('keeps every optional field', () => {
    const full = {
      schemaVersion: 1,
      name: 'full-model-2',
      version: '2.3.4-rc.1',
      description: 'everything',
      task: 'multiclass-classification',
      input: {
        tensor: 'x',
        features: [
          { name: 'age', type: 'integer', description: 'years', min: 0, max: 120, scale: { mean: 40, std: 12 }, mean: 41, missing: 'mean' },
          { name: 'smoker', type: 'boolean', missing: { constant: 0 } },
          { name: 'bmi.v2', type: 'number', min: 10, max: 10, missing: 'mean', scale: { mean: 25, std: 4 } },
        ],
        unknownFields: 'ignore',
        coerceNumericStrings: true,
      },
      output: { probabilities: 'probs', labels: ['a', 'b', 'c'] },
      evaluation: { data: 'test.csv', target: 'y', minimum: { accuracy: 0.9 }, baseline: 'metrics.json' },
    };
    expect(parseManifest(full)).toEqual(full);
  });

  it('accepts binary classification with exactly two labels', () => {
    expect(parseManifest(classifier('binary-classification', ['no', 'yes'])).task).toBe('binary-classification');
  });

  it.each(['breast-cancer', 'iris', 'diabetes'])('the %s example manifest parses', async (name) => {
    const manifest = await readManifest(join(__dirname, '../../../examples', name, 'model.json'));
    expect(manifest.name).toBe(name);
    expect(manifest.input.features.length).toBeGreaterThan(0);
  });
});

describe('parseManifest: every rejection names the path, the value and what is allowed', () => {
  it.each<[string, unknown, string]>([
    // Top level.
    ['a non-object', 5, '(root): 5 is not allowed; expected object'],
    ['a model name that is not a DNS label', { ...base(), name: 'Bad_Name' }, 'name: must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit (got "Bad_Name")'],
    ['a missing name', { ...base(), name: undefined }, 'name: is required (expected string)'],
    ['a version that is not semantic', { ...base(), version: '1.0' }, 'version: must be a semantic version such as 1.2.0 (got "1.0")'],
    ['an unknown schema version', { ...base(), schemaVersion: 2 }, 'schemaVersion: 2 is not allowed; expected 1'],
    ['a description that is not a string', { ...base(), description: 5 }, 'description: 5 is not allowed; expected string'],
    [
      'an unknown task',
      { ...base(), task: 'clustering' },
      'task: "clustering" is not allowed; Invalid discriminator value. Expected \'binary-classification\' | \'multiclass-classification\' | \'regression\'',
    ],
    [
      'a missing task',
      { ...base(), task: undefined },
      'task: missing is not allowed; Invalid discriminator value. Expected \'binary-classification\' | \'multiclass-classification\' | \'regression\'',
    ],
    // Input.
    ['an empty input tensor name', { ...base(), input: { tensor: '', features: [{ name: 'a' }] } }, 'input.tensor: must have at least 1 character (got "")'],
    ['no features', { ...base(), input: { tensor: 'input', features: [] } }, 'input.features: must have at least 1 item (got [])'],
    [
      'an unknown unknownFields policy',
      { ...base(), input: { ...base().input, unknownFields: 'drop' } },
      'input.unknownFields: "drop" is not allowed; expected "reject" or "ignore"',
    ],
    [
      'a coerceNumericStrings that is not a boolean',
      { ...base(), input: { ...base().input, coerceNumericStrings: 'yes' } },
      'input.coerceNumericStrings: "yes" is not allowed; expected boolean',
    ],
    [
      'duplicate feature names',
      { ...base(), input: { tensor: 'input', features: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] } },
      'input.features[2].name: duplicates features[0].name (got "a")',
    ],
    // Features.
    [
      'a feature name with a control character',
      withFeature({ name: 'mean\tradius' }),
      'input.features[0].name: must be 1 to 128 printable characters (spaces and punctuation allowed), not starting or ending with a space (got "mean\\tradius")',
    ],
    [
      'a feature name ending with a space',
      withFeature({ name: 'mean radius ' }),
      'input.features[0].name: must be 1 to 128 printable characters (spaces and punctuation allowed), not starting or ending with a space (got "mean radius ")',
    ],
    ['an unknown feature type', withFeature({ name: 'a', type: 'float' }), 'input.features[0].type: "float" is not allowed; expected "number" or "integer" or "boolean" or "category"'],
    ['a min that is not a number', withFeature({ name: 'a', min: '0' }), 'input.features[0].min: "0" is not allowed; expected number'],
    ['a max that is not a number', withFeature({ name: 'a', max: true }), 'input.features[0].max: true is not allowed; expected number'],
    ['min greater than max', withFeature({ name: 'a', min: 5, max: 1 }), 'input.features[0].min: must not be greater than max (1) (got 5)'],
    ['a feature mean that is not a number', withFeature({ name: 'a', mean: 'x' }), 'input.features[0].mean: "x" is not allowed; expected number'],
    ['a zero std', withFeature({ name: 'a', scale: { mean: 0, std: 0 } }), 'input.features[0].scale.std: must be greater than 0 (got 0)'],
    ['a negative std', withFeature({ name: 'a', scale: { mean: 0, std: -1 } }), 'input.features[0].scale.std: must be greater than 0 (got -1)'],
    ['a scale without std', withFeature({ name: 'a', scale: { mean: 0 } }), 'input.features[0].scale.std: is required (expected number)'],
    ['a scale mean that is not a number', withFeature({ name: 'a', scale: { mean: null, std: 1 } }), 'input.features[0].scale.mean: null is not allowed; expected number'],
    ['an unknown key in scale', withFeature({ name: 'a', scale: { mean: 0, std: 1, var: 1 } }), 'input.features[0].scale: unknown key "var"; allowed: mean, std'],
    ['an unknown key in a feature', withFeature({ name: 'a', unit: 'cm' }), 'input.features[0]: unknown key "unit"; allowed: name, type, description, tensor, min, max, scale, mean, categories, encoding, unknownCategory, missing, capture'],
    [
      'an unknown missing policy',
      withFeature({ name: 'a', missing: 'zero' }),
      'input.features[0].missing: "zero" is not allowed; expected "reject", "mean", "passthrough" or {"constant": <a finite number, or a category>}',
    ],
    [
      'a missing constant that is not a number',
      withFeature({ name: 'a', missing: { constant: 'x' } }),
      'input.features[0].missing: has a string constant; a number feature takes {"constant": <a number>} (got {"constant":"x"})',
    ],
    [
      'missing "mean" with nothing to fill with',
      withFeature({ name: 'a', missing: 'mean' }),
      'input.features[0].missing: is "mean" but the feature has neither "mean" nor "scale.mean" to fill with (got "mean")',
    ],
    // Outputs.
    ['a binary classifier with one label', classifier('binary-classification', ['x']), 'output.labels: must list at least 2 labels (got ["x"])'],
    ['a binary classifier with three labels', classifier('binary-classification', ['x', 'y', 'z']), 'output.labels: must list exactly 2 labels (got ["x","y","z"])'],
    ['a multiclass classifier with one label', classifier('multiclass-classification', ['x']), 'output.labels: must list at least 2 labels (got ["x"])'],
    ['duplicate labels', classifier('multiclass-classification', ['x', 'y', 'x']), 'output.labels: must be unique; "x" repeats (got "x")'],
    ['an empty label', classifier('multiclass-classification', ['x', '']), 'output.labels[1]: must have at least 1 character (got "")'],
    ['labels that are not an array', classifier('multiclass-classification', 'x,y'), 'output.labels: "x,y" is not allowed; expected array'],
    // Evaluation.
    ['an empty evaluation data path', { ...base(), evaluation: { data: '', target: 'y' } }, 'evaluation.data: must have at least 1 character (got "")'],
    ['an evaluation without target', { ...base(), evaluation: { data: 'test.csv' } }, 'evaluation.target: is required (expected string)'],
    [
      'a metric floor that is not a number',
      { ...base(), evaluation: { data: 'test.csv', target: 'y', minimum: { accuracy: 'high' } } },
      'evaluation.minimum.accuracy: "high" is not allowed; expected number',
    ],
  ])('%s', (_what, json, problem) => {
    expect(problemsOf(json)).toEqual([problem]);
  });

  it('a non-finite number (possible from JavaScript, not JSON) is rejected at its path', () => {
    const [problem] = problemsOf(withFeature({ name: 'a', min: Infinity }));
    expect(problem).toMatch(/^input\.features\[0\]\.min: .* is not allowed; expected number$/);
    const [mean] = problemsOf(withFeature({ name: 'a', scale: { mean: NaN, std: 1 } }));
    expect(mean).toMatch(/^input\.features\[0\]\.scale\.mean: /);
  });

  it('rejects unknown top-level keys, naming them all', () => {
    expect(problemsOf({ ...base(), extra: 1, more: 2 })).toEqual(['(root): unknown keys "extra", "more"; allowed: schemaVersion, name, version, description, input, evaluation, task, output']);
  });

  it('checks the output against the task', () => {
    expect(problemsOf({ ...base(), task: 'binary-classification' })).toEqual([
      'output.labels: is required (expected array)',
      'output: unknown key "value"; allowed: probabilities, logits, activation, positiveProbability, label, labels',
    ]);
    expect(problemsOf({ ...base(), output: { probabilities: 'p', labels: ['a', 'b'] } })).toEqual([
      'output.value: is required (expected string)',
      'output: unknown keys "probabilities", "labels"; allowed: value, targets',
    ]);
  });

  it('an unknown key that is a typo gets "did you mean" with the closest allowed key, read from the schema', () => {
    expect(problemsOf({ ...base(), output: { value: 'v', target: ['a', 'b'] } })).toEqual([
      'output: unknown key "target" (did you mean "targets"?); allowed: value, targets',
    ]);
    expect(problemsOf({ ...base(), evaluation: { data: 'd.csv', target: 't', minimun: {} } })).toEqual([
      'evaluation: unknown key "minimun" (did you mean "minimum"?); allowed: data, target, training, minimum, minimumPerClass, minimumPerTarget, slices, baseline, tolerance, metric, maxRejectedShare, positiveLabel',
    ]);
  });

  it('a multi-output regression lists at least two distinct targets', () => {
    expect(problemsOf({ ...base(), output: { value: 'v', targets: ['a'] } })).toEqual([
      'output.targets: must have at least 2 items (got ["a"])',
    ]);
    expect(problemsOf({ ...base(), output: { value: 'v', targets: ['a', 'a'] } })[0]).toContain('output.targets: must not repeat a name');
  });

  it('reports every problem at once, in a message naming the source', () => {
    try {
      parseManifest({ ...base(), name: 'X', version: 'v1', input: { tensor: 'input', features: [{ name: 'a', scale: { mean: 0, std: 0 } }] } }, 'models/x/model.json');
      throw new Error('expected a ManifestError');
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError);
      const manifestError = error as ManifestError;
      expect(manifestError.source).toBe('models/x/model.json');
      expect(manifestError.name).toBe('ManifestError');
      expect(manifestError.message).toBe(
        [
          'models/x/model.json is not a valid model manifest:',
          '  - name: must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit (got "X")',
          '  - version: must be a semantic version such as 1.2.0 (got "v1")',
          '  - input.features[0].scale.std: must be greater than 0 (got 0)',
        ].join('\n'),
      );
    }
  });
});

describe('readManifest', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'manifest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function readError(path: string): Promise<ManifestError> {
    const error = await readManifest(path).catch((e: unknown) => e);
    if (error instanceof ManifestError) return error;
    throw new Error(`expected a ManifestError, got ${String(error)}`);
  }

  it('names a missing file', async () => {
    const path = join(dir, 'absent.json');
    const error = await readError(path);
    expect(error.source).toBe(path);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toBe('does not exist: a model directory holds model.json (the manifest) and model.onnx');
    expect(error.message).toBe(`${path} is not a valid model manifest:\n  - ${error.problems[0]}`);
  });

  it('tells to run init when model.onnx is there but model.json is not', async () => {
    await writeFile(join(dir, 'model.onnx'), 'not read');
    const error = await readError(join(dir, 'model.json'));
    expect(error.problems[0]).toBe(
      `does not exist, but ${join(dir, 'model.onnx')} does: write the manifest with "modelstack init ${join(dir, 'model.onnx')} --data <train.csv> --target <column>", review it, then try again`,
    );
  });

  it('names a file that is not JSON', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{"name": "x",');
    const error = await readError(path);
    expect(error.problems[0]).toMatch(/^is not valid JSON: /);
  });

  it('validates the content, naming the file', async () => {
    const path = join(dir, 'invalid.json');
    await writeFile(path, JSON.stringify({ ...base(), version: 'one' }));
    const error = await readError(path);
    expect(error.problems).toEqual(['version: must be a semantic version such as 1.2.0 (got "one")']);
    expect(error.message.startsWith(`${path} is not a valid model manifest:`)).toBe(true);
  });

  it('reads a valid file', async () => {
    const path = join(dir, 'model.json');
    await writeFile(path, JSON.stringify(base()));
    await expect(readManifest(path)).resolves.toMatchObject({ name: 'model', schemaVersion: 1 });
  });
});

describe('helpers', () => {
  it('formatPath joins keys and indexes', () => {
    expect(formatPath(['input', 'features', 3, 'scale', 'std'])).toBe('input.features[3].scale.std');
    expect(formatPath([])).toBe('(root)');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });

  it('formatValue renders values short and safe', () => {
    expect(formatValue(undefined)).toBe('missing');
    expect(formatValue('abc')).toBe('"abc"');
    expect(formatValue(3.5)).toBe('3.5');
    expect(formatValue(null)).toBe('null');
    expect(formatValue({ a: [1] })).toBe('{"a":[1]}');
    const long = formatValue('x'.repeat(200));
    expect(long).toHaveLength(80);
    expect(long.endsWith('...')).toBe(true);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(formatValue(circular)).toBe('[object Object]');
    expect(formatValue(10n)).toBe('10');
    // JSON would print these as null and hide the offender.
    expect(formatValue(Infinity)).toBe('Infinity');
    expect(formatValue(NaN)).toBe('NaN');
  });

  it('outputTensorNames lists the tensor the task reads', () => {
    expect(outputTensorNames(parseManifest(base()))).toEqual(['value']);
    expect(outputTensorNames(parseManifest(classifier('binary-classification', ['n', 'y'])))).toEqual(['probabilities']);
  });

  it('the name patterns accept what they document', () => {
    expect(MODEL_NAME_PATTERN.test('breast-cancer')).toBe(true);
    expect(MODEL_NAME_PATTERN.test('-bad')).toBe(false);
    expect(MODEL_NAME_PATTERN.test('a'.repeat(64))).toBe(false);
    expect(FEATURE_NAME_PATTERN.test('mean_radius.v2')).toBe(true);
    // scikit-learn's own column names (load_breast_cancer, load_wine).
    expect(FEATURE_NAME_PATTERN.test('mean radius')).toBe(true);
    expect(FEATURE_NAME_PATTERN.test('od280/od315_of_diluted_wines')).toBe(true);
    expect(FEATURE_NAME_PATTERN.test('1abc')).toBe(true);
    expect(FEATURE_NAME_PATTERN.test('')).toBe(false);
    expect(FEATURE_NAME_PATTERN.test('a'.repeat(129))).toBe(false);
    expect(FEATURE_NAME_PATTERN.test('line\nbreak')).toBe(false);
  });
});
