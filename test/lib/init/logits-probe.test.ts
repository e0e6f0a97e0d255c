import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeProbe, judgeProbabilities, probeOutput } from '../../../lib/init/logits-probe';

describe('Given the values of a probe batch', () => {
  test('When every row is in [0, 1] and sums to 1, then they hold probabilities', () => {
    expect(judgeProbabilities('p', [0.2, 0.8, 0.5, 0.5], 2).holdsProbabilities).toBe(true);
  });

  test('When a value is below 0, then they do not, and the description gives the row sum and min', () => {
    const probe = judgeProbabilities('logits', [-13.6, 17.4, 1, 2], 2);
    expect(probe.holdsProbabilities).toBe(false);
    expect(describeProbe(probe)).toBe('row 0 sums to 3.8, min -13.6, max 17.4 over 2 probe rows');
  });

  test('When rows are in [0, 1] but do not sum to 1 (tolerance 1e-3), then they do not', () => {
    expect(judgeProbabilities('p', [0.3, 0.3, 0.5, 0.5], 2).holdsProbabilities).toBe(false);
    expect(judgeProbabilities('p', [0.3, 0.7009, 0.5, 0.5], 2).holdsProbabilities).toBe(true);
  });

  test('When there is one column, then only the range counts', () => {
    expect(judgeProbabilities('p', [0.1, 0.9, 0.4], 1).holdsProbabilities).toBe(true);
    expect(judgeProbabilities('p', [0.1, 1.2], 1).holdsProbabilities).toBe(false);
  });
});

describe('Given the digits-pytorch model (raw logits)', () => {
  test('When it runs on a probe batch of zeros and sixteens, then its output is not probabilities', async () => {
    const bytes = new Uint8Array(readFileSync(join(__dirname, '../../../examples/digits-pytorch/model.onnx')));
    const rows = [Array<number>(64).fill(0), Array<number>(64).fill(16)];
    const probe = await probeOutput(bytes, [{ name: 'input', elementType: 'float32', rank: 2, rows }], 'logits');
    expect(probe).toMatchObject({ rows: 2, width: 10, holdsProbabilities: false });
  });
});
