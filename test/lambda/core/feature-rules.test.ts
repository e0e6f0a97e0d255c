/**
 * The per-value feature rules (lambda/core/feature-rules.ts), through the preparer: what is rejected and how it
 * reads, missing values, numeric strings.
 */
import { MAX_KEPT_PROBLEMS } from '../../../lambda/core/invalid-input';
import { createPreparer, type PrepareOptions } from '../../../lambda/core/prepare';
import { f32, manifestOf, mixed, rejection } from '../../support/preparation';

describe('prepare: rejected values name instance, field, value and what is allowed', () => {
  const preparer = createPreparer(mixed);
  const messageFor = (instances: unknown[], options?: PrepareOptions) =>
    rejection(() => preparer.prepare(instances, options)).message;

  it.each<[string, unknown, string]>([
    ['a non-numeric string', 'abc', 'instances[0].a: "abc" is not allowed; expected a finite number (a JSON number, not a string)'],
    ['a numeric string (coercion is off)', '3.5', 'instances[0].a: "3.5" is not allowed; expected a finite number (a JSON number, not a string)'],
    ['NaN', NaN, 'instances[0].a: NaN is not allowed; expected a finite number'],
    ['Infinity', Infinity, 'instances[0].a: Infinity is not allowed; expected a finite number'],
    ['a boolean for a number feature', true, 'instances[0].a: true is not allowed; expected a finite number'],
    ['an object', { v: 1 }, 'instances[0].a: {"v":1} is not allowed; expected a finite number'],
    ['an array', [1], 'instances[0].a: [1] is not allowed; expected a finite number'],
  ])('%s', (_what, value, message) => {
    expect(messageFor([{ a: value, b: 1, c: true }])).toContain(message);
  });

  it('renders NaN and -Infinity as themselves, not as JSON null', () => {
    const error = rejection(() => preparer.prepare([{ a: NaN, b: 1, c: true }, { a: -Infinity, b: 1, c: true }]));
    expect(error.problems.map((p) => [p.instance, p.field, p.value])).toEqual([
      [0, 'a', 'NaN'],
      [1, 'a', '-Infinity'],
    ]);
  });

  it('integer features must be whole', () => {
    expect(messageFor([{ a: 1, b: 2.5, c: true }])).toContain(
      'instances[0].b: 2.5 is not allowed; expected a whole number between 0 and 120',
    );
  });

  it('min and max are enforced on the raw value, naming the range', () => {
    expect(messageFor([{ a: 1, b: -1, c: true }])).toContain('instances[0].b: -1 is not allowed; expected a whole number between 0 and 120');
    expect(messageFor([{ a: 1, b: 121, c: true }])).toContain('instances[0].b: 121 is not allowed; expected a whole number between 0 and 120');
    const onlyMin = createPreparer(manifestOf([{ name: 'x', min: 0 }]));
    expect(rejection(() => onlyMin.prepare([{ x: -0.5 }])).message).toContain('instances[0].x: -0.5 is not allowed; expected a finite number of at least 0');
    const onlyMax = createPreparer(manifestOf([{ name: 'x', max: 1, type: 'integer' }]));
    expect(rejection(() => onlyMax.prepare([{ x: 2 }])).message).toContain('instances[0].x: 2 is not allowed; expected a whole number of at most 1');
  });

  it('boolean features take true/false or 1/0 only', () => {
    expect(messageFor([{ a: 1, b: 1, c: 2 }])).toContain('instances[0].c: 2 is not allowed; expected true or false (or 1 or 0)');
    expect(messageFor([{ a: 1, b: 1, c: 'true' }])).toContain('instances[0].c: "true" is not allowed; expected true or false (or 1 or 0) (JSON true/false or a number, not a string)');
  });

  it('a value that overflows float32 after scaling is rejected', () => {
    expect(messageFor([{ a: 1e300, b: 1, c: true }])).toContain(
      'instances[0].a: 1e+300 is not allowed; expected a finite number within float32 range (about ±3.4e38 after scaling)',
    );
  });

  it('collects problems across the whole batch, in order', () => {
    const error = rejection(() => preparer.prepare([{ a: 'x', b: 1, c: true }, { a: 1, b: 1, c: true }, { a: 1, b: -5, c: 3 }]));
    expect(error.problems).toEqual([
      { instance: 0, field: 'a', value: '"x"', allowed: 'a finite number (a JSON number, not a string)' },
      { instance: 2, field: 'b', value: '-5', allowed: 'a whole number between 0 and 120' },
      { instance: 2, field: 'c', value: '3', allowed: 'true or false (or 1 or 0)' },
    ]);
    expect(error.problemCount).toBe(3);
    expect(error.message).toBe(
      [
        'Invalid input (3 problems):',
        '  - instances[0].a: "x" is not allowed; expected a finite number (a JSON number, not a string)',
        '  - instances[2].b: -5 is not allowed; expected a whole number between 0 and 120',
        '  - instances[2].c: 3 is not allowed; expected true or false (or 1 or 0)',
      ].join('\n'),
    );
    expect(error.name).toBe('InvalidInputError');
  });

  it('lists 20 problems, then "and N more"; keeps at most MAX_KEPT_PROBLEMS', () => {
    const bad = Array.from({ length: 200 }, () => ({ a: 'x', b: 1, c: true }));
    const error = rejection(() => preparer.prepare(bad));
    expect(error.problemCount).toBe(200);
    expect(error.problems).toHaveLength(MAX_KEPT_PROBLEMS);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid input (200 problems):');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[20]).toContain('instances[19].a');
    expect(lines[21]).toBe('  - and 180 more');
  });
});

describe('prepare: missing values', () => {
  const preparer = createPreparer(
    manifestOf([
      { name: 'required', min: 0, max: 5 },
      { name: 'mean_own', mean: 3, scale: { mean: 2, std: 2 }, missing: 'mean' },
      { name: 'mean_scale', scale: { mean: 7, std: 3 }, missing: 'mean' },
      { name: 'constant', missing: { constant: -1 } },
      { name: 'constant_scaled', scale: { mean: 1, std: 2 }, missing: { constant: 5 } },
    ]),
  );

  it('fills absent and null values per feature: mean (feature.mean, else scale.mean) or constant, then scales', () => {
    const expected = [1, f32((3 - 2) / 2), 0, -1, 2];
    expect(Array.from(preparer.prepare([{ required: 1 }]).data)).toEqual(expected);
    expect(
      Array.from(preparer.prepare([{ required: 1, mean_own: null, mean_scale: null, constant: null, constant_scaled: null }]).data),
    ).toEqual(expected);
    expect(Array.from(preparer.prepare([[1, null, null, null, null]]).data)).toEqual(expected);
  });

  it('a required feature that is absent or null is rejected', () => {
    const error = rejection(() => preparer.prepare([{}, { required: null }, [undefined, 1, 1, 1, 1]]));
    expect(error.message).toContain(
      'instances[0].required: missing is not allowed; expected a finite number between 0 and 5 (the feature is required)',
    );
    expect(error.message).toContain('instances[1].required: null is not allowed; expected a finite number between 0 and 5 (the feature is required)');
    expect(error.message).toContain('instances[2].required: missing is not allowed');
  });

  it('an empty string is not missing in JSON (it is a wrong value), but is missing in text cells', () => {
    expect(rejection(() => preparer.prepare([{ required: 1, constant: '' }])).message).toContain(
      'instances[0].constant: "" is not allowed; expected a finite number (a JSON number, not a string)',
    );
    expect(preparer.prepare([{ required: '1', constant: '' }], { textCells: true }).data[3]).toBe(-1);
    expect(preparer.prepare([{ required: '1', constant: '  ' }], { textCells: true }).data[3]).toBe(-1);
    expect(rejection(() => preparer.prepare([{ required: '' }], { textCells: true })).message).toContain(
      'instances[0].required: "" is not allowed; expected a finite number between 0 and 5 (the feature is required)',
    );
  });
});

describe('prepare: numeric strings', () => {
  const coercing = createPreparer(manifestOf([{ name: 'x' }, { name: 'n', type: 'integer' }], { coerceNumericStrings: true }));

  it('are accepted with coerceNumericStrings, in plain decimal notation', () => {
    expect(Array.from(coercing.prepare([{ x: '3.5', n: '2' }, { x: ' -1e2 ', n: '+7' }, { x: '.5', n: '5.' }]).data)).toEqual([
      3.5, 2, -100, 7, 0.5, 5,
    ]);
  });

  it.each(['abc', 'NaN', 'Infinity', '-Infinity', '1e999', '0x10', '0b1', '1,5', '', '  ', '1 2'])(
    'reject %p, even when coerced',
    (text) => {
      expect(rejection(() => coercing.prepare([{ x: text, n: 1 }])).message).toContain(
        `instances[0].x: ${JSON.stringify(text)} is not allowed; expected a finite number`,
      );
    },
  );

  it('coerced integers must still be whole', () => {
    expect(rejection(() => coercing.prepare([{ x: 1, n: '2.5' }])).message).toContain(
      'instances[0].n: "2.5" is not allowed; expected a whole number',
    );
  });

  it('text cells are numbers whatever coerceNumericStrings says', () => {
    const strict = createPreparer(manifestOf([{ name: 'x' }, { name: 'flag', type: 'boolean' }]));
    expect(Array.from(strict.prepare([{ x: '3.5', flag: 'true' }, { x: '-2', flag: 'FALSE' }, { x: '0', flag: '1' }], { textCells: true }).data)).toEqual([
      3.5, 1, -2, 0, 0, 1,
    ]);
    expect(rejection(() => strict.prepare([{ x: 'NaN', flag: 'yes' }], { textCells: true })).message).toBe(
      [
        'Invalid input (2 problems):',
        '  - instances[0].x: "NaN" is not allowed; expected a finite number',
        '  - instances[0].flag: "yes" is not allowed; expected true or false (or 1 or 0)',
      ].join('\n'),
    );
  });
});
