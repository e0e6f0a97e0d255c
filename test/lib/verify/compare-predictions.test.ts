/** How verify compares an endpoint's answers with the offline predictions. */
import { close, comparePredictions } from '../../../lib/verify/compare-predictions';

const CLASS = [{ label: 'benign', probabilities: { benign: 0.9, malignant: 0.1 } }];

describe('Given offline predictions', () => {
  test('When the answer is the same within the tolerance, then nothing differs', () => {
    expect(comparePredictions([{ label: 'benign', probabilities: { benign: 0.90005, malignant: 0.09995 } }], CLASS, 1e-4)).toEqual([]);
  });

  test('When a probability is off by more than the tolerance, then the row, the label and both values are named', () => {
    expect(comparePredictions([{ label: 'benign', probabilities: { benign: 0.8, malignant: 0.2 } }], CLASS, 1e-4)).toEqual([
      'row 1: probability of "benign" 0.8 (expected 0.9)',
      'row 1: probability of "malignant" 0.2 (expected 0.1)',
    ]);
  });

  test('When the label differs, then it is named', () => {
    expect(comparePredictions([{ label: 'malignant', probabilities: { benign: 0.9, malignant: 0.1 } }], CLASS)).toEqual(['row 1: label "malignant" (expected "benign")']);
  });

  test('When a regression value is large, then the tolerance is relative to it', () => {
    expect(close(200.01, 200, 1e-4)).toBe(true);
    expect(close(200.1, 200, 1e-4)).toBe(false);
    expect(comparePredictions([{ value: 200.1 }], [{ value: 200 }], 1e-4)).toEqual(['row 1: value 200.1 (expected 200)']);
  });

  test('When the answer has another number of predictions or none, then that is the difference', () => {
    expect(comparePredictions([], CLASS)).toEqual(['0 predictions for 1 rows']);
    expect(comparePredictions(undefined, CLASS)).toEqual(['the answer has no predictions array (got undefined)']);
  });
});
