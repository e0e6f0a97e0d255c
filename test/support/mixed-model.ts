/**
 * A model with a float32, a float64, an int64 and a string input, built with onnx-proto (no file in the
 * repository): value = a (float32) + b (float64, scaled) + c (int64) + code(s) (string, via LabelEncoder: Biscoe 0,
 * Dream 10, Torgersen 100). Its first dimension is symbolic (`N`) unless a fixed batch size is asked for.
 */
import { onnx } from 'onnx-proto';
import { parseManifest } from '../../lambda/core/manifest';

const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const DOUBLE = 11;

function valueInfo(name: string, elemType: number, rank: 1 | 2, batch: number | undefined): onnx.IValueInfoProto {
  const first = batch === undefined ? { dimParam: 'N' } : { dimValue: batch };
  const dim = rank === 1 ? [first] : [first, { dimValue: 1 }];
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
const cast = (input: string, output: string): onnx.INodeProto => ({
  opType: 'Cast', input: [input], output: [output], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
});

/** The model's bytes; `batch` fixes the first dimension of every input and output. */
export function mixedModel(batch?: number): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 2 }],
    graph: {
      name: 'mixed',
      input: [valueInfo('a', FLOAT, 2, batch), valueInfo('b', DOUBLE, 2, batch), valueInfo('c', INT64, 1, batch), valueInfo('s', STRING, 2, batch)],
      output: [valueInfo('value', FLOAT, 2, batch)],
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

/** The manifest of {@link mixedModel}: b is scaled (mean 1, std 2), c has a constant for missing, s passes "" through. */
export const MIXED_MANIFEST = parseManifest({
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
