/** The Open Inference Protocol's column and matrix forms (lambda/core/tensor-forms.ts), through the preparer. */
import { createPreparer } from '../../../lambda/core/prepare';
import { manifestOf, mixed, rejection } from '../../support/preparation';

describe('prepareColumns (Open Inference Protocol, one tensor per feature)', () => {
  const preparer = createPreparer(
    manifestOf([
      { name: 'a', scale: { mean: 1, std: 2 } },
      { name: 'b', missing: { constant: 4 } },
    ]),
  );

  it('gives the same tensor as the instance form; an absent column is missing for every row', () => {
    const columns = preparer.prepareColumns({ a: [1, 3, 5], b: [10, 20, 30] });
    expect(columns).toEqual(preparer.prepare([{ a: 1, b: 10 }, { a: 3, b: 20 }, { a: 5, b: 30 }]));
    expect(Array.from(preparer.prepareColumns({ a: [1, 3] }).data)).toEqual([0, 4, 1, 4]);
  });

  it('reports per-value problems by instance and feature', () => {
    expect(rejection(() => preparer.prepareColumns({ a: [1, 'x'], b: [1, 2] })).message).toContain(
      'instances[1].a: "x" is not allowed; expected a finite number (a JSON number, not a string)',
    );
  });

  it('reports column-level problems by column (instance -1)', () => {
    const error = rejection(() => preparer.prepareColumns({ a: [1, 2], b: [1], c: [1, 2] }));
    expect(error.problems).toEqual([
      { instance: -1, field: 'b', value: 'a column of 1 values', allowed: '2 values, as many as "a" has' },
      { instance: -1, field: 'c', value: '[1,2]', allowed: 'one of the features: a, b' },
    ]);
    expect(error.message).toContain('  - b: a column of 1 values is not allowed; expected 2 values, as many as "a" has');
    expect(rejection(() => preparer.prepareColumns({ a: 5 })).message).toContain(
      'a: 5 is not allowed; expected an array of values, one per instance',
    );
    expect(rejection(() => preparer.prepareColumns({ b: [1] })).message).toContain(
      'a: missing is not allowed; expected a column of values (a finite number (the feature is required))',
    );
  });

  it('rejects empty and malformed column sets', () => {
    expect(rejection(() => preparer.prepareColumns({ a: [], b: [] })).message).toBe(
      'Invalid input: the batch is empty; send at least one instance',
    );
    const filled = createPreparer(manifestOf([{ name: 'x', missing: { constant: 0 } }], { unknownFields: 'ignore' }));
    expect(rejection(() => filled.prepareColumns({ other: [1] })).message).toContain(
      'inputs: no feature column is not allowed; expected a column for at least one of the features: x',
    );
    expect(rejection(() => preparer.prepareColumns([] as unknown as Record<string, unknown>)).message).toContain(
      'inputs: [] is not allowed; expected an object of columns keyed by feature name',
    );
  });
});

describe('prepareMatrix (Open Inference Protocol, one [rows, cols] tensor)', () => {
  const preparer = createPreparer(mixed);

  it('takes flat row-major or nested data, like the array form', () => {
    const expected = preparer.prepare([[14, 3, true], [2, 120, 0]]);
    expect(preparer.prepareMatrix([14, 3, true, 2, 120, 0], 2, 3)).toEqual(expected);
    expect(preparer.prepareMatrix([[14, 3, true], [2, 120, 0]], 2, 3)).toEqual(expected);
  });

  it('rejects a shape that does not fit the features', () => {
    expect(rejection(() => preparer.prepareMatrix([1, 2], 1, 2)).message).toContain(
      'shape: [1, 2] is not allowed; expected [N, 3]: one row per instance, one column per feature (a, b, c)',
    );
    expect(rejection(() => preparer.prepareMatrix([1, 2, 3], 1.5, 3)).message).toContain('shape: [1.5, 3] is not allowed');
    expect(rejection(() => preparer.prepareMatrix([], 0, 3)).message).toBe('Invalid input: the batch is empty; send at least one instance');
  });

  it('rejects data whose length does not match the shape', () => {
    expect(rejection(() => preparer.prepareMatrix([1, 2, true, 4], 2, 3)).message).toContain(
      'data: 4 values is not allowed; expected 6 values (shape [2, 3]), flat in row-major order or as 2 rows of 3',
    );
    expect(rejection(() => preparer.prepareMatrix([[1, 2, true], [1, 2]], 2, 3)).message).toContain(
      'instances[1]: [1,2] is not allowed; expected an array of exactly 3 values, in feature order',
    );
    expect(rejection(() => preparer.prepareMatrix('abc' as unknown as unknown[], 1, 3)).message).toContain(
      'data: "abc" is not allowed; expected an array',
    );
  });

  it('validates each value like the other forms', () => {
    expect(rejection(() => preparer.prepareMatrix([1, 2, true, 1, 500, true], 2, 3)).message).toContain(
      'instances[1].b: 500 is not allowed; expected a whole number between 0 and 120',
    );
  });
});
