/**
 * The cdk-nag findings batch scoring acknowledges, each on the resource that causes it, with its reason. The
 * same rule exists in several packs (HIPAA Security, NIST 800-53 R5, PCI DSS 3.2.1, Serverless) under their own
 * prefixes; one reason covers them all.
 */
import { Aws, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { iam5ResourceFinding } from '../private/nag-findings';

const PACK_PREFIXES = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless'] as const;

/** Acknowledges `rule` (e.g. `LambdaDLQ`) under every pack prefix on `scope`. */
export function acknowledgeInEveryPack(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge(...PACK_PREFIXES.map((prefix) => ({ id: `${prefix}-${rule}`, reason })));
}

/** The batch function's findings. */
export function acknowledgeBatchFunction(fn: IConstruct): void {
  acknowledgeInEveryPack(fn, 'LambdaDLQ', 'Invoked synchronously by Step Functions, which retries it and records every failed item in the map run and its ResultWriter files; there are no asynchronous events to dead-letter.');
  acknowledgeInEveryPack(fn, 'LambdaInsideVPC', 'Reads and writes S3 and reaches no private resources; a VPC would add NAT or endpoint costs for no data-path benefit. S3 access is TLS-only and KMS-encrypted.');
}

/** The data bucket's findings. */
export function acknowledgeBatchBucket(bucket: IConstruct): void {
  acknowledgeInEveryPack(bucket, 'S3BucketReplicationEnabled', 'Batch input is a copy staged for scoring and batch output can be scored again from it; both are versioned, and cross-region replication would double their storage for no recovery need.');
}

/** The state machine's findings: CDK's Distributed Map policy, and the role's wildcards. */
export function acknowledgeStateMachine(stateMachine: IConstruct, role: IConstruct, functionArn: string | undefined, outputObjectsArn: string): void {
  const mapPolicy = stateMachine.node.tryFindChild('DistributedMapPolicy');
  if (mapPolicy !== undefined) {
    acknowledgeInEveryPack(mapPolicy, 'IAMNoInlinePolicy', 'CDK attaches the Distributed Map\'s child-execution permissions (states:StartExecution, DescribeExecution, StopExecution on this state machine\'s own executions) as a policy on this role only.');
    // The findings name CDK's own ARNs of this state machine's executions: read them from the policy it wrote.
    const policy = Stack.of(mapPolicy).resolve((mapPolicy.node.defaultChild as iam.CfnPolicy).policyDocument) as { Statement?: Array<{ Resource?: unknown }> };
    const resources = (policy.Statement ?? []).flatMap((statement) => (Array.isArray(statement.Resource) ? (statement.Resource as unknown[]) : [statement.Resource]));
    for (const resource of resources) {
      if (!JSON.stringify(resource).includes('*')) continue;
      Validations.of(mapPolicy).acknowledge({
        // iam5ResourceFinding renders a resolved value the way cdk-nag does; the value is already resolved here.
        id: iam5ResourceFinding(mapPolicy, resource as string),
        reason: 'A Distributed Map starts, describes and stops its own child executions, whose names Step Functions generates: the resource is this state machine\'s executions only.',
      });
    }
  }
  if (functionArn !== undefined) {
    Validations.of(role).acknowledge({ id: iam5ResourceFinding(role, `${functionArn}:*`), reason: 'lambda:InvokeFunction on the batch function and its versions (CDK grants the qualified ARN too); no other function.' });
  }
  Validations.of(role).acknowledge(
    { id: iam5ResourceFinding(role, outputObjectsArn), reason: 'Reads the plan and writes the Distributed Map\'s result files under the batch output prefix only.' },
    { id: iam5ResourceFinding(role, '*'), reason: 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) do not support resource-level permissions.' },
  );
}

/** The transform engine's findings: the job's ARN pattern on the state machine role, the prefixes on the model's role. */
export function acknowledgeTransform(stateMachineRole: IConstruct, executionRole: IConstruct, inputObjectsArn: string, outputObjectsArn: string): void {
  Validations.of(stateMachineRole).acknowledge({
    id: iam5ResourceFinding(stateMachineRole, `arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:${Aws.ACCOUNT_ID}:transform-job/*`),
    reason: 'The .sync integration creates, describes and stops transform jobs whose names each execution generates (modelstack-<uuid>): CDK scopes it to transform jobs of this account and region.',
  });
  Validations.of(executionRole).acknowledge(
    { id: iam5ResourceFinding(executionRole, inputObjectsArn), reason: 'The transform job runs as the model role and reads the batch input prefix only.' },
    { id: iam5ResourceFinding(executionRole, outputObjectsArn), reason: 'The transform job runs as the model role and writes <input>.out under the batch output prefix only.' },
  );
}
