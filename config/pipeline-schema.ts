/**
 * The optional `pipeline` block: a delivery pipeline (CDK Pipelines) that takes a model from a commit to
 * production through the gates modelstack has: build and tests, the evaluation gate against production,
 * staging with verify, a manual approval before each environment, production with verify.
 */
import { z } from 'zod';
import { describeIssues } from '../lambda/core/issues';
import { ENVIRONMENT_NAME_PATTERN } from './schema';

const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const email = z.email({ message: 'must be an email address' });

export const PipelineSchema = z.strictObject({
  /** ARN of the CodeStar (CodeConnections) connection to the repository host, created and authorized once in the console. */
  connectionArn: z.string().regex(CONNECTION_ARN, { message: 'must be a CodeStar connection ARN such as arn:aws:codestar-connections:eu-west-1:123456789012:connection/<uuid>' }),
  /** The repository as `owner/name`. */
  repository: z.string().regex(REPOSITORY, { message: 'must be "owner/name"' }),
  /** Branch whose commits start the pipeline. */
  branch: z.string().min(1).default('main'),
  /** AWS account of the pipeline stack. Unset: the CLI's account at deploy. */
  account: z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' }).optional(),
  /** AWS region of the pipeline stack. */
  region: z.string().regex(/^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/, { message: 'must be an AWS region such as eu-west-1' }),
  /**
   * The environments the pipeline deploys, in order (for example `["staging", "prod"]`). The last one with
   * protection "production" is the baseline of the evaluation gate.
   */
  stages: z.array(z.string().regex(ENVIRONMENT_NAME_PATTERN, { message: 'must be an environment name' })).min(1),
  /** Who hears of a failed run and of a pending approval. */
  notifications: z.strictObject({ emails: z.array(email).min(1) }),
  /**
   * A model drop (docs/update-flow.md): a zip of model.onnx + model.json (+ evaluation.json) uploaded to this key of
   * the pipeline's drop bucket starts a run with that model. Unset: runs start on commits only.
   */
  modelDrop: z
    .strictObject({
      objectKey: z.string().regex(/^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*\.zip$/, { message: "must be an S3 key ending in .zip (letters, digits, / ! - _ . * ' ( ), not starting with /)" }),
    })
    .optional(),
});

export type PipelineConfigInput = z.input<typeof PipelineSchema>;
export type PipelineConfig = z.output<typeof PipelineSchema>;

/**
 * Validates the `pipeline` block against the environments it names. Throws an Error listing every problem,
 * each naming its field; `undefined` means no pipeline.
 */
export function parsePipelineConfig(raw: unknown, environmentNames: readonly string[]): PipelineConfig | undefined {
  if (raw === undefined) return undefined;
  const result = PipelineSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : describeIssues(result.error.issues, raw, 'pipeline');
  if (result.success) {
    result.data.stages.forEach((stage, index) => {
      if (!environmentNames.includes(stage)) problems.push(`pipeline.stages[${index}]: ${JSON.stringify(stage)} is not a known environment; known: ${environmentNames.join(', ')}`);
      if (result.data.stages.indexOf(stage) !== index) problems.push(`pipeline.stages[${index}]: ${JSON.stringify(stage)} appears twice; each environment is deployed once`);
    });
  }
  if (problems.length > 0) throw new Error(`Invalid modelstack configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return result.data;
}
