/**
 * Category features and several input tensors in the data preparation (feature-rules.ts, category-rules.ts,
 * input-layout.ts): one-hot and ordinal encodings into float tensors, strings into string tensors, unknown and
 * missing categories per branch, and float64 / int64 / string element types taken from the model's signature.
 */
import { createPreparer } from '../../../lambda/core/prepare';
import { parseManifest, type Manifest, type ManifestInput } from '../../../lambda/core/manifest';
import type { ModelSignature, PreparedBatch, TensorInfo } from '../../../lambda/core/types';
import { rejection } from '../../support/preparation';

type FeatureInput = ManifestInput['input']['features'][number];

function manifestOf(features: FeatureInput[], tensor: string | undefined = 'input'): Manifest {
  return parseManifest({
    name: 'm',
    version: '1.0.0',
    task: 'regression',
    input: { ...(tensor === undefined ? {} : { tensor }), features },
    output: { value: 'value' },
  });
}
const island = (extra: Partial<FeatureInput> = {}): FeatureInput => ({
  name: 'island',
  type: 'category',
  categories: ['Biscoe', 'Dream', 'Torgersen'],
  ...extra,
});
const signatureOf = (...inputs: TensorInfo[]): ModelSignature => ({ inputs, outputs: [] });
const tensorsOf = (batch: PreparedBatch) => (batch.tensors ?? []).map((t) => ({ ...t, data: Array.from(t.data as ArrayLike<unknown>) }));

describe('Given a one-hot category (the default for a float tensor)', () => {
  const preparer = createPreparer(manifestOf([{ name: 'x' }, island()]));

  it('writes one column per category, in categories order, after the number', () => {
    const batch = preparer.prepare([{ x: 1.5, island: 'Dream' }, [2, 'Torgersen']]);
    expect(tensorsOf(batch)).toEqual([{ name: 'input', type: 'float32', dims: [2, 4], data: [1.5, 0, 1, 0, 2, 0, 0, 1] }]);
  });

  it('refuses an unknown category with a 400 naming the allowed values', () => {
    expect(rejection(() => preparer.prepare([{ x: 1, island: 'Atlantis' }])).problems).toEqual([
      { instance: 0, field: 'island', value: '"Atlantis"', allowed: 'one of the categories "Biscoe", "Dream", "Torgersen"' },
    ]);
  });

  it('refuses numbers, booleans and objects for a category, and a missing one by default', () => {
    const problems = rejection(() => preparer.prepare([{ x: 1, island: 1 }, { x: 1, island: true }, { x: 1, island: {} }, { x: 1 }])).problems;
    expect(problems.map((p) => [p.instance, p.value, p.allowed])).toEqual([
      [0, '1', 'one of the categories "Biscoe", "Dream", "Torgersen"'],
      [1, 'true', 'one of the categories "Biscoe", "Dream", "Torgersen"'],
      [2, '{}', 'one of the categories "Biscoe", "Dream", "Torgersen"'],
      [3, 'missing', 'one of the categories "Biscoe", "Dream", "Torgersen" (the feature is required)'],
    ]);
  });

  it('maps an unknown value per unknownCategory, and sends all zeros for a missing one with passthrough', () => {
    const mapped = createPreparer(manifestOf([island({ unknownCategory: { map: 'Dream' }, missing: 'passthrough' })]));
    expect(tensorsOf(mapped.prepare([{ island: 'Atlantis' }, { island: null }, { island: '' }]))[0].data).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('fills a missing value with a constant category, in every request form', () => {
    const filled = createPreparer(manifestOf([island({ missing: { constant: 'Torgersen' } })]));
    expect(tensorsOf(filled.prepare([{}]))[0].data).toEqual([0, 0, 1]);
    expect(tensorsOf(filled.prepareColumns({ island: [null, 'Dream'] }))[0].data).toEqual([0, 0, 1, 0, 1, 0]);
    expect(tensorsOf(filled.prepare([['  ']], { textCells: true }))[0].data).toEqual([0, 0, 1]);
  });

  it('trims CSV cells but not JSON strings', () => {
    expect(tensorsOf(preparer.prepare([{ x: '1', island: ' Dream ' }], { textCells: true }))[0].data).toEqual([1, 0, 1, 0]);
    expect(rejection(() => preparer.prepare([{ x: 1, island: ' Dream ' }])).problems[0].value).toBe('" Dream "');
  });
});

describe('Given an ordinal category', () => {
  it('writes the 0-based index; passthrough sends NaN; unknown values map or are refused', () => {
    const preparer = createPreparer(manifestOf([island({ encoding: 'ordinal', missing: 'passthrough', unknownCategory: { map: 'Biscoe' } })]));
    expect(tensorsOf(preparer.prepare([{ island: 'Torgersen' }, { island: 'Dream' }, {}, { island: 'Mars' }]))[0].data).toEqual([2, 1, NaN, 0]);
    const strict = createPreparer(manifestOf([island({ encoding: 'ordinal' })]));
    expect(rejection(() => strict.prepare([{ island: 'Mars' }])).problems[0].allowed).toContain('"Biscoe", "Dream", "Torgersen"');
  });

  it('writes int64 when the model declares an int64 input', () => {
    const manifest = manifestOf([island({ encoding: 'ordinal' }), { name: 'n', type: 'integer' }]);
    const preparer = createPreparer(manifest, signatureOf({ name: 'input', type: 'int64', shape: ['N', 2] }));
    const [tensor] = preparer.prepare([{ island: 'Dream', n: 7 }]).tensors ?? [];
    expect(tensor.type).toBe('int64');
    expect(Array.from(tensor.data as BigInt64Array)).toEqual([1n, 7n]);
  });
});

describe('Given string categories and a tensor per feature (skl2onnx pipelines)', () => {
  const manifest = manifestOf(
    [
      { name: 'bill', tensor: 'bill', missing: 'passthrough' },
      island({ tensor: 'island', missing: 'passthrough' }),
      { name: 'mass', tensor: 'mass', type: 'integer' },
    ],
    undefined,
  );
  const signature = signatureOf(
    { name: 'bill', type: 'float32', shape: ['', 1] },
    { name: 'island', type: 'string', shape: ['', 1] },
    { name: 'mass', type: 'float64', shape: [''] },
  );
  const preparer = createPreparer(manifest, signature);

  it('sends each feature to its own tensor with the model\'s element type and rank; "string" is the default encoding', () => {
    const batch = preparer.prepare([{ bill: 40.1, island: 'Dream', mass: 3800 }, { mass: 4000 }]);
    expect(tensorsOf(batch)).toEqual([
      { name: 'bill', type: 'float32', dims: [2, 1], data: [Math.fround(40.1), NaN] },
      { name: 'island', type: 'string', dims: [2, 1], data: ['Dream', ''] },
      { name: 'mass', type: 'float64', dims: [2], data: [3800, 4000] },
    ]);
  });

  it('float64 tensors keep the double, float32 tensors round', () => {
    const batch = createPreparer(manifestOf([{ name: 'x', tensor: 'x' }], undefined), signatureOf({ name: 'x', type: 'float64', shape: ['N', 1] })).prepare([{ x: 0.1 }]);
    expect(Array.from((batch.tensors ?? [])[0].data as Float64Array)).toEqual([0.1]);
  });

  it('columns and instances give the same tensors', () => {
    const rows = [{ bill: 40.1, island: 'Dream', mass: 3800 }, { bill: null, island: null, mass: 4000 }];
    const columns = { bill: [40.1, null], island: ['Dream', null], mass: [3800, 4000] };
    expect(tensorsOf(preparer.prepareColumns(columns))).toEqual(tensorsOf(preparer.prepare(rows)));
  });

  it('an unknown string is refused unless it maps', () => {
    expect(rejection(() => preparer.prepare([{ bill: 1, island: 'Atlantis', mass: 1 }])).problems[0]).toEqual({
      instance: 0,
      field: 'island',
      value: '"Atlantis"',
      allowed: 'one of the categories "Biscoe", "Dream", "Torgersen"',
    });
  });
});
