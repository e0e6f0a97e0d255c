/**
 * The `platform: { type: 'sagemaker', ... }` block of an environment: a SageMaker endpoint on instances or
 * serverless. Combinations SageMaker refuses fail here, naming both fields.
 */
import { z } from 'zod';
import { DEFAULT_MAX_BATCH_SIZE } from '../lambda/core/runtime-config';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const SageMakerPlatformSchema = z
  .strictObject({
    type: z.literal('sagemaker'),
    /** Dedicated instances. Exactly one of `instance` and `serverless`. */
    instance: z
      .strictObject({
        /** Hosting instance type, `ml.<family>.<size>`. */
        type: z.string().regex(/^ml\.[a-z0-9-]+\.[a-z0-9]+$/, { message: "must be a SageMaker instance type such as 'ml.c6i.large'" }).default('ml.c6i.large'),
        /** Instances at creation. */
        initialCount: int(1, 100).default(1),
      })
      .optional(),
    /** SageMaker Serverless Inference. Exactly one of `instance` and `serverless`. */
    serverless: z
      .strictObject({
        /** Memory per container (MiB): 1024 to 6144 in steps of 1024. */
        memorySizeMiB: int(1024, 6144).multipleOf(1024, { message: 'must be a multiple of 1024 (1 GB steps)' }).default(2048),
        /** Most concurrent invocations. */
        maxConcurrency: int(1, 200).default(10),
        /** Containers kept warm; at most `maxConcurrency`. */
        provisionedConcurrency: int(1, 200).optional(),
      })
      .optional(),
    /** Most instances one request may carry (413 above). */
    maxBatchSize: int(1, 100000).default(DEFAULT_MAX_BATCH_SIZE),
    /** Largest request body (bytes); at most 6 MB real-time, 4 MB serverless. */
    maxPayloadBytes: int(1024, 6 * 1024 * 1024).optional(),
    /** How long the endpoint's logs are kept (days). */
    logRetentionDays: z
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), { message: `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')}` })
      .default(30),
  })
  .superRefine((platform, ctx) => {
    const issue = (path: Array<string | number>, input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
    if (platform.instance !== undefined && platform.serverless !== undefined) {
      issue(['serverless'], platform.serverless, 'cannot be combined with instance: choose instance or serverless');
    }
    if (platform.instance === undefined && platform.serverless === undefined) {
      issue(['instance'], undefined, 'is required unless serverless is set: choose instance or serverless');
    }
    const serverless = platform.serverless;
    if (serverless?.provisionedConcurrency !== undefined && serverless.provisionedConcurrency > serverless.maxConcurrency) {
      issue(['serverless', 'provisionedConcurrency'], serverless.provisionedConcurrency, `must be at most serverless.maxConcurrency (${serverless.maxConcurrency})`);
    }
    if (serverless !== undefined && platform.maxPayloadBytes !== undefined && platform.maxPayloadBytes > 4 * 1024 * 1024) {
      issue(['maxPayloadBytes'], platform.maxPayloadBytes, 'must be at most 4194304 with serverless (SageMaker Serverless Inference accepts 4 MB)');
    }
  });

export type SageMakerPlatformConfig = z.output<typeof SageMakerPlatformSchema>;
