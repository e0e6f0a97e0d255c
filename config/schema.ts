/**
 * The typed shape of one deployment environment, validated with zod when the app loads.
 *
 * Plain data (numbers with units in their names) so it can be written by hand, diffed in review and checked
 * before any construct is built. `platform` is a discriminated union so other serving platforms can join
 * without reshaping the rest.
 */
import { z } from 'zod';
import { EnvironmentEvaluationSchema } from './evaluation-schema';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES, FUNCTION_URL_MAX_PAYLOAD_BYTES, MAX_BATCH_SIZE_LIMIT } from '../lambda/core/runtime-config';
import { LAMBDA_MEMORY_SIZE_MIB, LAMBDA_TIMEOUT_SECONDS } from '../lib/lambda-limits';
import { RetrainingSchema } from './retraining-schema';
import { AlarmsSchema, LambdaRolloutSchema, LambdaScalingSchema, refineLambdaCapacity } from './monitoring-schema';
import { BudgetSchema, TrafficSchema } from './cost-schema';
import { NetworkSchema } from './network-schema';
import { SageMakerPlatformSchema } from './sagemaker-schema';
import { batchEngineProblem, BatchSchema } from './batch-schema';
import { CaptureSchema } from './capture-schema';
import { QualitySchema } from './quality-schema';
import { ShadowSchema, shadowProblems } from './shadow-schema';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;


/** Protection levels of an environment (see `protection`). */
export const PROTECTION_LEVELS = ['standard', 'production'] as const;
/** One of {@link PROTECTION_LEVELS}. */
export type Protection = (typeof PROTECTION_LEVELS)[number];

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const retentionDays = z
  .number()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')}`,
  });

export const LambdaPlatformSchema = z.strictObject({
  type: z.literal('lambda'),
  /** CPU architecture. arm64 is cheaper, but onnxruntime has had cpuinfo start-up failures there (onnxruntime#10038). */
  architecture: z.enum(['x86_64', 'arm64']).default('x86_64'),
  /** Memory (MiB); Lambda allocates CPU in proportion. */
  memorySizeMiB: int(LAMBDA_MEMORY_SIZE_MIB.min, LAMBDA_MEMORY_SIZE_MIB.max).default(2048),
  /** Function timeout (seconds); function URLs allow up to 15 minutes. */
  timeoutSeconds: int(LAMBDA_TIMEOUT_SECONDS.min, LAMBDA_TIMEOUT_SECONDS.max).default(30),
  /** Reserved concurrency: caps cost and protects the account's pool. Unset: the unreserved pool. */
  reservedConcurrency: int(1, 10000).optional(),
  /** The account's Lambda "Concurrent executions" quota (Service Quotas L-B99A9384); synth warns when a setting needs more. Unset: a new account's 10. */
  accountConcurrencyQuota: int(10, 1_000_000).optional(),
  /** Most instances one request may carry (413 above). */
  maxBatchSize: int(1, MAX_BATCH_SIZE_LIMIT).default(DEFAULT_MAX_BATCH_SIZE),
  /** Largest request body accepted (bytes; 413 above). At most Lambda's 6 MB payload limit. */
  maxPayloadBytes: int(1024, FUNCTION_URL_MAX_PAYLOAD_BYTES).default(DEFAULT_MAX_PAYLOAD_BYTES),
  /** How long the function's logs are kept (days). */
  logRetentionDays: retentionDays.default(30),
  /** Provisioned concurrency on the live alias with auto scaling (config/monitoring-schema.ts). Unset: none. */
  scaling: LambdaScalingSchema.optional(),
  /** How new versions reach traffic (CodeDeploy). Unset: canary 10% for 5 minutes with protection "production", else all at once. */
  rollout: LambdaRolloutSchema.optional(),
  /** Private subnets of a VPC for the function (config/network-schema.ts). Unset: Lambda's own network. */
  network: NetworkSchema.optional(),
}).superRefine(refineLambdaCapacity);

export const PlatformSchema = z.discriminatedUnion('type', [LambdaPlatformSchema, SageMakerPlatformSchema]);

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

export const EnvironmentSchema = z
  .strictObject({
    /** AWS account id. Unset: environment-agnostic synth (no credentials needed); the CLI's account at deploy. */
    account: z.string().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' }).optional(),
    /** AWS region. */
    region: z.string().regex(/^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d$/, { message: 'must be an AWS region such as eu-west-1' }),
    /** The model to serve. */
    model: z.strictObject({
      /** Folder with `model.onnx` and `model.json`, relative to the project root. */
      directory: z.string().min(1),
    }),
    /** Where the model is served. */
    platform: PlatformSchema,
    /**
     * How carefully the environment is guarded. `production`: stateful resources are retained (validated),
     * the stack is termination-protected, and the evaluation gate and paging apply. Never the environment's name.
     */
    protection: z.enum(PROTECTION_LEVELS).default('standard'),
    /** The promotion gate (`config/evaluation-schema.ts`): on with protection "production" or `required: true`. Unset: off unless production. */
    evaluation: EnvironmentEvaluationSchema,
    /** What happens to stateful resources (bucket, keys, logs) when the stack is deleted. */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    storage: z
      .strictObject({
        /** Days before a replaced model object's old version is deleted. */
        noncurrentVersionExpirationDays: int(1, 3650).default(90),
        /** Days S3 server access logs are kept. */
        accessLogsExpirationDays: int(1, 3650).default(365),
      })
      .prefault({}),
    /** Alarm thresholds, recipients per severity and drift (config/monitoring-schema.ts). */
    alarms: AlarmsSchema.prefault({}),
    /** Retraining signals out as EventBridge events (config/retraining-schema.ts). Unset: none. */
    retraining: RetrainingSchema.optional(),
    // Cost: the budget CostBudget creates and the traffic the estimate prices; see config/cost-schema.ts.
    budget: BudgetSchema.optional(),
    /** Expected traffic, used by cost estimates. */
    traffic: TrafficSchema.prefault({}),
    /** Capture of sampled predictions and ground truth in prediction records (config/capture-schema.ts). Unset: off. */
    capture: CaptureSchema.optional(),
    /** Batch scoring of data sets in S3 (config/batch-schema.ts). Unset: no batch state machine. */
    batch: BatchSchema.optional(),
    /** Live quality and feature drift from prediction records (config/quality-schema.ts). Unset: none. */
    quality: QualitySchema.optional(),
    /** The delivery pipeline's shadow phase on SageMaker real-time (config/shadow-schema.ts). Unset: none. */
    shadow: ShadowSchema.optional(),
    /** Tags applied to every resource. */
    tags: z
      .record(
        z.string().regex(TAG_KEY, { message: 'must be a valid tag key (1-128 letters, digits, spaces, _ . : / = + - @)' }),
        z.string().max(256),
      )
      .default({}),
  })
  .superRefine((env, ctx) => {
    if (env.protection === 'production' && env.removalPolicy !== 'retain') {
      ctx.addIssue({
        code: 'custom',
        path: ['removalPolicy'],
        input: env.removalPolicy,
        message: 'must be "retain" with protection "production", so models and logs outlive the stack',
      });
    }
    const busRegion = env.retraining?.eventBusArn?.split(':')[3];
    if (busRegion !== undefined && busRegion !== env.region) {
      ctx.addIssue({ code: 'custom', path: ['retraining', 'eventBusArn'], input: env.retraining?.eventBusArn, message: `must be a bus in the environment's region ${env.region}: CloudWatch alarm events reach rules in their own region` });
    }
    if (env.capture !== undefined && env.platform.type === 'sagemaker' && env.platform.serverless !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['capture'], input: env.capture, message: 'cannot be combined with a serverless SageMaker platform (SageMaker Serverless Inference does not capture data)' });
    }
    if (env.quality?.enabled === true && env.capture === undefined) {
      ctx.addIssue({ code: 'custom', path: ['quality', 'enabled'], input: true, message: 'needs the environment\'s prediction records (capture): set capture, or set quality.enabled to false' });
    }
    for (const problem of shadowProblems(env)) ctx.addIssue({ code: 'custom', ...problem });
    const engineProblem = batchEngineProblem(env.batch, env.platform.type);
    if (engineProblem !== undefined) ctx.addIssue({ code: 'custom', path: ['batch', 'engine'], input: env.batch?.engine, message: engineProblem });
    for (const key of Object.keys(env.tags)) {
      if (key.toLowerCase().startsWith('aws:')) {
        ctx.addIssue({ code: 'custom', path: ['tags', key], input: key, message: 'tag keys starting with "aws:" are reserved by AWS' });
      }
    }
  });

/** One environment as written in `config/environments.ts` (defaults may be omitted). */
export type EnvironmentConfigInput = z.input<typeof EnvironmentSchema>;
/** One validated environment with defaults applied. */
export type EnvironmentConfig = z.output<typeof EnvironmentSchema>;
export type LambdaPlatformConfig = z.output<typeof LambdaPlatformSchema>;
export type PlatformConfig = z.output<typeof PlatformSchema>;
export type { SageMakerPlatformConfig } from './sagemaker-schema';

/** Environment names are stack-name and tag material. */
export const ENVIRONMENT_NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;
