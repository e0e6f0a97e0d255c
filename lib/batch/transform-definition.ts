/**
 * The batch state machine on SageMaker: one SageMakerCreateTransformJob task (`.sync`: the execution waits for
 * the job), with the endpoint's model. Transform jobs are not CloudFormation resources, so a state machine is
 * how a stack can start them.
 *
 * Settings the runtime's `/invocations` needs:
 * - SplitType `Line` and ContentType `text/csv`: SageMaker sends whole rows, never half a row;
 * - BatchStrategy `MultiRecord`: as many rows as fit in MaxPayloadInMB per request (one session run each);
 * - MaxPayloadInMB at most 6, and the job's `MAX_PAYLOAD_BYTES` / `MAX_BATCH_SIZE` raised to match, so a full
 *   mini-batch is never answered 413;
 * - Accept `application/json`, AssembleWith `Line`: each mini-batch's `{"predictions": [...]}` is one line of
 *   `<input>.out`, in input order.
 */
import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { RUNTIME_ENV } from '../../lambda/core/runtime-config';
import type { SageMakerTransformProps } from './batch-engine';

/** The transform's request limit: SageMaker's MaxPayloadInMB allows at most 100, the runtime's body limit 6 MiB. */
export const TRANSFORM_MAX_PAYLOAD = Size.mebibytes(6);
/** Rows a mini-batch may hold: bounded by its bytes, not by a count. */
const TRANSFORM_MAX_BATCH_SIZE = 1_000_000;

export function transformBatchDefinition(scope: Construct, props: SageMakerTransformProps, key: kms.IKey): sfn.IChainable {
  const maxPayload = props.maxPayload ?? TRANSFORM_MAX_PAYLOAD;
  const job = new tasks.SageMakerCreateTransformJob(scope, 'TransformJob', {
    transformJobName: sfn.JsonPath.format('modelstack-{}', sfn.JsonPath.uuid()),
    modelName: props.modelName,
    role: props.executionRole,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    batchStrategy: tasks.BatchStrategy.MULTI_RECORD,
    maxPayload,
    maxConcurrentTransforms: props.maxConcurrentTransforms ?? 2,
    environment: {
      [RUNTIME_ENV.maxPayloadBytes]: String(maxPayload.toBytes()),
      [RUNTIME_ENV.maxBatchSize]: String(TRANSFORM_MAX_BATCH_SIZE),
    },
    transformInput: {
      transformDataSource: { s3DataSource: { s3Uri: sfn.JsonPath.stringAt('$.input'), s3DataType: tasks.S3DataType.S3_PREFIX } },
      contentType: 'text/csv',
      splitType: tasks.SplitType.LINE,
    },
    transformOutput: { s3OutputPath: sfn.JsonPath.stringAt('$.output'), accept: 'application/json', assembleWith: tasks.AssembleWith.LINE, encryptionKey: key },
    transformResources: {
      instanceCount: props.instanceCount ?? 1,
      instanceType: new ec2.InstanceType(props.instanceType.replace(/^ml\./, '')),
      volumeEncryptionKey: key,
    },
    resultSelector: { 'transformJobName.$': '$.TransformJobName', 'status.$': '$.TransformJobStatus', 'output.$': '$.TransformOutput.S3OutputPath' },
  });
  return job;
}
