/**
 * The `platform: { type: 'sagemaker', ... }` block of an environment: a SageMaker endpoint on instances or
 * serverless. Combinations SageMaker refuses fail here, naming both fields.
 */
import { z } from 'zod';
import { DEFAULT_MAX_BATCH_SIZE, MAX_BATCH_SIZE_LIMIT } from '../lambda/core/runtime-config';
import { SERVERLESS_MEMORY_MIB } from '../lib/sagemaker/variants';
import { NetworkSchema } from './network-schema';

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
        /** Memory per container (MiB): one of SageMaker's sizes, 1024 to 6144 in steps of 1024. */
        memorySizeMiB: int(Math.min(...SERVERLESS_MEMORY_MIB), Math.max(...SERVERLESS_MEMORY_MIB))
          .refine((mib) => SERVERLESS_MEMORY_MIB.includes(mib), { message: `must be one of ${SERVERLESS_MEMORY_MIB.join(', ')} (1 GB steps)` })
          .default(2048),
        /** Most concurrent invocations. */
        maxConcurrency: int(1, 200).default(10),
        /** Containers kept warm; at most `maxConcurrency`. */
        provisionedConcurrency: int(1, 200).optional(),
      })
      .optional(),
    /** Application Auto Scaling of the instance variant (target tracking on invocations per instance). */
    autoScaling: z
      .strictObject({
        /** Fewest instances; at most `instance.initialCount`. */
        minCapacity: int(1, 1000).default(1),
        /** Most instances; at least `instance.initialCount`. */
        maxCapacity: int(1, 1000),
        /** Requests per second one instance serves at acceptable latency (measure with `npm run bench`). */
        maxRequestsPerSecondPerInstance: z.number().positive(),
        /** Fraction of that rate to aim for (headroom while instances start). */
        safetyFactor: z.number().gt(0).max(1).default(0.5),
        scaleInCooldownSeconds: int(0, 3600).default(300),
        scaleOutCooldownSeconds: int(0, 3600).default(60),
        /** Capacity limits on a schedule (UTC), e.g. a smaller ceiling at night. */
        schedules: z
          .array(
            z.strictObject({
              name: z.string().regex(/^[A-Za-z0-9]{1,64}$/, { message: 'must be 1-64 letters or digits' }),
              /** An Application Auto Scaling schedule: `cron(...)`, `rate(...)` or `at(...)`. */
              schedule: z.string().regex(/^(cron|rate|at)\(.+\)$/, { message: "must be 'cron(...)', 'rate(...)' or 'at(...)'" }),
              minCapacity: int(0, 1000).optional(),
              maxCapacity: int(1, 1000).optional(),
            }),
          )
          .default([]),
      })
      .optional(),
    /** Guarded rollout of endpoint updates, rolled back by the 5XX-rate and p99-latency alarms. */
    deployment: z
      .strictObject({
        /** Blue/green all-at-once, canary or linear; or a rolling update (instances only). */
        strategy: z.enum(['all-at-once', 'canary', 'linear', 'rolling']).default('canary'),
        /** Canary size (1-50), linear step (10-50) or rolling batch (5-50), percent of the fleet. */
        stepPercent: int(1, 50).default(10),
        /** Baking time per step (seconds). */
        waitSeconds: int(0, 3600).default(300),
        /** How long the old fleet is kept after the shift (seconds, blue/green). */
        terminationWaitSeconds: int(0, 3600).default(300),
        /** Longest the whole update may take (seconds); longer than its waits. */
        maxExecutionSeconds: int(600, 28800).default(3600),
        /** 5XX responses, percent of invocations per minute, that roll back. */
        rollbackErrorRatePercent: z.number().gt(0).max(100).default(1),
        /** p99 model latency (ms) that rolls back. */
        rollbackP99LatencyMs: int(1, 60000).default(1000),
      })
      .optional(),
    /** Private subnets of a VPC for the model's network interfaces (config/network-schema.ts). Instances only. Unset: SageMaker's network. */
    network: NetworkSchema.optional(),
    /** Most instances one request may carry (413 above). */
    maxBatchSize: int(1, MAX_BATCH_SIZE_LIMIT).default(DEFAULT_MAX_BATCH_SIZE),
    /**
     * Dynamic batching in the container: the predictions of one event-loop turn share one `session.run` (more
     * requests per second under concurrent load). `false` runs every request alone, so a row's answer never depends
     * on other traffic (in a batch, a matrix product may differ in the last bit of a float32). Unset: on.
     */
    dynamicBatching: z.boolean().optional(),
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
    if (serverless !== undefined && platform.autoScaling !== undefined) {
      issue(['autoScaling'], platform.autoScaling, 'cannot be combined with serverless (serverless scales by maxConcurrency)');
    }
    if (serverless !== undefined && platform.deployment?.strategy === 'rolling') {
      issue(['deployment', 'strategy'], 'rolling', 'must not be "rolling" with serverless: SageMaker rolls only instance variants');
    }
    if (serverless !== undefined && platform.network !== undefined) {
      issue(['network'], platform.network, 'cannot be combined with serverless (SageMaker Serverless Inference cannot run in a VPC)');
    }
    const scaling = platform.autoScaling;
    if (scaling !== undefined && platform.instance !== undefined) {
      const initial = platform.instance.initialCount;
      if (scaling.minCapacity > initial) issue(['autoScaling', 'minCapacity'], scaling.minCapacity, `must be at most instance.initialCount (${initial}): 1 <= min <= initial <= max`);
      if (scaling.maxCapacity < initial) issue(['autoScaling', 'maxCapacity'], scaling.maxCapacity, `must be at least instance.initialCount (${initial}): 1 <= min <= initial <= max`);
      if (/^ml\.t\d/.test(platform.instance.type)) {
        issue(['instance', 'type'], platform.instance.type, 'must not be a burstable ml.t* type with autoScaling: once CPU credits run out the slowdown reads as load');
      }
    }
    const step = platform.deployment;
    if (step?.strategy === 'linear' && step.stepPercent < 10) issue(['deployment', 'stepPercent'], step.stepPercent, 'must be 10-50 with strategy "linear"');
    if (step?.strategy === 'rolling' && step.stepPercent < 5) issue(['deployment', 'stepPercent'], step.stepPercent, 'must be 5-50 with strategy "rolling"');
    if (serverless !== undefined && platform.maxPayloadBytes !== undefined && platform.maxPayloadBytes > 4 * 1024 * 1024) {
      issue(['maxPayloadBytes'], platform.maxPayloadBytes, 'must be at most 4194304 with serverless (SageMaker Serverless Inference accepts 4 MB)');
    }
  });

export type SageMakerPlatformConfig = z.output<typeof SageMakerPlatformSchema>;
