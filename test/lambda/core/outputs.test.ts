/**
 * Outputs to predictions (lambda/core/outputs.ts), per output form: probabilities, logits with softmax or sigmoid,
 * a positive-class probability, the model's int64 or string label tensor.
 */
import { Tensor } from 'onnxruntime-node';
import { parseManifest } from '../../../lambda/core/manifest';
import { OutputReader } from '../../../lambda/core/outputs';

const readerFor = (output: Record<string, unknown>, labels: string[]) =>
  new OutputReader(
    parseManifest({
      name: 'm',
      version: '1.0.0',
      task: labels.length === 2 ? 'binary-classification' : 'multiclass-classification',
      input: { tensor: 'input', features: [{ name: 'a' }] },
      output: { ...output, labels },
    }),
  );
const f32 = (values: number[], dims: number[]) => new Tensor('float32', Float32Array.from(values), dims);

describe('Given each output form / When the model returns a batch, then the predictions follow the manifest', () => {
  it('logits with softmax: probabilities sum to 1, the label is the argmax', () => {
    const [p] = readerFor({ logits: 'l', activation: 'softmax' }, ['a', 'b', 'c']).read(f32([1, 2, 3], [1, 3]), undefined, 1);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const sum = e[0] + e[1] + e[2];
    const { label, probabilities } = p as { label: string; probabilities: Record<string, number> };
    expect(label).toBe('c');
    expect(probabilities.a).toBeCloseTo(e[0] / sum, 15);
    expect(probabilities.b).toBeCloseTo(e[1] / sum, 15);
    expect(probabilities.c).toBeCloseTo(e[2] / sum, 15);
  });

  it('softmax is stable for large logits', () => {
    const [p] = readerFor({ logits: 'l', activation: 'softmax' }, ['a', 'b']).read(f32([1000, 1000], [1, 2]), undefined, 1);
    expect(p).toEqual({ label: 'a', probabilities: { a: 0.5, b: 0.5 } });
  });

  it('logits with sigmoid: one score per instance is the positive class', () => {
    const got = readerFor({ logits: 's', activation: 'sigmoid' }, ['no', 'yes']).read(f32([0, 2], [2, 1]), undefined, 2);
    const p = 1 / (1 + Math.exp(-2));
    expect(got).toEqual([
      { label: 'no', probabilities: { no: 0.5, yes: 0.5 } },
      { label: 'yes', probabilities: { no: 1 - p, yes: p } },
    ]);
  });

  it('a positive-class probability', () => {
    const [p] = readerFor({ positiveProbability: 'p' }, ['no', 'yes']).read(f32([0.75], [1]), undefined, 1);
    expect(p).toEqual({ label: 'yes', probabilities: { no: 0.25, yes: 0.75 } });
  });

  it('an int64 label tensor is an index into labels, used instead of the argmax', () => {
    const reader = readerFor({ probabilities: 'p', label: 'label' }, ['a', 'b', 'c']);
    expect(reader.fetches).toEqual(['p', 'label']);
    const label = new Tensor('int64', BigInt64Array.from([1n]), [1]);
    expect(reader.read(f32([0.2, 0.3, 0.5], [1, 3]), label, 1)[0]).toMatchObject({ label: 'b' });
  });

  it('a string label tensor must hold one of labels; an out-of-range index is an error naming the tensor', () => {
    const reader = readerFor({ probabilities: 'p', label: 'label' }, ['a', 'b']);
    expect(reader.read(f32([0.9, 0.1], [1, 2]), new Tensor('string', ['b'], [1]), 1)[0]).toMatchObject({ label: 'b' });
    expect(() => reader.read(f32([0.9, 0.1], [1, 2]), new Tensor('string', ['z'], [1]), 1)).toThrow(
      'the model\'s label tensor "label" returned z, which is not one of output.labels (a, b)',
    );
    expect(() => reader.read(f32([0.9, 0.1], [1, 2]), new Tensor('int64', BigInt64Array.from([5n]), [1]), 1)).toThrow(
      'the model\'s label tensor "label" returned 5, which is not one of output.labels (an index 0-1)',
    );
  });
});
