/**
 * The batch scoring part of an environment's config (`batch`): absent, the environment has no batch state
 * machine. Limits come from lib/batch/batch-limits.ts and the runtime, written once there.
 */
import { z } from 'zod';
import { DEFAULT_ROWS_PER_CHILD } from '../lambda/batch/range-plan';
import {
  DEFAULT_ACCOUNT_CONCURRENCY,
  DEFAULT_BATCH_MAX_CONCURRENCY,
  DISTRIBUTED_MAP_MAX_CONCURRENCY,
  LAMBDA_MAX_TIMEOUT_SECONDS,
  LAMBDA_UNRESERVED_MINIMUM,
} from '../lib/batch/batch-limits';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const prefix = z.string().regex(/^([A-Za-z0-9!_.*'()-]+\/)+$/, { message: "must be a key prefix of letters, digits and ! _ . * ' ( ) - segments, each ending with /" });

export const BatchSchema = z
  .strictObject({
    /** Children scoring at once (the map's MaxConcurrency and the batch function's reserved concurrency). */
    maxConcurrency: int(1, DISTRIBUTED_MAP_MAX_CONCURRENCY).default(DEFAULT_BATCH_MAX_CONCURRENCY),
    /** The account's Lambda concurrency quota in the region: batch and the live endpoint's reservation must fit in it. */
    accountConcurrencyLimit: int(LAMBDA_UNRESERVED_MINIMUM + 1, 1_000_000).default(DEFAULT_ACCOUNT_CONCURRENCY),
    /** Share of children (parts) that may fail before the run fails. */
    toleratedFailurePercent: z.number().min(0).max(100).default(0),
    /** Rows per child: small enough that a child finishes well inside the function timeout. */
    rowsPerChild: int(1000, 10_000_000).default(DEFAULT_ROWS_PER_CHILD),
    /** Memory of the batch function (MiB). */
    memorySizeMiB: int(128, 10240).default(2048),
    /** Timeout of the batch function (seconds); it also bounds planning, one pass over the input. */
    timeoutSeconds: int(60, LAMBDA_MAX_TIMEOUT_SECONDS).default(LAMBDA_MAX_TIMEOUT_SECONDS),
    /** Key prefix of the data bucket that runs read from. */
    inputPrefix: prefix.default('batch/input/'),
    /** Key prefix of the data bucket that runs write to. */
    outputPrefix: prefix.default('batch/output/'),
    /**
     * What scores the rows: the batch function on a Distributed Map (`lambda`, any platform), or a SageMaker Batch
     * Transform job with the endpoint's model (`sagemaker-transform`, platform "sagemaker" only; CSV of features only).
     */
    engine: z.enum(['lambda', 'sagemaker-transform']).default('lambda'),
    /** The transform job's instances (engine "sagemaker-transform"). */
    transform: z
      .strictObject({
        instanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, { message: 'must be a SageMaker instance type such as ml.c6i.large' }).default('ml.c6i.large'),
        instanceCount: int(1, 100).default(1),
        /** Largest mini-batch (MiB), at most the runtime's 6 MiB request limit. */
        maxPayloadMiB: z.number().positive().max(6).default(6),
      })
      .prefault({}),
  });

/** Cross-field rule: the transform engine needs the endpoint's SageMaker model. */
export function batchEngineProblem(batch: BatchConfig | undefined, platformType: string): string | undefined {
  if (batch?.engine === 'sagemaker-transform' && platformType !== 'sagemaker') {
    return `"sagemaker-transform" needs platform.type "sagemaker" (it runs the endpoint's SageMaker model); use "lambda" on platform "${platformType}"`;
  }
  return undefined;
}

export type BatchConfig = z.output<typeof BatchSchema>;
