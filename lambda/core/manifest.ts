/**
 * The model manifest (`model.json`, next to `model.onnx`): what the model expects and returns.
 *
 * It is read by the runtime (to validate and prepare every request) and by the stack at synth (to refuse a
 * manifest that does not fit its model before anything is deployed).
 */
import { z } from 'zod';
import { FEATURE_NAME_PATTERN, FEATURE_NAME_RULE } from './feature-names';
import { describeIssues } from './issues';
import { ManifestError } from './manifest-error';
import { readManifestText } from './manifest-file';

export { formatPath, formatValue } from './issues';
export { FEATURE_NAME_PATTERN } from './feature-names';
export { ManifestError } from './manifest-error';
export { outputTensorNames, regressionTargets } from './manifest-outputs';

/** Model names become URL path segments and S3 key prefixes: lower-case DNS-label style. */
export const MODEL_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const scaleSchema = z.strictObject({
  /** Training mean: the runtime sends `(x - mean) / std` to the model. */
  mean: finite(),
  /** Training standard deviation; must be > 0. */
  std: finite().refine((v) => v > 0, { message: 'must be greater than 0' }),
});

const missingSchema = z.union(
  [
    z.literal('reject'),
    z.literal('mean'),
    z.literal('passthrough'),
    z.strictObject({ constant: z.union([finite(), z.string()]) }),
  ],
  // zod's own union message ("Invalid input") does not say what is allowed.
  { message: 'expected "reject", "mean", "passthrough" or {"constant": <a finite number, or a category>}' },
);

const unknownCategorySchema = z.union([z.literal('reject'), z.strictObject({ map: z.string() })], {
  message: 'expected "reject" or {"map": <one of the categories>}',
});

const categoriesSchema = z
  .array(z.string().min(1))
  .min(1)
  .superRefine((values, ctx) => {
    const duplicate = values.find((value, index) => values.indexOf(value) !== index);
    if (duplicate !== undefined) {
      ctx.addIssue({ code: 'custom', input: duplicate, message: `must be unique; "${duplicate}" repeats` });
    }
  });

const featureSchema = z
  .strictObject({
    /** The column's name as the data has it: a JSON key, a CSV header cell. */
    name: z.string().regex(FEATURE_NAME_PATTERN, { message: `must be ${FEATURE_NAME_RULE}` }),
    /**
     * `number`: any finite number; `integer`: a whole number; `boolean`: true/false, sent to the model as 1/0;
     * `category`: one of `categories`, encoded per `encoding`.
     */
    type: z.enum(['number', 'integer', 'boolean', 'category']).default('number'),
    description: z.string().optional(),
    /** The model input this feature feeds; default `input.tensor`. */
    tensor: z.string().min(1).optional(),
    /** Smallest allowed raw value (before scaling), inclusive. */
    min: finite().optional(),
    /** Largest allowed raw value (before scaling), inclusive. */
    max: finite().optional(),
    /** Standard scaling applied by the runtime. */
    scale: scaleSchema.optional(),
    /** Training mean of the raw feature, used by `missing: "mean"`; defaults to `scale.mean`. */
    mean: finite().optional(),
    /** Category features: the allowed values. */
    categories: categoriesSchema.optional(),
    /**
     * Category features: `one-hot` (K float columns in `categories` order), `ordinal` (the 0-based index) or
     * `string` (the value itself, into a string tensor). Default: `string` for a string tensor, else `one-hot`.
     */
    encoding: z.enum(['one-hot', 'ordinal', 'string']).optional(),
    /** Category features: a value not in `categories` is refused (`reject`, the default) or sent as `map`. */
    unknownCategory: unknownCategorySchema.optional(),
    /** What to do when the feature is absent or null: reject the instance, fill it, or pass the model's marker. */
    missing: missingSchema.default('reject'),
    /**
     * Whether the feature's value is kept in captured prediction records (when inputs are captured). `false` leaves
     * it out of every stored record, for a value that must not be stored (personal data).
     */
    capture: z.boolean().optional(),
  })
  .superRefine((feature, ctx) => {
    const issue = (path: string, input: unknown, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], input, message });
    };
    if (feature.min !== undefined && feature.max !== undefined && feature.min > feature.max) {
      issue('min', feature.min, `must not be greater than max (${feature.max})`);
    }
    const { missing } = feature;
    const constant = typeof missing === 'object' ? missing.constant : undefined;
    if (feature.type !== 'category') {
      for (const key of ['categories', 'encoding', 'unknownCategory'] as const) {
        if (feature[key] !== undefined) issue(key, feature[key], 'is allowed only with "type": "category"');
      }
      if (missing === 'mean' && feature.mean === undefined && feature.scale === undefined) {
        issue('missing', missing, 'is "mean" but the feature has neither "mean" nor "scale.mean" to fill with');
      }
      if (typeof constant === 'string') {
        issue('missing', missing, `has a string constant; a ${feature.type} feature takes {"constant": <a number>}`);
      } else if (constant !== undefined && feature.type === 'integer' && !Number.isInteger(constant)) {
        issue('missing', missing, 'has a constant that is not a whole number; an integer feature takes a whole number');
      } else if (constant !== undefined && feature.type === 'boolean' && constant !== 0 && constant !== 1) {
        issue('missing', missing, 'has a constant other than 0 or 1; a boolean feature takes 0 (false) or 1 (true)');
      }
      return;
    }
    for (const key of ['min', 'max', 'scale', 'mean'] as const) {
      if (feature[key] !== undefined) {
        issue(key, feature[key], 'applies to number, integer and boolean features only; a category has none');
      }
    }
    const categories = feature.categories;
    if (categories === undefined) {
      issue('categories', undefined, 'is required with "type": "category": list the allowed values');
      return;
    }
    const allowed = `one of the categories: ${categories.map((c) => JSON.stringify(c)).join(', ')}`;
    if (missing === 'mean') {
      issue('missing', missing, 'is "mean" but a category has no mean; use {"constant": <a category>} or "passthrough"');
    } else if (constant !== undefined && (typeof constant !== 'string' || !categories.includes(constant))) {
      issue('missing', missing, `has a constant that is not a category; expected ${allowed}`);
    }
    const unknown = feature.unknownCategory;
    if (typeof unknown === 'object' && !categories.includes(unknown.map)) {
      issue('unknownCategory', unknown, `maps to a value that is not a category; expected ${allowed}`);
    }
  });

const inputSchema = z
  .strictObject({
    /** The default model input: the one every feature that names no `tensor` feeds. */
    tensor: z.string().min(1).optional(),
    /** Features in the order the model expects them. */
    features: z.array(featureSchema).min(1, { message: 'must list at least one feature' }),
    /** What to do with fields that are not features: `reject` the instance (default) or `ignore` them. */
    unknownFields: z.enum(['reject', 'ignore']).default('reject'),
    /** Accept numeric strings such as "3.5" for number features. */
    coerceNumericStrings: z.boolean().default(false),
  })
  .superRefine((input, ctx) => {
    const seen = new Map<string, number>();
    input.features.forEach((feature, index) => {
      const first = seen.get(feature.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['features', index, 'name'],
          input: feature.name,
          message: `duplicates features[${first}].name`,
        });
      } else {
        seen.set(feature.name, index);
      }
    });
    const untargeted = input.features.findIndex((feature) => feature.tensor === undefined);
    if (input.tensor === undefined && untargeted >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['tensor'],
        input: input.tensor,
        message: `is required: features[${untargeted}] ("${input.features[untargeted].name}") names no "tensor" of its own`,
      });
    }
    // A string tensor holds strings only: a string-encoded category cannot share a tensor with numeric columns.
    const text = new Map<string, number>();
    const numeric = new Map<string, number>();
    input.features.forEach((feature, index) => {
      const tensor = feature.tensor ?? input.tensor ?? '';
      if (feature.encoding === 'string') {
        if (!text.has(tensor)) text.set(tensor, index);
      } else if (feature.type !== 'category' || feature.encoding !== undefined) {
        if (!numeric.has(tensor)) numeric.set(tensor, index);
      }
    });
    for (const [tensor, index] of text) {
      const other = numeric.get(tensor);
      if (other === undefined) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['features', index, 'encoding'],
        input: 'string',
        message:
          `puts strings into tensor "${tensor}", which features[${other}] fills with numbers; ` +
          'give the string features a string tensor of their own',
      });
    }
  });

const labelsSchema = z
  .array(z.string().min(1))
  .superRefine((labels, ctx) => {
    const duplicate = labels.find((label, index) => labels.indexOf(label) !== index);
    if (duplicate !== undefined) {
      ctx.addIssue({ code: 'custom', input: duplicate, message: `must be unique; "${duplicate}" repeats` });
    }
  });

/** Where a classifier's scores come from: exactly one of these output fields names a tensor. */
const SCORE_FIELDS = ['probabilities', 'logits', 'positiveProbability'] as const;

const classificationOutput = (labelCount: { min: number; max?: number }) =>
  z
    .strictObject({
      /** Name of the output tensor holding per-class probabilities, shape [batch, labels]. */
      probabilities: z.string().min(1).optional(),
      /** Name of the output tensor holding raw scores, turned into probabilities by `activation`. */
      logits: z.string().min(1).optional(),
      /**
       * With `logits`: `softmax` over [batch, labels] scores, or `sigmoid` of one column ([batch] or [batch, 1]),
       * the score of labels[1].
       */
      activation: z.enum(['softmax', 'sigmoid']).optional(),
      /** Name of the output tensor holding the probability of labels[1] (binary), shape [batch] or [batch, 1]. */
      positiveProbability: z.string().min(1).optional(),
      /**
       * The model's own label tensor (int64: an index into `labels`; string: one of `labels`), used as the
       * predicted label instead of the argmax.
       */
      label: z.string().min(1).optional(),
      /** Class labels, in the order of the probability tensor's columns. */
      labels: labelsSchema
        .refine((labels) => labels.length >= labelCount.min, {
          message: `must list at least ${labelCount.min} labels`,
        })
        .refine((labels) => labelCount.max === undefined || labels.length <= labelCount.max, {
          message: `must list exactly ${labelCount.max} labels`,
        }),
    })
    .superRefine((output, ctx) => {
      const given = SCORE_FIELDS.filter((field) => output[field] !== undefined);
      if (given.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: given.length === 0 ? [] : [given[1]],
          input: given.length === 0 ? output : output[given[1]],
          message:
            given.length === 0
              ? 'must name the scores: one of "probabilities", "logits" (with "activation") or "positiveProbability"'
              : `cannot have both "${given[0]}" and "${given[1]}"; name exactly one score tensor`,
        });
      }
      if (output.logits !== undefined && output.activation === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['activation'],
          input: undefined,
          message: 'is required with "logits": "softmax" (scores of every label) or "sigmoid" (one score, of labels[1])',
        });
      }
      if (output.logits === undefined && output.activation !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['activation'],
          input: output.activation,
          message: 'applies to "logits" only; "probabilities" and "positiveProbability" are used as they are',
        });
      }
      const binaryOnly =
        output.positiveProbability !== undefined ? 'positiveProbability' : output.activation === 'sigmoid' ? 'activation' : undefined;
      if (binaryOnly !== undefined && output.labels.length !== 2) {
        ctx.addIssue({
          code: 'custom',
          path: ['labels'],
          input: output.labels,
          message: `must list exactly 2 labels (negative, positive) with ${binaryOnly === 'activation' ? '"activation": "sigmoid"' : '"positiveProbability"'}`,
        });
      }
      if (output.positiveProbability !== undefined && output.label !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['label'],
          input: output.label,
          message: 'applies to "probabilities" and "logits" only; with "positiveProbability" the label is the likelier class',
        });
      }
    });

const regressionOutput = z.strictObject({
  /**
   * Name of the output tensor holding the predicted value: shape [batch] or [batch, 1], or [batch, targets] with
   * `targets`.
   */
  value: z.string().min(1),
  /**
   * Multi-output regression: the name of each of the tensor's columns, in column order (at least 2, distinct).
   * Each prediction is then `{"values": {name: number}}` instead of `{"value": number}`.
   * @default one target: the tensor holds one value per instance
   */
  targets: z
    .array(z.string().min(1))
    .min(2, { message: 'must name at least 2 targets (leave targets out for a single-target regression)' })
    .refine((names) => new Set(names).size === names.length, { message: 'must not repeat a name' })
    .optional(),
});

// --- evaluation: read by `modelstack evaluate` and the promotion gate, not by the runtime ---
const metricFloors = z.record(z.string(), finite());

const evaluationSchema = z.strictObject({
  /** Labelled CSV (path relative to the manifest) with a header row of feature names plus the target column. */
  data: z.string().min(1),
  /** Name of the target column in `data` (a multi-output regression: its targets, comma-separated, as `output.targets`). */
  target: z.string().min(1),
  /** Training CSV (path relative to the manifest) with the target column: the trivial baseline's majority class or mean. */
  training: z.string().min(1).optional(),
  /** Metric floors the model must reach, e.g. `{ "accuracy": 0.95 }` or `{ "rmse": 60 }` (a ceiling for errors). */
  minimum: metricFloors.optional(),
  /** Per-class floors, e.g. `{ "malignant": { "recall": 0.95 } }` (precision, recall, f1). */
  minimumPerClass: z.record(z.string(), metricFloors).optional(),
  /** Multi-output regression: floors per target, e.g. `{ "Weight": { "r2": 0.2 }, "Pulse": { "mae": 8 } }` (mae, rmse, r2, mape). */
  minimumPerTarget: z.record(z.string(), metricFloors).optional(),
  /** Floors per slice column, applied to every value of the column (`--slice-by` or `slices` below). */
  slices: z
    .record(z.string(), z.strictObject({ minimum: metricFloors.optional(), minimumPerClass: z.record(z.string(), metricFloors).optional() }))
    .optional(),
  /** The model this one replaces (a model directory or its `evaluation.json`, relative to the manifest). */
  baseline: z.string().optional(),
  /** How much worse than `baseline` on the key metric still counts as "not worse". @default 0.01 */
  tolerance: finite().refine((v) => v >= 0, { message: 'must be 0 or more' }).optional(),
  /** The key metric for baselines and ranking. @default macroF1 (classification), rmse (regression) */
  metric: z.string().optional(),
  /** Largest share (0-1) of rows the runtime may reject before the evaluation fails. @default 0 */
  maxRejectedShare: finite().refine((v) => v >= 0 && v <= 1, { message: 'must be between 0 and 1' }).optional(),
  /** Binary models: the label ROC AUC, PR AUC and calibration are about. @default the first label */
  positiveLabel: z.string().min(1).optional(),
});
// --- end evaluation ---

const common = {
  /** Manifest format version. */
  schemaVersion: z.literal(1).default(1),
  name: z.string().regex(MODEL_NAME_PATTERN, {
    message: 'must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit',
  }),
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, { message: 'must be a semantic version such as 1.2.0' }),
  description: z.string().optional(),
  input: inputSchema,
  evaluation: evaluationSchema.optional(),
};

export const ManifestSchema = z.discriminatedUnion('task', [
  z.strictObject({ ...common, task: z.literal('binary-classification'), output: classificationOutput({ min: 2, max: 2 }) }),
  z.strictObject({ ...common, task: z.literal('multiclass-classification'), output: classificationOutput({ min: 2 }) }),
  z.strictObject({ ...common, task: z.literal('regression'), output: regressionOutput }),
]);

/** A validated manifest, with defaults applied. */
export type Manifest = z.output<typeof ManifestSchema>;
/** A manifest as written in `model.json` (defaults may be omitted). */
export type ManifestInput = z.input<typeof ManifestSchema>;
export type Feature = Manifest['input']['features'][number];
export type Task = Manifest['task'];
export type ClassificationManifest = Extract<Manifest, { task: 'binary-classification' | 'multiclass-classification' }>;
export type RegressionManifest = Extract<Manifest, { task: 'regression' }>;

/** Validates a parsed `model.json`; throws {@link ManifestError} listing every problem. */
export function parseManifest(json: unknown, source = 'model.json'): Manifest {
  const result = ManifestSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, json, '', ManifestSchema);
  throw new ManifestError(source, problems);
}

/**
 * Parses and validates a manifest's text.
 * @throws ManifestError when it is not JSON or not a valid manifest
 */
export function parseManifestText(text: string, source = 'model.json'): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(source, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseManifest(json, source);
}

/** Reads and validates a manifest file. */
export async function readManifest(path: string): Promise<Manifest> {
  return parseManifestText(await readManifestText(path), path);
}
