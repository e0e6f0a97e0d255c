/**
 * A failed run (a failed build, gate, deploy or verify, a rejected approval, a rollback that failed the
 * deploy) reaches the critical topic: an EventBridge rule on the pipeline's "CodePipeline Pipeline Execution
 * State Change" events with state FAILED, rendered as one readable line.
 */
import { Validations } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Props of {@link PipelineFailureNotification}. */
export interface PipelineFailureNotificationProps {
  /** The pipeline to watch. */
  readonly pipeline: codepipeline.IPipeline;
  /** Where failures go. */
  readonly topic: sns.ITopic;
}

/** EventBridge rule: failed executions of one pipeline to one topic. */
export class PipelineFailureNotification extends Construct {
  /** The rule. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PipelineFailureNotificationProps) {
    super(scope, id);
    this.rule = new events.Rule(this, 'Rule', {
      description: 'A failed model pipeline run, to the critical topic',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        resources: [props.pipeline.pipelineArn],
        detail: { state: ['FAILED'] },
      },
      // A role for the rule: publishing to a KMS-encrypted topic needs its key, which a topic policy cannot grant.
      targets: [
        new targets.SnsTopic(props.topic, {
          authorizeUsingRole: true,
          message: events.RuleTargetInput.fromText(
          `modelstack pipeline ${events.EventField.fromPath('$.detail.pipeline')} failed (execution ${events.EventField.fromPath('$.detail.execution-id')}, ${events.EventField.fromPath('$.time')}). ` +
            `Open https://console.aws.amazon.com/codesuite/codepipeline/pipelines/${events.EventField.fromPath('$.detail.pipeline')}/executions/${events.EventField.fromPath('$.detail.execution-id')}/timeline to see the failed step.`,
          ),
        }),
      ],
    });
    Validations.of(this.rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: "EventBridge retries delivery to the topic for 24 hours by default, and a failed run stays in the pipeline's execution history, so a lost notification does not lose the failure.",
    });
  }
}
