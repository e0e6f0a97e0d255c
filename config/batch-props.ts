/** The batch scoring options from an environment's `batch` block (config/batch-schema.ts). */
import { Duration, Size } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ModelEndpointBatchOptions } from '../lib/model-endpoint';
import type { BatchConfig } from './batch-schema';

/** The endpoint's batch options a validated `batch` block describes. */
export function batchOptions(batch: BatchConfig): ModelEndpointBatchOptions {
  return {
    inputPrefix: batch.inputPrefix,
    outputPrefix: batch.outputPrefix,
    maxConcurrency: batch.maxConcurrency,
    accountConcurrencyLimit: batch.accountConcurrencyLimit,
    toleratedFailurePercentage: batch.toleratedFailurePercent,
    rowsPerChild: batch.rowsPerChild,
    memorySizeMiB: batch.memorySizeMiB,
    timeout: Duration.seconds(batch.timeoutSeconds),
    logRetention: logs.RetentionDays.ONE_MONTH,
    // The schema refuses this engine off the SageMaker platform; the endpoint runs it on its own model.
    ...(batch.engine === 'sagemaker-transform'
      ? {
          transform: {
            instanceType: batch.transform.instanceType,
            instanceCount: batch.transform.instanceCount,
            maxPayload: Size.kibibytes(Math.floor(batch.transform.maxPayloadMiB * 1024)),
          },
        }
      : {}),
  };
}
