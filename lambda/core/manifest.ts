/**
 * The model manifest (`model.json`, next to `model.onnx`): what the model expects and returns.
 *
 * It is read by the runtime (to validate and prepare every request) and by the stack at synth (to refuse a
 * manifest that does not fit its model before anything is deployed).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues } from './issues';

export { formatPath, formatValue } from './issues';

/** Model names become URL path segments and S3 key prefixes: lower-case DNS-label style. */
export const MODEL_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Feature names are JSON keys and CSV header cells. */
export const FEATURE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const scaleSchema = z.strictObject({
  /** Training mean: the runtime sends `(x - mean) / std` to the model. */
  mean: finite(),
  /** Training standard deviation; must be > 0. */
  std: finite().refine((v) => v > 0, { message: 'must be greater than 0' }),
});

const missingSchema = z.union(
  [z.literal('reject'), z.literal('mean'), z.strictObject({ constant: finite() })],
  // zod's own union message ("Invalid input") does not say what is allowed.
  { message: 'expected "reject", "mean" or {"constant": <a finite number>}' },
);

const featureSchema = z
  .strictObject({
    name: z.string().regex(FEATURE_NAME_PATTERN, {
      message: `must match ${FEATURE_NAME_PATTERN} (a letter or _, then letters, digits, _ . -; at most 128)`,
    }),
    /** `number`: any finite number; `integer`: a whole number; `boolean`: true/false, sent to the model as 1/0. */
    type: z.enum(['number', 'integer', 'boolean']).default('number'),
    description: z.string().optional(),
    /** Smallest allowed raw value (before scaling), inclusive. */
    min: finite().optional(),
    /** Largest allowed raw value (before scaling), inclusive. */
    max: finite().optional(),
    /** Standard scaling applied by the runtime. */
    scale: scaleSchema.optional(),
    /** Training mean of the raw feature, used by `missing: "mean"`; defaults to `scale.mean`. */
    mean: finite().optional(),
    /** What to do when the feature is absent or null: reject the instance, or fill it. */
    missing: missingSchema.default('reject'),
  })
  .superRefine((feature, ctx) => {
    if (feature.missing === 'mean' && feature.mean === undefined && feature.scale === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['missing'],
        input: feature.missing,
        message: 'is "mean" but the feature has neither "mean" nor "scale.mean" to fill with',
      });
    }
    if (feature.min !== undefined && feature.max !== undefined && feature.min > feature.max) {
      ctx.addIssue({
        code: 'custom',
        path: ['min'],
        input: feature.min,
        message: `must not be greater than max (${feature.max})`,
      });
    }
  });

const inputSchema = z
  .strictObject({
    /** Name of the model's input tensor (float32, shape [batch, features]). */
    tensor: z.string().min(1),
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
  });

const labelsSchema = z
  .array(z.string().min(1))
  .superRefine((labels, ctx) => {
    const duplicate = labels.find((label, index) => labels.indexOf(label) !== index);
    if (duplicate !== undefined) {
      ctx.addIssue({ code: 'custom', input: duplicate, message: `must be unique; "${duplicate}" repeats` });
    }
  });

const classificationOutput = (labelCount: { min: number; max?: number }) =>
  z.strictObject({
    /** Name of the output tensor holding per-class probabilities, shape [batch, labels]. */
    probabilities: z.string().min(1),
    /** Class labels, in the order of the probability tensor's columns. */
    labels: labelsSchema
      .refine((labels) => labels.length >= labelCount.min, {
        message: `must list at least ${labelCount.min} labels`,
      })
      .refine((labels) => labelCount.max === undefined || labels.length <= labelCount.max, {
        message: `must list exactly ${labelCount.max} labels`,
      }),
  });

const regressionOutput = z.strictObject({
  /** Name of the output tensor holding the predicted value, shape [batch] or [batch, 1]. */
  value: z.string().min(1),
});

// --- evaluation (issue 11): read by `modelstack evaluate` and the promotion gate, not by the runtime ---
const metricFloors = z.record(z.string(), finite());

const evaluationSchema = z.strictObject({
  /** Labelled CSV (path relative to the manifest) with a header row of feature names plus the target column. */
  data: z.string().min(1),
  /** Name of the target column in `data`. */
  target: z.string().min(1),
  /** Training CSV (path relative to the manifest) with the target column: the trivial baseline's majority class or mean. */
  training: z.string().min(1).optional(),
  /** Metric floors the model must reach, e.g. `{ "accuracy": 0.95 }` or `{ "rmse": 60 }` (a ceiling for errors). */
  minimum: metricFloors.optional(),
  /** Per-class floors, e.g. `{ "malignant": { "recall": 0.95 } }` (precision, recall, f1). */
  minimumPerClass: z.record(z.string(), metricFloors).optional(),
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

/** Raised when a manifest is invalid; `problems` lists every problem found, each naming its JSON path. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid model manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}

/** Validates a parsed `model.json`; throws {@link ManifestError} listing every problem. */
export function parseManifest(json: unknown, source = 'model.json'): Manifest {
  const result = ManifestSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, json);
  throw new ManifestError(source, problems);
}

/** Reads and validates a manifest file. */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(path, [`is not valid JSON: ${(error as Error).message}`]);
  }
  return parseManifest(json, path);
}

/** Names of the output tensors the manifest reads. */
export function outputTensorNames(manifest: Manifest): string[] {
  return manifest.task === 'regression' ? [manifest.output.value] : [manifest.output.probabilities];
}
