import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatValue, readOnnxSignature } from '../../../lib/init/onnx-signature';

const EXAMPLES = join(__dirname, '../../../examples');
const read = (example: string) => readOnnxSignature(readFileSync(join(EXAMPLES, example, 'model.onnx')));

describe('Given the skl2onnx penguins pipeline', () => {
  const signature = read('penguins-sklearn');

  test('When its signature is read, then the six per-column inputs come with their element types and [?, 1] shapes', () => {
    expect(signature.inputs.map((i) => [i.name, formatValue(i)])).toEqual([
      ['bill_length_mm', 'float32 [?, 1]'],
      ['bill_depth_mm', 'float32 [?, 1]'],
      ['flipper_length_mm', 'float32 [?, 1]'],
      ['body_mass_g', 'float32 [?, 1]'],
      ['island', 'string [?, 1]'],
      ['sex', 'string [?, 1]'],
    ]);
  });

  test('When its signature is read, then output_probability is a sequence of maps and the ZipMap is found with its labels', () => {
    expect(signature.outputs[1]).toEqual({ kind: 'sequence-of-maps', name: 'output_probability', keyType: 'string', valueType: 'tensor(float32)' });
    expect(signature.zipMaps).toEqual([{ node: 'ZipMap', input: 'probabilities', output: 'output_probability', classLabels: ['Adelie', 'Chinstrap', 'Gentoo'] }]);
  });

  test('When its operators are read, then the graph is seen to impute and scale itself', () => {
    expect(signature.imputes).toBe(true);
    expect(signature.operators).toEqual(expect.arrayContaining(['Imputer', 'Scaler', 'LinearClassifier', 'ZipMap']));
    expect(signature.producer).toBe('skl2onnx');
  });
});

describe('Given the other examples', () => {
  test('When the LightGBM model is read, then its int64 label and float probabilities outputs are told apart', () => {
    expect(read('penguins-lightgbm').outputs.map(formatValue)).toEqual(['int64 [?]', 'float32 [?, 3]']);
  });

  test('When the PyTorch model is read, then its symbolic batch dimension keeps its name', () => {
    expect(read('digits-pytorch').inputs).toEqual([{ kind: 'tensor', name: 'input', elementType: 'float32', shape: ['batch', 64] }]);
  });

  test('When bytes are not ONNX, then the error names the source', () => {
    expect(() => readOnnxSignature(new Uint8Array([0xff, 0xff]), 'bad.onnx')).toThrow(/^bad\.onnx is not an ONNX model/);
  });
});
