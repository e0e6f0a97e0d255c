/**
 * The hand-written `/invocations` answer is byte for byte what `JSON.stringify({ predictions })` writes, for every
 * prediction shape and every number and label JSON can meet.
 */
import fc from 'fast-check';
import type { Prediction } from '../../../lambda/core/types';
import { predictionsJson } from '../../../lambda/serving/predictions-json';

const number = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE));
const name = fc.oneof(fc.string(), fc.constantFrom('malignant', 'a "quoted" label', 'back\\slash', 'line\nbreak', '\u2028', '\ud800', 'é', '__proto__x', '0', '10'));
const record = fc.uniqueArray(fc.tuple(name, number), { selector: ([key]) => key, maxLength: 6 }).map((entries) => Object.fromEntries(entries));
const prediction: fc.Arbitrary<Prediction> = fc.oneof(
  fc.record({ label: name, probabilities: record }),
  fc.record({ value: number }),
  fc.record({ values: record }),
);

describe('predictionsJson', () => {
  test('writes the same text as JSON.stringify for classification, regression and multi-output predictions', () => {
    fc.assert(
      fc.property(fc.array(prediction, { maxLength: 70 }), (predictions) => {
        expect(predictionsJson(predictions)).toBe(JSON.stringify({ predictions }));
      }),
      { numRuns: 500 },
    );
  });

  test('writes NaN and infinities as null, as JSON does, and escapes labels', () => {
    const predictions: Prediction[] = [{ label: 'say "hi"\n', probabilities: { 'say "hi"\n': Number.NaN, b: Infinity } }, { value: -0 }];
    expect(predictionsJson(predictions)).toBe('{"predictions":[{"label":"say \\"hi\\"\\n","probabilities":{"say \\"hi\\"\\n":null,"b":null}},{"value":0}]}');
  });

  test('hands anything but the three shapes to JSON.stringify: extra keys, other key orders, non-numbers', () => {
    const odd = [
      { label: 'a', probabilities: { a: 1 }, extra: true },
      { probabilities: { a: 1 }, label: 'a' },
      { value: '1' },
      { values: { a: 'x' } },
      { label: 'a', probabilities: { a: undefined } },
    ] as unknown as Prediction[];
    for (const one of odd) expect(predictionsJson([{ value: 1 }, one])).toBe(JSON.stringify({ predictions: [{ value: 1 }, one] }));
  });

  test('writes an empty batch as an empty list', () => {
    expect(predictionsJson([])).toBe('{"predictions":[]}');
  });
});
