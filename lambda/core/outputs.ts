/**
 * The model's outputs as predictions, per the manifest's `output`: probabilities as they are, logits through their
 * activation (softmax over the labels, or the sigmoid of the positive class's one score), a positive-class
 * probability, or a regression value; the label is the model's own label tensor when the manifest names one (an
 * int64 index into `labels`, or a label string), else the likeliest label (the first on a tie).
 */
import type { Tensor } from 'onnxruntime-node';
import type { Manifest } from './manifest';
import type { Prediction } from './types';

const PROBABILITIES = 0;
const SOFTMAX = 1;
const SIGMOID = 2;
const POSITIVE = 3;

type Numbers = Float32Array | Float64Array;

function numbersOf(tensor: Tensor, name: string, path: string): Numbers {
  if (tensor.type !== 'float32' && tensor.type !== 'float64') {
    throw new Error(`the model's output "${name}" (${path}) is ${tensor.type}; expected float32 or float64`);
  }
  return tensor.data as Numbers;
}

/** Reads one manifest's outputs; built once per loaded model. */
export class OutputReader {
  /** The scores (or value) tensor. */
  readonly scoresName: string;
  /** The model's label tensor, if the manifest names one. */
  readonly labelName: string | undefined;
  /** The outputs to fetch from the session. */
  readonly fetches: readonly string[];
  private readonly labels: readonly string[] | undefined;
  /** A multi-output regression's target names (the value tensor's columns). */
  private readonly targets: readonly string[] | undefined;
  private readonly labelIndex: ReadonlyMap<string, number>;
  private readonly mode: number;
  private readonly path: string;
  /** One row's probabilities; reused, since reading is synchronous. */
  private readonly row: Float64Array;

  constructor(manifest: Manifest) {
    if (manifest.task === 'regression') {
      this.scoresName = manifest.output.value;
      this.labelName = undefined;
      this.labels = undefined;
      this.targets = manifest.output.targets;
      this.mode = PROBABILITIES;
      this.path = 'output.value';
    } else {
      const { output } = manifest;
      this.targets = undefined;
      this.labels = output.labels;
      this.labelName = output.label;
      if (output.logits !== undefined) {
        this.scoresName = output.logits;
        this.mode = output.activation === 'sigmoid' ? SIGMOID : SOFTMAX;
        this.path = 'output.logits';
      } else if (output.positiveProbability !== undefined) {
        this.scoresName = output.positiveProbability;
        this.mode = POSITIVE;
        this.path = 'output.positiveProbability';
      } else {
        this.scoresName = output.probabilities ?? '';
        this.mode = PROBABILITIES;
        this.path = 'output.probabilities';
      }
    }
    this.labelIndex = new Map((this.labels ?? []).map((label, i) => [label, i]));
    this.row = new Float64Array(this.labels?.length ?? 0);
    this.fetches = this.labelName === undefined ? [this.scoresName] : [this.scoresName, this.labelName];
  }

  /** One prediction per instance from the fetched tensors. */
  read(scores: Tensor, label: Tensor | undefined, count: number): Prediction[] {
    const values = numbersOf(scores, this.scoresName, this.path);
    const labels = this.labels;
    const predictions = new Array<Prediction>(count);
    if (this.targets !== undefined) return this.readTargets(values, count, this.targets);
    if (labels === undefined) {
      if (values.length !== count) throw new Error(`the model returned ${values.length} values for ${count} instances`);
      for (let row = 0; row < count; row++) predictions[row] = { value: values[row] };
      return predictions;
    }
    const k = labels.length;
    const oneColumn = this.mode === SIGMOID || this.mode === POSITIVE;
    const expected = oneColumn ? count : count * k;
    if (values.length !== expected) {
      throw new Error(
        `the model returned ${values.length} values in "${this.scoresName}" for ${count} instances; expected ${expected}`,
      );
    }
    const given = label === undefined ? undefined : this.labelsOf(label, count);
    const p = this.row;
    for (let row = 0; row < count; row++) {
      this.probabilitiesOf(values, row, k, p);
      const probabilities: Record<string, number> = {};
      let best = 0;
      for (let c = 0; c < k; c++) {
        probabilities[labels[c]] = p[c];
        if (p[c] > p[best]) best = c;
      }
      predictions[row] = { label: given === undefined ? labels[best] : given[row], probabilities };
    }
    return predictions;
  }

  /** One `{values: {target: number}}` per instance from the `[count, targets]` value tensor. */
  private readTargets(values: Numbers, count: number, targets: readonly string[]): Prediction[] {
    const k = targets.length;
    if (values.length !== count * k) {
      throw new Error(
        `the model returned ${values.length} values in "${this.scoresName}" for ${count} instances; expected ${count * k} ` +
          `(${count} x ${k} targets: ${targets.join(', ')})`,
      );
    }
    const predictions = new Array<Prediction>(count);
    for (let row = 0; row < count; row++) {
      const byTarget: Record<string, number> = {};
      for (let c = 0; c < k; c++) byTarget[targets[c]] = values[row * k + c];
      predictions[row] = { values: byTarget };
    }
    return predictions;
  }

  /** Row `row`'s probabilities into `p`. */
  private probabilitiesOf(values: Numbers, row: number, k: number, p: Float64Array): void {
    const mode = this.mode;
    if (mode === PROBABILITIES) {
      for (let c = 0; c < k; c++) p[c] = values[row * k + c];
    } else if (mode === SOFTMAX) {
      const base = row * k;
      let max = -Infinity;
      for (let c = 0; c < k; c++) if (values[base + c] > max) max = values[base + c];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        p[c] = Math.exp(values[base + c] - max);
        sum += p[c];
      }
      for (let c = 0; c < k; c++) p[c] /= sum;
    } else {
      const positive = mode === SIGMOID ? 1 / (1 + Math.exp(-values[row])) : values[row];
      p[0] = 1 - positive;
      p[1] = positive;
    }
  }

  /** The model's own labels, as strings of `labels`. */
  private labelsOf(tensor: Tensor, count: number): string[] {
    const labels = this.labels ?? [];
    const out = new Array<string>(count);
    const data = tensor.data;
    if (data.length !== count) {
      throw new Error(`the model returned ${data.length} labels in "${this.labelName}" for ${count} instances`);
    }
    for (let row = 0; row < count; row++) {
      const value: unknown = data[row];
      const index =
        typeof value === 'bigint' || typeof value === 'number'
          ? Number(value)
          : typeof value === 'string'
            ? (this.labelIndex.get(value) ?? -1)
            : -1;
      const known = Number.isInteger(index) && index >= 0 && index < labels.length;
      if (!known) {
        throw new Error(
          `the model's label tensor "${this.labelName}" returned ${String(value)}, which is not one of output.labels ` +
            `(${typeof value === 'string' ? labels.join(', ') : `an index 0-${labels.length - 1}`})`,
        );
      }
      out[row] = labels[index];
    }
    return out;
  }
}
