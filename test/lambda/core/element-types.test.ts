/**
 * A model with a float32, a float64, an int64 and a string input (`test/support/mixed-model.ts`): the runtime feeds
 * each with its element type and rank from the model's signature, end to end through onnxruntime.
 */
import { loadModel } from '../../../lambda/core/model';
import { createPreparer } from '../../../lambda/core/prepare';
import { MIXED_MANIFEST, mixedModel } from '../../support/mixed-model';

describe('Given a model with float32, float64, int64 and string inputs', () => {
  const manifest = MIXED_MANIFEST;

  it('loads, and predicts with each value in its element type (missing string passed through as "")', async () => {
    const model = await loadModel({ bytes: mixedModel(), manifest });
    try {
      const preparer = createPreparer(manifest, model.signature);
      const batch = preparer.prepare([{ a: 0.5, b: 5, c: 2, s: 'Dream' }, { a: 1, b: 1, s: null }]);
      expect((batch.tensors ?? []).map((t) => [t.name, t.type, t.dims])).toEqual([
        ['a', 'float32', [2, 1]],
        ['b', 'float64', [2, 1]],
        ['c', 'int64', [2]],
        ['s', 'string', [2, 1]],
      ]);
      const predictions = (await model.predict(batch)) as Array<{ value: number }>;
      // 0.5 + (5 - 1) / 2 + 2 + 10, and 1 + 0 + 5 (the constant) - 1 (the encoder's default for "").
      expect(predictions.map((p) => p.value)).toEqual([14.5, 5]);
    } finally {
      await model.close();
    }
  });
});
