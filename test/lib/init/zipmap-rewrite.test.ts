import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { createSession } from '../../../lambda/core/onnx-session';
import { readOnnxSignature } from '../../../lib/init/onnx-signature';
import { rewriteZipMap } from '../../../lib/init/zipmap-rewrite';

const EXAMPLE = join(__dirname, '../../../examples/penguins-sklearn');

interface Expected {
  readonly zipmap: { readonly input: string; readonly output: string };
  readonly classLabels: string[];
  readonly instances: Array<Record<string, number | string | null>>;
  readonly zipmapPredictions: Array<{ label: string; probabilities: Record<string, number> }>;
}

const expected = JSON.parse(readFileSync(join(EXAMPLE, 'expected.json'), 'utf8')) as Expected;
const original = new Uint8Array(readFileSync(join(EXAMPLE, 'model.onnx')));
const NUMBERS = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
const STRINGS = ['island', 'sex'];

/** Each column as its own [N, 1] input: float32 with NaN for a missing number, '' for a missing string. */
function feeds(instances: Expected['instances']): Record<string, Tensor> {
  const n = instances.length;
  const result: Record<string, Tensor> = {};
  for (const name of NUMBERS) {
    result[name] = new Tensor('float32', Float32Array.from(instances, (i) => (i[name] === null ? NaN : Number(i[name]))), [n, 1]);
  }
  for (const name of STRINGS) {
    result[name] = new Tensor('string', instances.map((i) => (i[name] === null ? '' : String(i[name]))), [n, 1]);
  }
  return result;
}

async function run(bytes: Uint8Array, outputs: string[]): Promise<InferenceSession.OnnxValueMapType> {
  const session = await createSession(bytes, {}, 'model.onnx');
  try {
    return await session.run(feeds(expected.instances), outputs);
  } finally {
    await session.release();
  }
}

describe('Given the skl2onnx penguins pipeline with its default ZipMap', () => {
  const result = rewriteZipMap(original);

  test('When it is rewritten, then the tensor feeding the ZipMap and its class labels are reported', () => {
    expect(result.rewritten).toEqual([
      { zipMapOutput: expected.zipmap.output, tensor: expected.zipmap.input, classLabels: expected.classLabels },
    ]);
  });

  test('When it is rewritten, then the outputs are output_label and the float [N, 3] probabilities, and no ZipMap is left', () => {
    const signature = readOnnxSignature(result.bytes);
    expect(signature.outputs).toEqual([
      { kind: 'tensor', name: 'output_label', elementType: 'string', shape: [null] },
      { kind: 'tensor', name: 'probabilities', elementType: 'float32', shape: [null, 3] },
    ]);
    expect(signature.zipMaps).toEqual([]);
    expect(signature.operators).not.toContain('ZipMap');
    expect(signature.inputs).toEqual(readOnnxSignature(original).inputs);
  });

  test('When the rewritten model runs on expected.json instances, then labels match output_label and probabilities the ZipMap maps within 1e-5', async () => {
    const outputs = await run(result.bytes, ['output_label', 'probabilities']);
    const labels = outputs.output_label.data as string[];
    const probabilities = outputs.probabilities.data as Float32Array;
    expect(outputs.probabilities.dims).toEqual([expected.instances.length, 3]);
    expect(labels).toEqual(expected.zipmapPredictions.map((p) => p.label));
    let maxAbsDiff = 0;
    expected.zipmapPredictions.forEach((prediction, row) => {
      expected.classLabels.forEach((label, column) => {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(probabilities[row * 3 + column] - prediction.probabilities[label]));
      });
    });
    expect(maxAbsDiff).toBeLessThan(1e-5);
  });

  test('When the original model runs in onnxruntime-node, then its output_label is the same as the rewritten one', async () => {
    const before = await run(original, ['output_label']);
    const after = await run(result.bytes, ['output_label']);
    expect(after.output_label.data).toEqual(before.output_label.data);
  });

  test('When it is rewritten twice, then the bytes are the same', () => {
    expect(Buffer.from(rewriteZipMap(original).bytes).equals(Buffer.from(result.bytes))).toBe(true);
  });

  test('When the rewritten model is rewritten again, then nothing changes', () => {
    const again = rewriteZipMap(result.bytes);
    expect(again.rewritten).toEqual([]);
    expect(again.bytes).toBe(result.bytes);
  });
});

describe('Given a model without a ZipMap', () => {
  test('When it is rewritten, then the same bytes come back and nothing is reported', () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../../examples/iris/model.onnx')));
    const result = rewriteZipMap(bytes);
    expect(result).toEqual({ bytes, rewritten: [] });
  });
});

describe('Given a ZipMap whose output also feeds another node', () => {
  test('When it is rewritten, then it is refused naming the output and zipmap=False', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(EXAMPLE, 'model.onnx')));
    model.graph?.node?.push(onnx.NodeProto.create({ name: 'consumer', opType: 'Identity', input: ['output_probability'], output: ['copy'] }));
    expect(() => rewriteZipMap(onnx.ModelProto.encode(model).finish())).toThrow(/"output_probability" also feeds node "consumer".*zipmap=False/);
  });
});

describe('Given bytes that are not ONNX', () => {
  test('When they are rewritten, then the error names the source', () => {
    expect(() => rewriteZipMap(new Uint8Array([0xff, 0xff, 0xff]), 'junk.onnx')).toThrow(/junk\.onnx is not an ONNX model/);
  });
});

describe('Given the committed examples/penguins-sklearn/served/model.onnx', () => {
  test('When it is compared with a fresh rewrite of model.onnx, then the bytes are the same', () => {
    const committed = readFileSync(join(EXAMPLE, 'served/model.onnx'));
    expect(committed.equals(Buffer.from(rewriteZipMap(original).bytes))).toBe(true);
  });
});

describe('Given a ZipMap whose input has a ValueInfo in the graph', () => {
  test('When it is rewritten, then the output takes that ValueInfo (here a named batch dimension)', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(EXAMPLE, 'model.onnx')));
    model.graph?.valueInfo?.push(
      onnx.ValueInfoProto.create({
        name: 'probabilities',
        type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } } },
      }),
    );
    const result = rewriteZipMap(onnx.ModelProto.encode(model).finish());
    const signature = readOnnxSignature(result.bytes);
    expect(signature.outputs[1]).toEqual({ kind: 'tensor', name: 'probabilities', elementType: 'float32', shape: ['batch', 3] });
  });
});
