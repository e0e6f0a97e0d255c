/** The environment's batch scoring from its config: `batch` unset, none. */
import { Duration, Size } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BatchScoring } from '../batch-scoring';
import type { IInferenceEndpoint } from '../inference-endpoint';
import { BatchEngine } from '../batch/batch-engine';
import { LambdaInference } from '../lambda-inference';
import { SageMakerInference } from '../sagemaker-inference';
import type { PlatformContext } from './platform-context';

/** What batch scoring operates beside: the live endpoint, and where its alarms and dashboard row go. */
export interface BatchOperations {
  readonly endpoint: IInferenceEndpoint;
  readonly alarmTopic: sns.ITopic;
  readonly dashboard: cloudwatch.Dashboard;
}

export function buildBatchScoring(scope: Construct, id: string, context: PlatformContext, operations: BatchOperations): BatchScoring | undefined {
  const batch = context.config.batch;
  if (batch === undefined) return undefined;
  const live = operations.endpoint instanceof LambdaInference ? operations.endpoint.reservedConcurrentExecutions : undefined;
  const endpoint = operations.endpoint;
  const engine =
    batch.engine === 'sagemaker-transform' && endpoint instanceof SageMakerInference
      ? BatchEngine.sageMakerTransform({
          modelName: endpoint.model.attrModelName,
          executionRole: endpoint.role,
          instanceType: batch.transform.instanceType,
          instanceCount: batch.transform.instanceCount,
          maxPayload: Size.kibibytes(Math.floor(batch.transform.maxPayloadMiB * 1024)),
        })
      : BatchEngine.lambda();
  return new BatchScoring(scope, id, {
    store: context.store,
    manifest: context.model.manifest,
    accessLogsBucket: context.store.accessLogsBucket,
    alarmTopic: operations.alarmTopic,
    dashboard: operations.dashboard,
    inputPrefix: batch.inputPrefix,
    outputPrefix: batch.outputPrefix,
    maxConcurrency: batch.maxConcurrency,
    liveConcurrency: { accountLimit: batch.accountConcurrencyLimit, ...(live === undefined ? {} : { reserved: live }) },
    toleratedFailurePercentage: batch.toleratedFailurePercent,
    rowsPerChild: batch.rowsPerChild,
    memorySizeMiB: batch.memorySizeMiB,
    timeout: Duration.seconds(batch.timeoutSeconds),
    logRetention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: context.removalPolicy,
    engine,
  });
}
