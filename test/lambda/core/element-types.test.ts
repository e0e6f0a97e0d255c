/**
 * A model with a float32, a float64, an int64 and a string input, built here with onnx-proto: the runtime feeds
 * each with its element type and rank from the model's signature, end to end through onnxruntime.
 * value = a (float32) + b (float64) + c (int64) + code(s) (string, via LabelEncoder: Biscoe 0, Dream 10, Torgersen 100).
 */
import { onnx } from 'onnx-proto';
import { loadModel } from '../../../lambda/core/model';
import { parseManifest } from '../../../lambda/core/manifest';
import { createPreparer } from '../../../lambda/core/prepare';

const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const DOUBLE = 11;

function valueInfo(name: string, elemType: number, rank: 1 | 2): onnx.IValueInfoProto {
  const dim = rank === 1 ? [{ dimParam: 'N' }] : [{ dimParam: 'N' }, { dimValue: 1 }];
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
const cast = (input: string, output: string): onnx.INodeProto => ({
  opType: 'Cast', input: [input], output: [output], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
});

function mixedModel(): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 2 }],
    graph: {
      name: 'mixed',
      input: [valueInfo('a', FLOAT, 2), valueInfo('b', DOUBLE, 2), valueInfo('c', INT64, 1), valueInfo('s', STRING, 2)],
      output: [valueInfo('value', FLOAT, 2)],
      node: [
        cast('b', 'bf'),
        cast('c', 'cf'),
        { opType: 'Unsqueeze', input: ['cf', 'axes'], output: ['cf2'] },
        {
          opType: 'LabelEncoder', domain: 'ai.onnx.ml', input: ['s'], output: ['sf'],
          attribute: [
            { name: 'keys_strings', type: onnx.AttributeProto.AttributeType.STRINGS, strings: ['Biscoe', 'Dream', 'Torgersen'].map((k) => Buffer.from(k)) },
            { name: 'values_floats', type: onnx.AttributeProto.AttributeType.FLOATS, floats: [0, 10, 100] },
            { name: 'default_float', type: onnx.AttributeProto.AttributeType.FLOAT, f: -1 },
          ],
        },
        { opType: 'Add', input: ['a', 'bf'], output: ['ab'] },
        { opType: 'Add', input: ['ab', 'cf2'], output: ['abc'] },
        { opType: 'Add', input: ['abc', 'sf'], output: ['value'] },
      ],
      initializer: [{ name: 'axes', dataType: INT64, dims: [1], int64Data: [1] }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

describe('Given a model with float32, float64, int64 and string inputs', () => {
  const manifest = parseManifest({
    name: 'mixed',
    version: '1.0.0',
    task: 'regression',
    input: {
      features: [
        { name: 'a', tensor: 'a' },
        { name: 'b', tensor: 'b', scale: { mean: 1, std: 2 } },
        { name: 'c', tensor: 'c', type: 'integer', missing: { constant: 5 } },
        { name: 's', tensor: 's', type: 'category', categories: ['Biscoe', 'Dream', 'Torgersen'], missing: 'passthrough' },
      ],
    },
    output: { value: 'value' },
  });

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
