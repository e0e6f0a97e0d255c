/** The positive label when the manifest names none: scikit-learn's default for 0/1 and false/true labels. */
import { defaultPositiveLabel } from '../../../lib/evaluation/scored-metrics';

describe('defaultPositiveLabel', () => {
  it.each([
    [['0', '1'], '1'],
    [['1', '0'], '1'],
    [['-1', '1'], '1'],
    [['0.0', '1.0'], '1.0'],
    [['false', 'true'], 'true'],
    [['False', 'True'], 'True'],
    [['malignant', 'benign'], 'malignant'],
    [['1', '2'], '1'],
    [['yes', 'no'], 'yes'],
  ])('labels %p: %p', (labels, positive) => expect(defaultPositiveLabel(labels)).toBe(positive));
});
