/**
 * How `modelstack init` reads the model's output: which tensor holds the prediction, the task, the labels and
 * whether the scores are probabilities or logits (from the probe).
 *
 * * `[N, K]`, K ≥ 2: classification (binary for K = 2); `probabilities` when the probe rows are probabilities, else
 *   `logits` + `activation: "softmax"`.
 * * `[N]` / `[N, 1]`: regression when the target is numeric with many distinct values (or there is no target);
 *   binary classification when the target has two values (`positiveProbability`, or `logits` + `sigmoid`).
 * * Labels: the ZipMap's class labels; else the target column's distinct values sorted as `np.unique` sorts them
 *   (the order sklearn and LightGBM number classes in, so an int64 label output i means labels[i]).
 */
import type { ColumnProfile } from './csv-profile';
import { InitError } from './init-error';
import { describeProbe, type ProbeResult } from './logits-probe';
import { tensorWidth, type SpecOutput, type SpecTask } from './manifest-spec';
import type { OnnxSignature, ValueSignature } from './onnx-signature';
import type { ZipMapRewrite } from './zipmap-rewrite';

type TensorValue = Extract<ValueSignature, { kind: 'tensor' }>;

/** A numeric target with more distinct values than this is a regression target. */
export const MAX_CLASS_COUNT_FOR_NUMERIC_TARGET = 20;

export interface OutputMapping {
  readonly task: SpecTask;
  readonly output: SpecOutput;
  /** Where the labels came from, for the report. */
  readonly labelSource: string;
  /** Other outputs of the model the manifest does not read, for the report. */
  readonly ignoredOutputs: readonly string[];
  readonly review: readonly string[];
}

function isTensor(value: ValueSignature): value is TensorValue {
  return value.kind === 'tensor';
}

/**
 * The output holding the scores: the tensor that fed the ZipMap, else the float output named like probabilities,
 * else the first float output.
 */
export function scoreOutput(signature: OnnxSignature, rewritten: readonly ZipMapRewrite[]): TensorValue {
  const floats = signature.outputs.filter(isTensor).filter((o) => o.elementType === 'float32' || o.elementType === 'float64');
  const fromZipMap = floats.find((o) => rewritten.some((r) => r.tensor === o.name));
  const chosen = fromZipMap ?? floats.find((o) => /prob/i.test(o.name)) ?? floats[0];
  if (chosen === undefined) {
    const listed = signature.outputs.map((o) => `${o.name} (${o.kind === 'tensor' ? o.elementType : o.kind})`).join(', ');
    throw new InitError(`the model has no float32 or float64 tensor output to read a prediction from; its outputs are: ${listed}`);
  }
  return chosen;
}

/** Sorted as `np.unique` sorts: the column profile's value order. */
function targetLabels(target: ColumnProfile | undefined): string[] | undefined {
  return target?.values.slice();
}

function classification(
  scores: TensorValue,
  width: number,
  probe: ProbeResult | undefined,
  labels: readonly string[],
  labelSource: string,
  review: string[],
): Pick<OutputMapping, 'task' | 'output' | 'labelSource'> {
  if (labels.length !== width) {
    throw new InitError(`the model's output "${scores.name}" has ${width} columns but ${labelSource} gives ${labels.length} labels (${labels.join(', ')}); they must match`);
  }
  const task: SpecTask = width === 2 ? 'binary-classification' : 'multiclass-classification';
  if (probe === undefined || probe.holdsProbabilities) return { task, output: { probabilities: scores.name, labels }, labelSource };
  review.push(`"${scores.name}" does not hold probabilities (${describeProbe(probe)}): written as logits with activation "softmax"`);
  return { task, output: { logits: scores.name, activation: 'softmax', labels }, labelSource };
}

/** Several `--target` columns: a multi-output regression, one numeric target per column of the output. */
function multiOutput(
  scores: TensorValue,
  width: number,
  targets: readonly ColumnProfile[],
  zipMap: boolean,
  review: string[],
): Pick<OutputMapping, 'task' | 'output' | 'labelSource'> {
  const names = targets.map((t) => t.name);
  if (zipMap) {
    throw new InitError(`--target names ${names.length} columns (${names.join(', ')}), but the model's output "${scores.name}" feeds a ZipMap: it is a classifier, which has one target`);
  }
  if (width !== targets.length) {
    throw new InitError(
      `--target names ${targets.length} columns (${names.join(', ')}) but the model's output "${scores.name}" has ${width} column${width === 1 ? '' : 's'}; ` +
        'a multi-output regression names one target column per output column, in order',
    );
  }
  const notNumeric = targets.filter((t) => t.type !== 'number' && t.type !== 'integer');
  if (notNumeric.length > 0) {
    throw new InitError(
      `--target names several columns, a multi-output regression, but ${notNumeric.map((t) => `"${t.name}" (${t.type})`).join(', ')} ` +
        `${notNumeric.length > 1 ? 'are' : 'is'} not numeric; every target of a multi-output regression is a number`,
    );
  }
  review.push(`multi-output regression: column i of "${scores.name}" is read as target ${names.map((n, i) => `${i} = ${n}`).join(', ')}; check the order matches the model's training targets`);
  return { task: 'regression', output: { value: scores.name, targets: names }, labelSource: 'none (regression)' };
}

export interface OutputInputs {
  readonly signature: OnnxSignature;
  readonly scores: TensorValue;
  readonly probe: ProbeResult | undefined;
  readonly rewritten: readonly ZipMapRewrite[];
  /** The `--target` columns: one (a classifier's labels, or a regression target), or several (multi-output regression). */
  readonly targets: readonly ColumnProfile[];
  /** What the user said the model is (`--task`), when init cannot tell. @default none: init refuses to guess */
  readonly taskHint?: SpecTask;
}

/** Decides the task and the `output` section. */
export function mapOutput({ signature, scores, probe, rewritten, targets, taskHint }: OutputInputs): OutputMapping {
  const review: string[] = [];
  const target = targets.length === 1 ? targets[0] : undefined;
  const ignoredOutputs = signature.outputs.filter((o) => o.name !== scores.name).map((o) => o.name);
  const declared = tensorWidth(scores);
  if (declared !== undefined && probe !== undefined && probe.width !== declared) {
    throw new InitError(
      `the model's output "${scores.name}" is declared [N, ${declared}] but returns [N, ${probe.width}] on the probe rows: ` +
        'the graph and its declared output disagree (an exporter setting, e.g. a regressor converted for one target but fitted on several); re-export the model so they agree',
    );
  }
  const width = declared ?? probe?.width;
  if (width === undefined) throw new InitError(`the model's output "${scores.name}" does not fix its width and could not be probed`);
  const zipMap = rewritten.find((r) => r.tensor === scores.name);
  const labelOutputs = signature.outputs.filter(isTensor).filter((o) => o.name !== scores.name && (o.elementType === 'int64' || o.elementType === 'string'));
  if (labelOutputs.length > 0) {
    review.push(`the model's label output${labelOutputs.length > 1 ? 's' : ''} ${labelOutputs.map((o) => `"${o.name}" (${o.elementType})`).join(', ')} ` +
      `${labelOutputs.length > 1 ? 'are' : 'is'} not read: the label is the argmax of "${scores.name}"; add "output.label" to use the model's own`);
  }
  const fromTarget = targetLabels(target);
  let labels: readonly string[] | undefined;
  let labelSource: string;
  if (zipMap !== undefined) {
    labels = zipMap.classLabels;
    labelSource = `the ZipMap's class labels`;
  } else if (fromTarget !== undefined) {
    labels = fromTarget;
    labelSource = `the target column "${target?.name}"'s values sorted (np.unique order, as sklearn numbers classes)`;
  } else {
    labelSource = 'placeholders (no --target)';
  }
  const numericTarget = target !== undefined && (target.type === 'number' || target.type === 'integer');
  const manyValues = target !== undefined && (target.type === 'number' || target.values.length > MAX_CLASS_COUNT_FOR_NUMERIC_TARGET);
  const reviewSortedLabels = () => {
    if (zipMap !== undefined || fromTarget === undefined) return;
    review.push(`labels are the target's distinct values sorted: check that column i of "${scores.name}" is labels[i] ` +
      '(a model trained on integer codes, e.g. 0 = malignant, numbers its columns by the codes, not by the label text)' +
      (labelOutputs.some((o) => o.elementType === 'int64') ? '; an int64 label i means labels[i]' : ''));
  };
  if (targets.length > 1) return { ...multiOutput(scores, width, targets, zipMap !== undefined, review), ignoredOutputs, review };
  if (width >= 2) {
    if (zipMap === undefined && numericTarget && manyValues) {
      throw new InitError(
        `the model's output "${scores.name}" has ${width} columns but --target names one numeric column "${target?.name}" with many values: ` +
          `a model with ${width} outputs on numeric data is a multi-output regression; name its ${width} target columns in column order, ` +
          `e.g. --target ${target?.name},<second>${width > 2 ? ',...' : ''}, or pass the target of a classifier`,
      );
    }
    reviewSortedLabels();
    if (labels === undefined) {
      // [N, K] may be K class scores or K regression targets: without labels, init does not guess.
      if (taskHint === undefined) {
        throw new InitError(
          `the model's output "${scores.name}" has ${width} columns: ${width} class scores or ${width} regression targets, and without ` +
            'labels init cannot tell which. Pass --data <train.csv> --target <column> (a classifier: the labels come from the target), ' +
            `--data <train.csv> --target <column>,<column>... (a multi-output regression: its ${width} target columns in order), ` +
            `--task regression to write placeholder targets target_0 ... target_${width - 1}, or ` +
            `--task ${width === 2 ? 'binary' : 'multiclass'}-classification to write placeholder labels class_0 ... class_${width - 1}`,
        );
      }
      if (taskHint === 'regression') {
        const placeholders = Array.from({ length: width }, (_, i) => `target_${i}`);
        review.push(`targets are placeholders target_0 ... target_${width - 1} (--task regression, no --target): write the target names in column order`);
        return { task: 'regression', output: { value: scores.name, targets: placeholders }, labelSource: 'none (regression)', ignoredOutputs, review };
      }
      labels = Array.from({ length: width }, (_, i) => `class_${i}`);
      review.push(`labels are placeholders class_0 ... class_${width - 1} (--task, no --target): write the class names in column order`);
    }
    return { ...classification(scores, width, probe, labels, labelSource, review), ignoredOutputs, review };
  }
  if (target === undefined || (numericTarget && manyValues)) {
    if (target === undefined) review.push(`task guessed "regression" from the one-column output "${scores.name}" (no --target): a binary classifier needs labels`);
    return { task: 'regression', output: { value: scores.name }, labelSource: 'none (regression)', ignoredOutputs, review };
  }
  if (labels === undefined || labels.length !== 2) {
    throw new InitError(
      `the model's output "${scores.name}" has one column, so it is a regression or a binary classifier, but the target "${target.name}" ` +
        `is a ${target.type} with ${target.values.length} distinct values; a regression target is numeric with more than ` +
        `${MAX_CLASS_COUNT_FOR_NUMERIC_TARGET} values, a binary one has 2`,
    );
  }
  reviewSortedLabels();
  review.push(`one-column output "${scores.name}" read as the score of "${labels[1]}" (the positive class, labels[1])`);
  if (probe === undefined || probe.holdsProbabilities) {
    return { task: 'binary-classification', output: { positiveProbability: scores.name, labels }, labelSource, ignoredOutputs, review };
  }
  review.push(`"${scores.name}" is not in [0, 1] (${describeProbe(probe)}): written as logits with activation "sigmoid"`);
  return { task: 'binary-classification', output: { logits: scores.name, activation: 'sigmoid', labels }, labelSource, ignoredOutputs, review };
}
