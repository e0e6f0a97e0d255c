/**
 * The batch state machine on Lambda: Plan (cut the input into byte ranges, written to `<output>plan.json`), then a
 * Distributed Map whose ItemReader reads that plan and whose children each score one range with the batch
 * function, the map's results written by ResultWriter under `<output prefix>map-results/`, then Summarize (add up
 * the children's counts into `<output>summary.json`, the execution's output).
 *
 * Items are byte ranges, not rows: a few hundred bytes each whatever the rows hold (docs/batch.md, "Payloads").
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { BatchLocations } from './batch-data';

/** The ResultWriter's folder under the output prefix; each map run writes `<MapRunId>/manifest.json` in it. */
export const MAP_RESULTS_FOLDER = 'map-results';

export interface LambdaBatchDefinitionProps {
  readonly function: lambda.IFunction;
  readonly locations: BatchLocations;
  readonly maxConcurrency: number;
  readonly toleratedFailurePercentage: number;
  readonly rowsPerChild: number;
}

/** Retries for the errors Lambda itself may throw under load (not for a child's own failure, which is final). */
function retryTransient(task: tasks.LambdaInvoke): tasks.LambdaInvoke {
  task.addRetry({ errors: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException', 'Lambda.AWSLambdaException'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
  return task;
}

export function lambdaBatchDefinition(scope: Construct, props: LambdaBatchDefinitionProps): sfn.IChainable {
  const { locations } = props;
  const plan = retryTransient(new tasks.LambdaInvoke(scope, 'Plan', {
    lambdaFunction: props.function,
    payload: sfn.TaskInput.fromObject({ action: 'plan', input: sfn.JsonPath.stringAt('$.input'), output: sfn.JsonPath.stringAt('$.output'), rowsPerChild: props.rowsPerChild }),
    retryOnServiceExceptions: false,
    resultSelector: { 'plan.$': '$.Payload.plan', 'output.$': '$.Payload.output', 'items.$': '$.Payload.items' },
    resultPath: '$.run',
  }));
  const scorePart = retryTransient(new tasks.LambdaInvoke(scope, 'ScorePart', {
    lambdaFunction: props.function,
    payload: sfn.TaskInput.fromObject({ action: 'score', item: sfn.JsonPath.objectAt('$.item'), output: sfn.JsonPath.objectAt('$.output') }),
    retryOnServiceExceptions: false,
    payloadResponseOnly: true,
  }));
  const map = new sfn.DistributedMap(scope, 'ScoreParts', {
    maxConcurrency: props.maxConcurrency,
    toleratedFailurePercentage: props.toleratedFailurePercentage,
    mapExecutionType: sfn.StateMachineType.STANDARD,
    itemReader: new sfn.S3JsonItemReader({ bucket: locations.bucket, key: sfn.JsonPath.stringAt('$.run.plan.key') }),
    itemSelector: { item: sfn.JsonPath.stringAt('$$.Map.Item.Value'), output: sfn.JsonPath.objectAt('$.run.output') },
    resultWriterV2: new sfn.ResultWriterV2({ bucket: locations.bucket, prefix: `${locations.outputPrefix}${MAP_RESULTS_FOLDER}` }),
    resultPath: '$.map',
  });
  map.itemProcessor(scorePart);
  const summarize = retryTransient(new tasks.LambdaInvoke(scope, 'Summarize', {
    lambdaFunction: props.function,
    payload: sfn.TaskInput.fromObject({
      action: 'summarize',
      resultManifest: { bucket: sfn.JsonPath.stringAt('$.map.ResultWriterDetails.Bucket'), key: sfn.JsonPath.stringAt('$.map.ResultWriterDetails.Key') },
      output: sfn.JsonPath.objectAt('$.run.output'),
    }),
    retryOnServiceExceptions: false,
    payloadResponseOnly: true,
  }));
  return plan.next(map).next(summarize);
}
