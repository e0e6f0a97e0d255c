/**
 * The state machine definition that turns a CloudWatch alarm state change into a retraining signal and puts it on
 * the target bus with Step Functions' optimized `events:putEvents` integration: no function of ours runs.
 *
 * Why a state machine: an EventBridge rule whose target is an event bus forwards the event unchanged (input
 * transformers apply to service and API destination targets only), so the reshaping needs a target in between.
 *
 * Its input is what each alarm's rule sends (an input transformer, which does apply to a state machine target):
 *
 *     { "signal": { the alarm's static facts }, "alarmArn": "$.resources[0]", "time": "$.time", "detail": "$.detail" }
 *
 * The value is the newest evaluated datapoint of the alarm's `reasonData` (CloudWatch lists evaluated datapoints
 * newest first), or null when the state change carries none (for example one set by `SetAlarmState`).
 */
import type * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { RETRAINING_SIGNAL_DETAIL_TYPE, RETRAINING_SIGNAL_SOURCE } from './signal-event';

/** The static facts of one alarm, as its rule passes them to the state machine under `signal`. */
export interface SignalFacts {
  readonly version: string;
  readonly kind: 'alarm';
  readonly model: string;
  readonly environment: string;
  readonly metric: string;
  readonly description: string;
  readonly threshold: number;
  readonly comparison: string;
  readonly window: { readonly periodSeconds: number; readonly evaluationPeriods: number; readonly datapointsToAlarm: number };
}

/** The detail the state machine publishes: the facts, the value, the alarm, its state and time. */
function detail(): sfn.TaskInput {
  const fact = (name: keyof SignalFacts): string => sfn.JsonPath.stringAt(`$.signal.${name}`);
  return sfn.TaskInput.fromObject({
    version: fact('version'),
    kind: fact('kind'),
    model: fact('model'),
    environment: fact('environment'),
    metric: fact('metric'),
    description: fact('description'),
    value: sfn.JsonPath.numberAt('$.observed.value'),
    threshold: sfn.JsonPath.numberAt('$.signal.threshold'),
    comparison: fact('comparison'),
    window: sfn.JsonPath.objectAt('$.signal.window'),
    alarm: { name: sfn.JsonPath.stringAt('$.detail.alarmName'), arn: sfn.JsonPath.stringAt('$.alarmArn'), reason: sfn.JsonPath.stringAt('$.detail.state.reason') },
    state: sfn.JsonPath.stringAt('$.detail.state.value'),
    time: sfn.JsonPath.stringAt('$.time'),
  });
}

/** The chain: find the value (or null), then publish. */
export function signalTranslatorDefinition(scope: Construct, eventBus: events.IEventBus | undefined): sfn.IChainable {
  const publish = new tasks.EventBridgePutEvents(scope, 'Publish', {
    entries: [{ detail: detail(), detailType: RETRAINING_SIGNAL_DETAIL_TYPE, source: RETRAINING_SIGNAL_SOURCE, ...(eventBus === undefined ? {} : { eventBus }) }],
    resultPath: sfn.JsonPath.DISCARD,
  });
  const withValue = new sfn.Pass(scope, 'NewestDatapoint', {
    parameters: { 'value.$': '$.reason.data.evaluatedDatapoints[0].value' },
    resultPath: '$.observed',
  }).next(publish);
  const withoutValue = new sfn.Pass(scope, 'NoDatapoint', { result: sfn.Result.fromObject({ value: null }), resultPath: '$.observed' }).next(publish);
  const reason = new sfn.Pass(scope, 'ParseReasonData', {
    parameters: { 'data.$': 'States.StringToJson($.detail.state.reasonData)' },
    resultPath: '$.reason',
  }).next(
    new sfn.Choice(scope, 'HasDatapoint')
      .when(sfn.Condition.isPresent('$.reason.data.evaluatedDatapoints[0].value'), withValue)
      .otherwise(withoutValue),
  );
  return new sfn.Choice(scope, 'HasReasonData')
    .when(sfn.Condition.isPresent('$.detail.state.reasonData'), reason)
    .otherwise(withoutValue);
}
