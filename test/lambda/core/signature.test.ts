/**
 * The model's signature (lambda/core/signature.ts): read from the real example models, and every way a manifest
 * can fail to fit one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, type Manifest, type ManifestInput } from '../../../lambda/core/manifest';
import { ModelLoadError } from '../../../lambda/core/onnx-session';
import { checkManifestAgainstModel, describeModelBytes } from '../../../lambda/core/signature';
import type { ModelSignature, TensorInfo } from '../../../lambda/core/types';

const EXAMPLES = join(__dirname, '../../../examples');

function modelBytes(name: string): Uint8Array {
  return readFileSync(join(EXAMPLES, name, 'model.onnx'));
}

describe('describeModelBytes', () => {
  it('reads the examples\' signatures', async () => {
    await expect(describeModelBytes(modelBytes('iris'))).resolves.toEqual({
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 4] }],
      outputs: [{ name: 'probabilities', type: 'float32', shape: ['batch', 3] }],
    });
    await expect(describeModelBytes(modelBytes('diabetes'))).resolves.toEqual({
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 10] }],
      outputs: [{ name: 'value', type: 'float32', shape: ['batch', 1] }],
    });
  });

  it('names the source when the bytes are not a model', async () => {
    const error = await describeModelBytes(new Uint8Array([1, 2, 3]), 'junk.onnx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/^Cannot load the ONNX model junk\.onnx: .*protobuf parsing failed/);
  });
});

describe('checkManifestAgainstModel', () => {
  const tensor = (name: string, shape: TensorInfo['shape'], type = 'float32'): TensorInfo => ({ name, type, shape });
  const nonTensor = (name: string): TensorInfo => ({ name, type: undefined, shape: [] });
  const signature = (inputs: TensorInfo[], outputs: TensorInfo[]): ModelSignature => ({ inputs, outputs });

  function classifier(labels: string[], overrides: Partial<ManifestInput> = {}): Manifest {
    return parseManifest({
      name: 'm',
      version: '1.0.0',
      task: labels.length === 2 ? 'binary-classification' : 'multiclass-classification',
      input: { tensor: 'input', features: [{ name: 'a' }, { name: 'b' }] },
      output: { probabilities: 'probabilities', labels },
      ...overrides,
    });
  }
  const regressor = parseManifest({
    name: 'r',
    version: '1.0.0',
    task: 'regression',
    input: { tensor: 'input', features: [{ name: 'a' }, { name: 'b' }] },
    output: { value: 'value' },
  });
  const input2 = tensor('input', ['batch', 2]);
  const probs2 = tensor('probabilities', ['batch', 2]);

  it('is empty when manifest and model fit (dynamic dimensions fit anything)', () => {
    expect(checkManifestAgainstModel(classifier(['no', 'yes']), signature([input2], [tensor('label', ['batch'], 'int64'), probs2]))).toEqual([]);
    expect(checkManifestAgainstModel(classifier(['x', 'y', 'z']), signature([tensor('input', ['N', 'F'])], [tensor('probabilities', ['N', 'K'])]))).toEqual([]);
    expect(checkManifestAgainstModel(regressor, signature([input2], [tensor('value', ['batch'])]))).toEqual([]);
    expect(checkManifestAgainstModel(regressor, signature([input2], [tensor('value', ['batch', 1], 'float64')]))).toEqual([]);
    expect(checkManifestAgainstModel(regressor, signature([tensor('input', [])], [tensor('value', [])]))).toEqual([]);
  });

  it.each<[string, ModelSignature, string]>([
    [
      'input tensor name',
      signature([tensor('inputs', ['batch', 2])], [probs2]),
      'input.tensor: "input" is not an input of the model; the model\'s inputs are: inputs',
    ],
    [
      'inputs the runtime does not feed',
      signature([input2, tensor('mask', ['batch', 2])], [probs2]),
      'input.tensor: the model also has input "mask", which the runtime does not feed; it feeds only "input"',
    ],
    [
      'element type',
      signature([tensor('input', ['batch', 2], 'int64')], [probs2]),
      'input.tensor: the model\'s input "input" is int64; the runtime sends float32 (export the model with a float32 input)',
    ],
    [
      'a non-tensor input',
      signature([nonTensor('input')], [probs2]),
      'input.tensor: the model\'s input "input" is not a tensor; the runtime sends a float32 tensor [batch, features]',
    ],
    [
      'rank',
      signature([tensor('input', ['batch', 2, 1])], [probs2]),
      'input.tensor: the model\'s input "input" has shape [batch, 2, 1] (rank 3); the runtime sends a rank-2 tensor [batch, features]',
    ],
    [
      'a fixed batch size',
      signature([tensor('input', [1, 2])], [probs2]),
      'input.tensor: the model\'s input "input" has a fixed batch size of 1; the runtime sends whole batches, so export it with a dynamic first dimension (e.g. "batch")',
    ],
    [
      'feature count',
      signature([tensor('input', ['batch', 3])], [probs2]),
      'input.features: 2 features listed but the model\'s input "input" takes 3',
    ],
    [
      'probability tensor name',
      signature([input2], [tensor('label', ['batch'], 'int64'), nonTensor('output_probability')]),
      'output.probabilities: "probabilities" is not an output of the model; the model\'s outputs are: label, output_probability',
    ],
    [
      'label count',
      signature([input2], [tensor('probabilities', ['batch', 3])]),
      'output.labels: 2 labels listed but the model\'s output "probabilities" has 3 columns',
    ],
    [
      'probability rank',
      signature([input2], [tensor('probabilities', ['batch'])]),
      'output.probabilities: the model\'s output "probabilities" has shape [batch]; expected [batch, labels] (one probability per label)',
    ],
    [
      'a ZipMap output',
      signature([input2], [nonTensor('probabilities')]),
      'output.probabilities: the model\'s output "probabilities" is not a tensor (a sequence of maps, as skl2onnx\'s ZipMap makes?); the runtime reads a float32 tensor (export classifiers with zipmap=False)',
    ],
    [
      'an integer output',
      signature([input2], [tensor('probabilities', ['batch', 2], 'int64')]),
      'output.probabilities: the model\'s output "probabilities" is int64; the runtime reads float32 (or float64) values',
    ],
  ])('classifier: %s', (_what, model, problem) => {
    expect(checkManifestAgainstModel(classifier(['no', 'yes']), model)).toEqual([problem]);
  });

  it.each<[string, ModelSignature, string]>([
    [
      'value tensor name',
      signature([input2], [tensor('variable', ['batch', 1])]),
      'output.value: "value" is not an output of the model; the model\'s outputs are: variable',
    ],
    [
      'several values per instance',
      signature([input2], [tensor('value', ['batch', 3])]),
      'output.value: the model\'s output "value" has shape [batch, 3]; expected [batch] or [batch, 1] (one value per instance)',
    ],
    [
      'rank 3',
      signature([input2], [tensor('value', ['batch', 1, 1])]),
      'output.value: the model\'s output "value" has shape [batch, 1, 1]; expected [batch] or [batch, 1] (one value per instance)',
    ],
  ])('regression: %s', (_what, model, problem) => {
    expect(checkManifestAgainstModel(regressor, model)).toEqual([problem]);
  });

  it('reports every mismatch at once, and a model with no inputs', () => {
    expect(checkManifestAgainstModel(regressor, signature([], []))).toEqual([
      'input.tensor: "input" is not an input of the model; the model\'s inputs are: (none)',
      'output.value: "value" is not an output of the model; the model\'s outputs are: (none)',
    ]);
  });
});
