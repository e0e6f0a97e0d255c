/**
 * Acknowledgements of the cdk-nag findings that CDK Pipelines' own grants cause, each on the policy or resource
 * that causes it and with the reason it is as narrow as it can be. Wildcards are matched by what they grant;
 * one that fits no reason below stays a finding (and fails the synth), so a new grant is never waved through.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { iam5ActionFinding, iam5ResolvedResourceFinding } from '../private/nag-findings';

interface Statement {
  readonly Action?: string | string[];
  readonly Resource?: unknown;
  readonly Condition?: { readonly StringLike?: Record<string, unknown>; readonly StringEquals?: Record<string, unknown> };
}

/** Actions that take no resource ARN: a state machine's X-Ray tracing and CloudWatch Logs delivery. */
const TRACING_AND_LOG_DELIVERY = /^(xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)|logs:(CreateLogDelivery|DeleteLogDelivery|DescribeLogGroups|DescribeResourcePolicies|GetLogDelivery|ListLogDeliveries|PutResourcePolicy|UpdateLogDelivery))$/;

const ARTIFACT_ACTIONS = /^s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*$/;
const KEY_ACTIONS = /^kms:(GenerateDataKey|ReEncrypt)\*$/;

/** Why a wildcard action is needed, or undefined when no reason applies. */
function actionReason(action: string): string | undefined {
  if (ARTIFACT_ACTIONS.test(action)) return `${action}: CDK's read/write grant on the pipeline's own artifact bucket only; artifact object names are generated per execution.`;
  if (KEY_ACTIONS.test(action)) {
    return `${action}: CDK's grant to encrypt with one named key, the statement's resource (the artifact key for artifacts, the topic's key for publishing notifications); the wildcard covers the variants of one operation.`;
  }
  return undefined;
}

/** Why a wildcard resource is needed, or undefined when no reason applies; `statement` is the one that grants it. */
function resourceReason(resource: string, statement: Statement): string | undefined {
  const actions = asList(statement.Action);
  if (resource === '*' && actions.every((a) => typeof a === 'string' && TRACING_AND_LOG_DELIVERY.test(a))) {
    return "The shadow wait's state machine traces to X-Ray and delivers its logs to its own log group; these actions take no resource ARN.";
  }
  if (/:states:.*:execution:.*ShadowWait.*:\*$/.test(resource)) return 'The shadow wait action describes the executions it starts of its one state machine; execution names are generated per run.';
  if (/^arn:[^:]+:s3:::\*$/.test(resource) && actions.length === 1 && actions[0] === 's3:ListBucket' && /^capture\/[a-z0-9-]+\/\*$/.test(String(asList(statement.Condition?.StringLike?.['s3:prefix'])[0]))) {
    return "The shadow report lists one endpoint's capture prefix (an s3:prefix condition), in the records bucket whose name is generated when the environment's stack is created.";
  }
  if (/^arn:[^:]+:s3:::\*\/capture\/[a-z0-9-]+\/\*$/.test(resource) && actions.length === 1 && actions[0] === 's3:GetObject') {
    return "The shadow report reads one endpoint's capture files, in the records bucket whose name is generated when the environment's stack is created (and of this account only).";
  }
  if (/:kms:[^:]*:[^:]*:key\/\*$/.test(resource) && actions.length === 1 && actions[0] === 'kms:Decrypt' && /^s3\./.test(String(statement.Condition?.StringEquals?.['kms:ViaService'])) && statement.Condition?.StringEquals?.['aws:ResourceTag/modelstack:environment'] !== undefined) {
    return "The shadow report decrypts capture files through S3 only (kms:ViaService), with the keys of the environment's stack (its tags); the key's id is generated when that stack is created.";
  }
  if (/ArtifactsBucket[0-9A-F]{8}\.Arn>\/\*$/.test(resource)) return "The objects of the pipeline's own artifact bucket; artifact names are generated per execution.";
  if (/ArtifactsBucket[0-9A-F]{8}\.Arn>\/deployed\/[a-z0-9-]+\/\*$/.test(resource)) return "The record step writes the synth one environment last deployed, under that environment's prefix of the pipeline's own artifact bucket.";
  if (resource.includes(':log-group:/aws/codebuild/')) return "The log streams of this CodeBuild project's own log group; stream names are generated per build.";
  if (resource.includes(':report-group/')) return "This CodeBuild project's own test report groups, named after the project.";
  if (/:cloudformation:[^:]*:[^:]*:stack\/[^*]+\/\*$/.test(resource)) return 'One stack by name; the trailing id of a stack ARN is generated when the stack is created.';
  if (/:lambda:[^:]*:[^:]*:function:\*$/.test(resource)) {
    return 'modelstack verify calls the function URL of the stack it verifies; the function name is generated at deploy, so the grant is this account and region only.';
  }
  if (/:sagemaker:[^:]*:[^:]*:(endpoint|endpoint-config|model)\/\*$/.test(resource)) {
    return 'modelstack verify describes and invokes the endpoint of the stack it verifies; SageMaker names are generated at deploy, so the grant is this account and region, read and invoke only.';
  }
  if (/:iam::[^:]*:role\/\*$/.test(resource)) return "Self-mutation assumes CDK's bootstrap roles only (a condition on their aws-cdk:bootstrap-role tag).";
  if (resource === '*') return 'Self-mutation reads stack state (cloudformation:DescribeStacks) and lists buckets for the CDK CLI, which take no resource ARN.';
  return undefined;
}

/** The same rule under the names of the HIPAA, NIST 800-53 R5 and PCI DSS 3.2.1 packs (one reason for all three). */
export function inEveryPack(rule: string, reason: string): Array<{ id: string; reason: string }> {
  return ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({ id: `${pack}-${rule}`, reason }));
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function acknowledgePolicy(policy: iam.Policy): void {
  const document = Stack.of(policy).resolve(policy.document) as { Statement?: Statement[] };
  const acknowledgements = new Map<string, string>();
  for (const statement of document.Statement ?? []) {
    for (const action of asList(statement.Action)) {
      const reason = typeof action === 'string' && action.includes('*') ? actionReason(action) : undefined;
      if (reason !== undefined) acknowledgements.set(iam5ActionFinding(action as string), reason);
    }
    for (const resource of asList(statement.Resource)) {
      const id = iam5ResolvedResourceFinding(resource);
      const rendered = id.slice('AwsSolutions-IAM5[Resource::'.length, -1);
      // An environment-agnostic stack renders its account as `<AWS::AccountId>`, whose colons would split an ARN.
      const reason = rendered.includes('*') ? resourceReason(rendered.replace(/<AWS::(\w+)>/g, '<AWS-$1>'), statement) : undefined;
      if (reason !== undefined) acknowledgements.set(id, reason);
    }
  }
  Validations.of(policy).acknowledge(
    ...[...acknowledgements].map(([id, reason]) => ({ id, reason })),
    ...inEveryPack('IAMNoInlinePolicy', "CDK Pipelines writes each step's grants to the role's own default policy, attached to that role only."),
  );
}

/** Acknowledges the findings of CDK Pipelines' generated roles and projects under `scope`. */
export function acknowledgePipelineFindings(scope: IConstruct): void {
  for (const construct of scope.node.findAll()) {
    if (construct instanceof iam.Policy) acknowledgePolicy(construct);
    if (construct instanceof codebuild.Project) {
      Validations.of(construct).acknowledge(
        ...inEveryPack(
          'CodeBuildProjectSourceRepoUrl',
          'The project takes its source from the pipeline (source type CODEPIPELINE) through the CodeStar connection; it has no repository URL and holds no credentials.',
        ),
      );
    }
  }
}
