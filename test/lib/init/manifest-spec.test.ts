import { checkManifestSpec, type SpecFeature, type SpecManifest } from '../../../lib/init/manifest-spec';
import type { OnnxSignature } from '../../../lib/init/onnx-signature';

const SIGNATURE: OnnxSignature = {
  inputs: [
    { kind: 'tensor', name: 'x', elementType: 'float32', shape: [null, 1] },
    { kind: 'tensor', name: 'island', elementType: 'string', shape: [null, 1] },
  ],
  outputs: [{ kind: 'tensor', name: 'probabilities', elementType: 'float32', shape: [null, 3] }],
  zipMaps: [],
  operators: [],
  imputes: false,
  producer: '',
};

const FEATURES: SpecFeature[] = [
  { name: 'x', type: 'number', tensor: 'x' },
  { name: 'island', type: 'category', tensor: 'island', categories: ['A', 'B'], encoding: 'string' },
];

function manifest(overrides: Partial<SpecManifest> = {}): SpecManifest {
  return {
    schemaVersion: 1,
    name: 'm',
    version: '1.0.0',
    task: 'multiclass-classification',
    input: { features: FEATURES },
    output: { probabilities: 'probabilities', labels: ['a', 'b', 'c'] },
    ...overrides,
  };
}

describe('Given the spec rules for a manifest against its model', () => {
  test('When every input is fed with the right types and widths, then there is no problem', () => {
    expect(checkManifestSpec(manifest(), SIGNATURE)).toEqual([]);
  });

  test('When a model input is fed by no feature, then the problem names the input', () => {
    expect(checkManifestSpec(manifest({ input: { features: [FEATURES[0]] } }), SIGNATURE)).toEqual([
      'input.features: no feature feeds the model\'s input "island"; every model input must be fed',
    ]);
  });

  test('When a category has no categories, then it is refused', () => {
    const features = [FEATURES[0], { ...FEATURES[1], categories: [] }];
    expect(checkManifestSpec(manifest({ input: { features } }), SIGNATURE)).toContain('input.features[1].categories: must list at least one value for a category feature');
  });

  test('When a number feeds a string tensor, then the problem names both types', () => {
    const features = [FEATURES[0], { name: 'island', type: 'number' as const, tensor: 'island' }];
    expect(checkManifestSpec(manifest({ input: { features } }), SIGNATURE)).toContain(
      'input.features[1].type: a number feature feeds float32 or float64 tensors, but the model\'s "island" is string',
    );
  });

  test('When two features feed a one-column tensor, then the widths are named on both sides', () => {
    const features = [...FEATURES, { name: 'y', type: 'number' as const, tensor: 'x' }];
    expect(checkManifestSpec(manifest({ input: { features } }), SIGNATURE)).toContain(
      'input.features: 2 features feed "x" (2 columns) but the model\'s "x" takes 1 columns',
    );
  });

  test('When the label count does not fit the output, then both counts are named', () => {
    expect(checkManifestSpec(manifest({ output: { probabilities: 'probabilities', labels: ['a', 'b', 'c', 'd'] } }), SIGNATURE)).toContain(
      'output.labels: 4 labels listed but the model\'s "probabilities" has 3 columns',
    );
  });

  test('When sigmoid logits list 3 labels, then sigmoid is said to need 2', () => {
    const output = { logits: 'probabilities', activation: 'sigmoid' as const, labels: ['a', 'b', 'c'] };
    expect(checkManifestSpec(manifest({ output }), SIGNATURE)).toContain('output.labels: 3 labels listed; sigmoid needs exactly 2');
  });

  test('When the output tensor does not exist, then the outputs there are are listed', () => {
    expect(checkManifestSpec(manifest({ output: { probabilities: 'p', labels: ['a', 'b', 'c'] } }), SIGNATURE)).toEqual([
      'output.probabilities: "p" is not a tensor output of the model; its outputs are: probabilities (tensor)',
    ]);
  });

  test('When "mean" is asked for without a mean, then it is refused', () => {
    const features = [{ ...FEATURES[0], missing: 'mean' as const }, FEATURES[1]];
    expect(checkManifestSpec(manifest({ input: { features } }), SIGNATURE)).toEqual([
      'input.features[0].missing: is "mean" but the feature has neither "mean" nor "scale.mean"',
    ]);
  });
});
