import { distributionOf } from '../../../lib/evaluation/prediction-distribution';

const p = (label: string) => ({ label, probabilities: {} });

describe('Given predictions to summarise', () => {
  test('When they are labels, then each manifest label gets its share, unpredicted ones 0', () => {
    expect(distributionOf([p('a'), p('b'), p('a'), p('a')], ['a', 'b', 'c'])).toEqual({
      task: 'classification',
      rows: 4,
      labelShares: { a: 0.75, b: 0.25, c: 0 },
    });
  });

  test('When they are values, then the mean and population standard deviation are given', () => {
    expect(distributionOf([{ value: 1 }, { value: 3 }], undefined)).toEqual({ task: 'regression', rows: 2, mean: 2, std: 1 });
  });

  test.each([
    ['no predictions', [], ['a'], 'at least one prediction'],
    ['an unknown label', [p('z')], ['a', 'b'], 'predicted label "z" is not one of the labels a, b'],
    ['values for a classifier', [{ value: 1 }], ['a'], 'needs label predictions'],
    ['labels for a regressor', [p('a')], undefined, 'needs value predictions'],
  ])('When given %s, then it is refused', (_case, predictions, labels, message) => {
    expect(() => distributionOf(predictions, labels)).toThrow(message);
  });
});
