/**
 * How `modelstack init` maps a model's inputs to manifest features:
 *
 * * **one input per column** (skl2onnx pipelines: `[N, 1]` inputs named after the columns): each feature names its
 *   own `tensor`; a string input gives a category feature with `encoding: "string"`. An input matches the column
 *   of its name, or else the one column whose name differs only by the characters exporters replace (skl2onnx
 *   turns `od280/od315_of_diluted_wines` into `od280_od315_of_diluted_wines`): the feature keeps the column's name;
 * * **one `[N, F]` float input**: fed by the F non-target CSV columns in header order (the order must match
 *   training: said in the review list).
 *
 * Missing values: a column with missing cells gets `passthrough` when the graph has its own Imputer, else `mean`
 * for numbers, else `reject` (flagged for review); a column without missing cells gets `reject`.
 * Scaling is never guessed.
 */
import { exporterKey } from '../../lambda/core/feature-names';
import { editDistance } from '../../lambda/core/suggest';
import type { ColumnProfile, CsvProfile } from './csv-profile';
import { InitError } from './init-error';
import type { ProbeFeed } from './logits-probe';
import { tensorWidth, type MissingPolicy, type SpecFeature } from './manifest-spec';
import type { OnnxSignature, ValueSignature } from './onnx-signature';

type TensorInput = Extract<ValueSignature, { kind: 'tensor' }>;

export interface FeatureMapping {
  /** `input.tensor`: the one `[N, F]` input; unset when every feature names its own. */
  readonly tensor?: string;
  readonly features: readonly SpecFeature[];
  /** How the inputs were mapped, for the report. */
  readonly layout: 'per-column' | 'single-tensor';
  /** What the user must check, one sentence each. */
  readonly review: readonly string[];
}

const FLOAT_TYPES = new Set(['float32', 'float64']);

function tensorInputs(signature: OnnxSignature): TensorInput[] {
  return signature.inputs.map((input) => {
    if (input.kind !== 'tensor') {
      throw new InitError(`the model's input "${input.name}" is not a tensor (${input.kind}); modelstack feeds tensors only`);
    }
    return input;
  });
}

function missingPolicy(column: ColumnProfile, imputes: boolean, review: string[]): { missing: MissingPolicy; mean?: number } {
  if (column.missing === 0) return { missing: 'reject' };
  if (imputes) return { missing: 'passthrough' };
  if ((column.type === 'number' || column.type === 'integer') && column.mean !== undefined) return { missing: 'mean', mean: column.mean };
  review.push(
    `${column.name}: ${column.missing} cells are missing in the data but the graph has no Imputer and a ${column.type} has no mean; ` +
      'missing is "reject": choose {"constant": ...} if a missing value should be filled',
  );
  return { missing: 'reject' };
}

function numericFeature(column: ColumnProfile, input: TensorInput, tensor: string | undefined, imputes: boolean, review: string[]): SpecFeature {
  if (column.type === 'category') {
    const shown = column.values.slice(0, 3).map((v) => JSON.stringify(v)).join(', ');
    throw new InitError(
      `column "${column.name}" holds text values (${shown}${column.values.length > 3 ? ', ...' : ''}) but feeds the model's ` +
        `${input.elementType} input "${input.name}"; only numbers, integers and booleans feed a ${input.elementType} tensor`,
    );
  }
  if (!FLOAT_TYPES.has(input.elementType) && !(input.elementType === 'int64' && column.type !== 'number')) {
    throw new InitError(`the model's input "${input.name}" is ${input.elementType}; a ${column.type} column feeds float32 or float64 (integers and booleans also int64)`);
  }
  return { name: column.name, type: column.type, ...(tensor === undefined ? {} : { tensor }), ...missingPolicy(column, imputes, review) };
}

/**
 * The data column each input is fed from: the column of the same name, or else the only column whose name differs
 * from the input's only by characters that exporters replace (and case). Inputs without one are left out.
 */
function matchColumns(inputs: readonly TensorInput[], header: readonly string[]): Map<string, string> {
  const byKey = new Map<string, string[]>();
  for (const column of header) byKey.set(exporterKey(column), [...(byKey.get(exporterKey(column)) ?? []), column]);
  const matched = new Map<string, string>();
  for (const input of inputs) {
    if (header.includes(input.name)) matched.set(input.name, input.name);
    else if (byKey.get(exporterKey(input.name))?.length === 1) matched.set(input.name, (byKey.get(exporterKey(input.name)) as string[])[0]);
  }
  return matched;
}

function perColumn(inputs: readonly TensorInput[], profile: CsvProfile, targets: readonly string[], imputes: boolean, matched: ReadonlyMap<string, string>): FeatureMapping {
  const review: string[] = [];
  const renamed = inputs.filter((i) => matched.get(i.name) !== i.name);
  if (renamed.length > 0) {
    review.push(
      `inputs matched to columns whose names differ only by characters the exporter replaced: ${renamed.map((i) => `"${i.name}" <- column "${matched.get(i.name)}"`).join(', ')}; ` +
        'each feature keeps the column\'s name (requests use it) and feeds the input of its "tensor"',
    );
  }
  const features = inputs.map((input): SpecFeature => {
    const column = profile.columns.find((c) => c.name === matched.get(input.name)) as ColumnProfile;
    if (input.elementType !== 'string') return numericFeature(column, input, input.name, imputes, review);
    return { name: column.name, type: 'category', tensor: input.name, categories: column.values, encoding: 'string', ...missingPolicy({ ...column, type: 'category' }, imputes, review) };
  });
  const used = new Set(matched.values());
  const unused = profile.header.filter((h) => !targets.includes(h) && !used.has(h));
  if (unused.length > 0) review.push(`columns ${unused.join(', ')} are not model inputs and are not features; requests holding them are refused (input.unknownFields: "reject")`);
  const categories = features.filter((f) => f.type === 'category').map((f) => f.name);
  if (categories.length > 0) {
    review.push(`categories of ${categories.join(', ')} are the values seen in the data; any other value is refused (unknownCategory: "reject")`);
  }
  return { features, layout: 'per-column', review };
}

function singleTensor(input: TensorInput, profile: CsvProfile | undefined, targets: readonly string[], signature: OnnxSignature): FeatureMapping {
  const review: string[] = [];
  if (!FLOAT_TYPES.has(input.elementType)) {
    throw new InitError(`the model's only input "${input.name}" is ${input.elementType}; a single [N, F] input must be float32 or float64`);
  }
  const width = tensorWidth(input);
  let features: SpecFeature[];
  if (profile === undefined) {
    if (width === undefined) {
      throw new InitError(`the model's input "${input.name}" does not fix its width (shape ${JSON.stringify(input.shape)}); pass --data and --target so the features come from the CSV header`);
    }
    features = Array.from({ length: width }, (_, i) => ({ name: `feature_${i}`, type: 'number', missing: 'reject' }));
    review.push(`features are named feature_0 ... feature_${width - 1} (no --data): rename them and set their types`);
  } else {
    const columns = profile.columns.filter((c) => !targets.includes(c.name));
    if (width !== undefined && width !== columns.length) {
      throw new InitError(
        `the model's input "${input.name}" takes ${width} columns but ${columns.length} columns of the data are not the target ` +
          `(${columns.map((c) => c.name).join(', ')}); pass --target (every target, comma-separated, for a multi-output regression: --target a,b,c), ` +
            "or a CSV with exactly the model's features and the target",
      );
    }
    features = columns.map((c) => numericFeature(c, input, undefined, signature.imputes, review));
    review.push(`the ${columns.length} columns feed "${input.name}" in the CSV's header order: check that this is the order the model was trained on`);
  }
  if (signature.operators.includes('Scaler')) {
    review.push('the graph has a Scaler node, so it scales its own input: no "scale" written');
  } else {
    review.push(
      `no "scale" written: init cannot tell whether "${input.name}" expects raw or standardized values; if the model was trained on ` +
        'standardized features, add "scale": {"mean", "std"} to each feature (the training mean and population std)',
    );
  }
  return { tensor: input.name, features, layout: 'single-tensor', review };
}

/** Up to three columns closest to an input's name, compared as exporters spell names (within half the length). */
function closestColumns(input: string, header: readonly string[]): string[] {
  const key = exporterKey(input);
  return header
    .map((column, order) => {
      const other = exporterKey(column);
      const limit = Math.max(2, Math.floor(Math.max(other.length, key.length) / 2));
      return { column, order, distance: editDistance(key, other, limit), limit };
    })
    .filter((c) => c.distance <= c.limit)
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, 3)
    .map((c) => c.column);
}

/**
 * Maps the model's inputs to features.
 * @throws InitError when the inputs fit neither layout, naming the inputs and the columns
 */
export function mapFeatures(signature: OnnxSignature, profile: CsvProfile | undefined, targets: readonly string[]): FeatureMapping {
  const inputs = tensorInputs(signature);
  if (inputs.length === 0) throw new InitError('the model has no inputs');
  const header = profile?.header.filter((h) => !targets.includes(h)) ?? [];
  const matched = matchColumns(inputs, header);
  if (profile !== undefined && matched.size === inputs.length && (inputs.length > 1 || tensorWidth(inputs[0]) === 1)) {
    return perColumn(inputs, profile, targets, signature.imputes, matched);
  }
  if (inputs.length === 1) return singleTensor(inputs[0], profile, targets, signature);
  const intro = `the model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}), so each needs a CSV column of the same name`;
  if (profile === undefined) throw new InitError(`${intro}; pass --data with such a CSV`);
  const unmatched = inputs.filter((i) => !matched.has(i.name)).map((i) => {
    const close = closestColumns(i.name, header);
    return `"${i.name}" (${close.length === 0 ? 'no column is close' : `closest: ${close.map((c) => `"${c}"`).join(', ')}`})`;
  });
  throw new InitError(
    `${intro}, or one whose name differs only by characters exporters replace; no column of the data matches ` +
      `${unmatched.length === 1 ? 'the input' : `${unmatched.length} inputs`} ${unmatched.join(', ')}. Rename the column in the CSV to the input's name.`,
  );
}

function probeValues(feature: SpecFeature, column: ColumnProfile | undefined, rows: number): Array<number | string> {
  if (feature.type === 'category') {
    const categories = feature.categories ?? [''];
    return Array.from({ length: rows }, (_, r) => categories[r % categories.length]);
  }
  const mean = column?.mean ?? 0;
  const std = column?.std ?? 1;
  const spread = [mean, mean - std, mean + std, column?.min ?? -1, column?.max ?? 1];
  return Array.from({ length: rows }, (_, r) => spread[r % spread.length]);
}

/** A probe batch of five rows: each number at its mean, mean ± std, min and max; each category cycling its values. */
export function probeFeeds(signature: OnnxSignature, mapping: FeatureMapping, profile: CsvProfile | undefined): ProbeFeed[] {
  const rows = 5;
  return tensorInputs(signature).map((input) => {
    const features = mapping.features.filter((f) => (f.tensor ?? mapping.tensor) === input.name);
    const columns = features.map((f) => probeValues(f, profile?.columns.find((c) => c.name === f.name), rows));
    return {
      name: input.name,
      elementType: input.elementType,
      rank: input.shape?.length === 1 ? 1 : 2,
      rows: Array.from({ length: rows }, (_, r) => columns.map((c) => c[r])),
    };
  });
}
