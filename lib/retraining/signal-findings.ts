/**
 * Acknowledgements of the cdk-nag findings the retraining signals cause, each on the resource that causes it
 * and with its reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { iam5ResourceFinding } from '../private/nag-findings';

/** The translator's role: CDK's grants for X-Ray and log delivery, which take no resource. */
export function acknowledgeSignalFindings(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: iam5ResourceFinding(role, '*'),
    reason: 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) do not support resource-level permissions.',
  });
}

/** An alarm's rule: no dead-letter queue. */
export function acknowledgeSignalRule(rule: IConstruct): void {
  Validations.of(rule).acknowledge({
    id: 'Serverless-EventBusDLQ',
    reason:
      'EventBridge retries starting the translator for 24 hours; an alarm that stays in ALARM is still in ALARM in CloudWatch and on its severity topic, and the next transition signals again, so a lost delivery loses no state.',
  });
}
