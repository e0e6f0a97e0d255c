/**
 * The manifest's features against several model inputs (lambda/core/signature.ts): element types per encoding,
 * widths with one-hot columns, unfed inputs, and the new output forms' shapes and types.
 */
import { parseManifest } from '../../../lambda/core/manifest';
import { checkManifestAgainstModel } from '../../../lambda/core/signature';
import type { ModelSignature, TensorInfo } from '../../../lambda/core/types';

const t = (name: string, type: string | undefined, shape: TensorInfo['shape']): TensorInfo => ({ name, type, shape });
const sig = (inputs: TensorInfo[], outputs: TensorInfo[] = [t('value', 'float32', ['N', 1])]): ModelSignature => ({ inputs, outputs });
const regressor = (input: Record<string, unknown>) =>
  parseManifest({ name: 'm', version: '1.0.0', task: 'regression', input, output: { value: 'value' } });
const island = { name: 'island', type: 'category', categories: ['Biscoe', 'Dream', 'Torgersen'] };

describe('Given features feeding several tensors / When checked against the model', () => {
  const perColumn = regressor({ features: [{ name: 'x', tensor: 'x' }, { ...island, tensor: 'island' }] });

  it('fits string and float inputs of shape [N, 1] or [N]', () => {
    expect(checkManifestAgainstModel(perColumn, sig([t('x', 'float32', ['', 1]), t('island', 'string', [''])]))).toEqual([]);
  });

  it.each<[string, ModelSignature, string]>([
    ['a number feeding a string tensor', sig([t('x', 'string', ['', 1]), t('island', 'string', ['', 1])]), 'input.features[0]: "x" (number) feeds "x", which the model declares as a string tensor; only category features with "encoding": "string" feed a string tensor'],
    ['an input left unfed', sig([t('x', 'float32', ['', 1]), t('island', 'string', ['', 1]), t('sex', 'string', ['', 1])]), 'input.features: the model also has input "sex", which the runtime does not feed; it feeds only "x", "island"'],
    ['a tensor the model lacks', sig([t('x', 'float32', ['', 1])]), 'input.features[1].tensor: "island" is not an input of the model; the model\'s inputs are: x'],
    ['an element type the runtime cannot write', sig([t('x', 'float16', ['', 1]), t('island', 'string', ['', 1])]), 'input.features[0].tensor: the model\'s input "x" is float16; the runtime sends float32 (export the model with a float32 input), float64, int64 (integer features) or string (categories)'],
  ])('refuses %s', (_what, model, problem) => {
    expect(checkManifestAgainstModel(perColumn, model)).toEqual([problem]);
  });

  it('counts one column per category for a one-hot feature', () => {
    const manifest = regressor({ tensor: 'input', features: [{ name: 'x' }, island] });
    expect(checkManifestAgainstModel(manifest, sig([t('input', 'float32', ['N', 4])]))).toEqual([]);
    expect(checkManifestAgainstModel(manifest, sig([t('input', 'float32', ['N', 2])]))).toEqual([
      'input.features: 2 features feed "input" (4 columns) but the model\'s "input" takes 2 columns',
    ]);
  });

  it('a string encoding needs a string tensor', () => {
    const manifest = regressor({ features: [{ ...island, tensor: 'island', encoding: 'string' }] });
    expect(checkManifestAgainstModel(manifest, sig([t('island', 'float32', ['N', 1])]))).toEqual([
      'input.features[0].encoding: "string" needs a string tensor, but the model\'s input "island" is float32',
    ]);
  });

  it('int64 inputs take integer, boolean and ordinal features, not scaled or passed-through ones', () => {
    const ok = regressor({ tensor: 'input', features: [{ name: 'n', type: 'integer' }, { ...island, encoding: 'ordinal' }] });
    expect(checkManifestAgainstModel(ok, sig([t('input', 'int64', ['N', 2])]))).toEqual([]);
    const scaled = regressor({ tensor: 'input', features: [{ name: 'n', type: 'integer', scale: { mean: 1, std: 2 } }] });
    expect(checkManifestAgainstModel(scaled, sig([t('input', 'int64', ['N', 1])]))).toEqual([
      'input.features[0].scale: a scaled value is not whole, but the model\'s input "input" is int64',
    ]);
    const passthrough = regressor({ tensor: 'input', features: [{ name: 'n', type: 'integer', missing: 'passthrough' }] });
    expect(checkManifestAgainstModel(passthrough, sig([t('input', 'int64', ['N', 1])]))).toEqual([
      'input.features[0].missing: "passthrough" sends NaN, which the model\'s int64 input "input" cannot hold; use "reject" or {"constant": ...}',
    ]);
  });
});

describe('Given the new output forms / When checked against the model', () => {
  const classifier = (output: Record<string, unknown>, labels: string[]) =>
    parseManifest({
      name: 'm', version: '1.0.0', task: labels.length === 2 ? 'binary-classification' : 'multiclass-classification',
      input: { tensor: 'input', features: [{ name: 'a' }] }, output: { ...output, labels },
    });
  const input = [t('input', 'float32', ['N', 1])];

  it.each<[string, Record<string, unknown>, string[], TensorInfo[], string]>([
    ['logits of the wrong width', { logits: 'l', activation: 'softmax' }, ['a', 'b', 'c'], [t('l', 'float32', ['N', 4])], 'output.labels: 3 labels listed but the model\'s output "l" has 4 columns'],
    ['sigmoid logits of two columns', { logits: 'l', activation: 'sigmoid' }, ['no', 'yes'], [t('l', 'float32', ['N', 2])], 'output.logits: the model\'s output "l" has shape [N, 2]; expected [batch] or [batch, 1] (the score of "yes")'],
    ['a positive probability of two columns', { positiveProbability: 'p' }, ['no', 'yes'], [t('p', 'float32', ['N', 2])], 'output.positiveProbability: the model\'s output "p" has shape [N, 2]; expected [batch] or [batch, 1] (the probability of "yes")'],
    ['a float label tensor', { probabilities: 'p', label: 'label' }, ['a', 'b'], [t('p', 'float32', ['N', 2]), t('label', 'float32', ['N'])], 'output.label: the model\'s output "label" is float32; expected int64 (an index into output.labels) or string (one of output.labels)'],
    ['a missing label tensor', { probabilities: 'p', label: 'label' }, ['a', 'b'], [t('p', 'float32', ['N', 2])], 'output.label: "label" is not an output of the model; the model\'s outputs are: p'],
  ])('refuses %s', (_what, output, labels, outputs, problem) => {
    expect(checkManifestAgainstModel(classifier(output, labels), sig(input, outputs))).toEqual([problem]);
  });
});
