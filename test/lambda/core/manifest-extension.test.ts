/**
 * The manifest's categories, per-feature tensors and output forms (lambda/core/manifest.ts): one test per rule, each
 * naming the JSON path and the value; and the forms it accepts.
 */
import { ManifestError, outputTensorNames, parseManifest } from '../../../lambda/core/manifest';

const base = () => ({ name: 'model', version: '1.0.0', task: 'regression', input: { tensor: 'input', features: [{ name: 'a' }] }, output: { value: 'value' } });
const withFeature = (feature: Record<string, unknown>) => ({ ...base(), input: { tensor: 'input', features: [feature] } });
const withInput = (input: Record<string, unknown>) => ({ ...base(), input });
const withOutput = (output: Record<string, unknown>, task = 'multiclass-classification') => ({ ...base(), task, output });
const island = { name: 'island', type: 'category', categories: ['Biscoe', 'Dream'] };

function problemsOf(json: unknown): readonly string[] {
  try {
    parseManifest(json, 'model.json');
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('Given the manifest extension / When a manifest uses it correctly, then it is accepted', () => {
  it('categories with each encoding, per-feature tensors, passthrough and category constants', () => {
    const manifest = parseManifest(
      withInput({
        features: [
          { name: 'x', tensor: 'x', missing: 'passthrough' },
          { ...island, tensor: 'island', encoding: 'string', missing: 'passthrough' },
          { ...island, name: 'i2', tensor: 'cats', encoding: 'one-hot', unknownCategory: { map: 'Dream' } },
          { ...island, name: 'i3', tensor: 'cats', encoding: 'ordinal', missing: { constant: 'Biscoe' } },
        ],
      }),
    );
    expect(manifest.input.tensor).toBeUndefined();
    expect(manifest.input.features[1]).toMatchObject({ type: 'category', encoding: 'string', missing: 'passthrough' });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['probabilities with the model\'s label tensor', { probabilities: 'p', label: 'label', labels: ['a', 'b', 'c'] }, ['p', 'label']],
    ['logits with softmax', { logits: 'logits', activation: 'softmax', labels: ['a', 'b', 'c'] }, ['logits']],
    ['logits with sigmoid (binary)', { logits: 'score', activation: 'sigmoid', labels: ['no', 'yes'] }, ['score']],
    ['a positive-class probability (binary)', { positiveProbability: 'p1', labels: ['no', 'yes'] }, ['p1']],
  ])('output: %s', (_what, output, tensors) => {
    const labels = output.labels as string[];
    const task = labels.length === 2 ? 'binary-classification' : 'multiclass-classification';
    expect(outputTensorNames(parseManifest(withOutput(output, task)))).toEqual(tensors);
  });
});

describe('Given the manifest extension / When a rule is broken, then the problem names the path and the value', () => {
  it.each<[string, unknown, string]>([
    ['a category without categories', withFeature({ name: 'c', type: 'category' }), 'input.features[0].categories: is required with "type": "category": list the allowed values (got missing)'],
    ['categories on a number', withFeature({ name: 'a', categories: ['x'] }), 'input.features[0].categories: is allowed only with "type": "category" (got ["x"])'],
    ['an encoding on a number', withFeature({ name: 'a', encoding: 'one-hot' }), 'input.features[0].encoding: is allowed only with "type": "category" (got "one-hot")'],
    ['unknownCategory on a number', withFeature({ name: 'a', unknownCategory: 'reject' }), 'input.features[0].unknownCategory: is allowed only with "type": "category" (got "reject")'],
    ['an unknown encoding', withFeature({ ...island, encoding: 'binary' }), 'input.features[0].encoding: "binary" is not allowed; expected "one-hot" or "ordinal" or "string"'],
    ['an unknownCategory that is neither form', withFeature({ ...island, unknownCategory: 'zeros' }), 'input.features[0].unknownCategory: "zeros" is not allowed; expected "reject" or {"map": <one of the categories>}'],
    ['unknownCategory mapping to a non-category', withFeature({ ...island, unknownCategory: { map: 'Mars' } }), 'input.features[0].unknownCategory: maps to a value that is not a category; expected one of the categories: "Biscoe", "Dream" (got {"map":"Mars"})'],
    ['duplicate categories', withFeature({ ...island, categories: ['a', 'b', 'a'] }), 'input.features[0].categories: must be unique; "a" repeats (got "a")'],
    ['no categories', withFeature({ ...island, categories: [] }), 'input.features[0].categories: must have at least 1 item (got [])'],
    ['min on a category', withFeature({ ...island, min: 0 }), 'input.features[0].min: applies to number, integer and boolean features only; a category has none (got 0)'],
    ['scale on a category', withFeature({ ...island, scale: { mean: 0, std: 1 } }), 'input.features[0].scale: applies to number, integer and boolean features only; a category has none (got {"mean":0,"std":1})'],
    ['missing "mean" on a category', withFeature({ ...island, missing: 'mean' }), 'input.features[0].missing: is "mean" but a category has no mean; use {"constant": <a category>} or "passthrough" (got "mean")'],
    ['a category constant that is not a category', withFeature({ ...island, missing: { constant: 'Mars' } }), 'input.features[0].missing: has a constant that is not a category; expected one of the categories: "Biscoe", "Dream" (got {"constant":"Mars"})'],
    ['a number constant for a category', withFeature({ ...island, missing: { constant: 1 } }), 'input.features[0].missing: has a constant that is not a category; expected one of the categories: "Biscoe", "Dream" (got {"constant":1})'],
    ['a fractional constant for an integer', withFeature({ name: 'a', type: 'integer', missing: { constant: 1.5 } }), 'input.features[0].missing: has a constant that is not a whole number; an integer feature takes a whole number (got {"constant":1.5})'],
    ['a boolean constant other than 0/1', withFeature({ name: 'a', type: 'boolean', missing: { constant: 2 } }), 'input.features[0].missing: has a constant other than 0 or 1; a boolean feature takes 0 (false) or 1 (true) (got {"constant":2})'],
    ['no input.tensor and a feature without its own', withInput({ features: [{ name: 'a', tensor: 'a' }, { name: 'b' }] }), 'input.tensor: is required: features[1] ("b") names no "tensor" of its own (got missing)'],
    ['strings and numbers in one tensor', withInput({ tensor: 'input', features: [{ name: 'a' }, { ...island, encoding: 'string' }] }), 'input.features[1].encoding: puts strings into tensor "input", which features[0] fills with numbers; give the string features a string tensor of their own (got "string")'],
  ])('%s', (_what, json, problem) => {
    expect(problemsOf(json)).toEqual([problem]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['no score tensor', { labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output: must name the scores: one of "probabilities", "logits" (with "activation") or "positiveProbability" (got {"labels":["a","b","c"]})'],
    ['two score tensors', { probabilities: 'p', logits: 'l', activation: 'softmax', labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output.logits: cannot have both "probabilities" and "logits"; name exactly one score tensor (got "l")'],
    ['logits without an activation', { logits: 'l', labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output.activation: is required with "logits": "softmax" (scores of every label) or "sigmoid" (one score, of labels[1]) (got missing)'],
    ['an activation without logits', { probabilities: 'p', activation: 'softmax', labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output.activation: applies to "logits" only; "probabilities" and "positiveProbability" are used as they are (got "softmax")'],
    ['sigmoid with three labels', { logits: 'l', activation: 'sigmoid', labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output.labels: must list exactly 2 labels (negative, positive) with "activation": "sigmoid" (got ["a","b","c"])'],
    ['positiveProbability with three labels', { positiveProbability: 'p', labels: ['a', 'b', 'c'] }, 'multiclass-classification', 'output.labels: must list exactly 2 labels (negative, positive) with "positiveProbability" (got ["a","b","c"])'],
    ['a label tensor with positiveProbability', { positiveProbability: 'p', label: 'l', labels: ['a', 'b'] }, 'binary-classification', 'output.label: applies to "probabilities" and "logits" only; with "positiveProbability" the label is the likelier class (got "l")'],
    ['an unknown activation', { logits: 'l', activation: 'relu', labels: ['a', 'b'] }, 'binary-classification', 'output.activation: "relu" is not allowed; expected "softmax" or "sigmoid"'],
  ])('output: %s', (_what, output, task, problem) => {
    expect(problemsOf(withOutput(output, task))).toEqual([problem]);
  });
});
