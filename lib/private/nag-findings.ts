/**
 * Names of cdk-nag findings, so constructs can acknowledge exactly the finding they cause (cdk-nag 3 matches
 * acknowledgements by exact id, `Rule[Finding]` for rules that report several findings per resource).
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Renders a resolved CloudFormation value the way cdk-nag does for findings (`flattenCfnReference`):
 * `{ 'Fn::GetAtt': ['Bucket1234', 'Arn'] }` becomes `<Bucket1234.Arn>`, `{ Ref: 'AWS::Region' }` becomes
 * `<AWS::Region>`, `Fn::Join` joins, `Fn::Sub` placeholders become `<...>`.
 */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    if (value['Fn::Join']) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (value['Fn::Sub']) return flatten(value['Fn::Sub']);
    if (value['Fn::GetAtt']) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (value['Fn::ImportValue']) return flatten(value['Fn::ImportValue']);
    if (value.Ref) return `<${flatten(value.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * The id of the `AwsSolutions-IAM5` finding for a wildcard resource in an IAM policy of `scope`'s stack,
 * e.g. `AwsSolutions-IAM5[Resource::<ModelStore1234.Arn>/models/iris/*]`.
 *
 * Computed from the logical ids the resources have now: call it after the referenced resources exist and
 * do not rename them afterwards (a renamed resource makes the finding reappear, which fails safe).
 */
export function iam5ResourceFinding(scope: IConstruct, resourceArn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(resourceArn))}]`;
}

/** The id of the `AwsSolutions-IAM5` finding for a wildcard action, e.g. `AwsSolutions-IAM5[Action::s3:List*]`. */
export function iam5ActionFinding(action: string): string {
  return `AwsSolutions-IAM5[Action::${action}]`;
}

/**
 * The id of the `AwsSolutions-IAM4` finding for an AWS-managed policy attached to a role of `scope`'s stack,
 * e.g. `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]`.
 */
export function iam4PolicyFinding(scope: IConstruct, policyArn: string): string {
  return `AwsSolutions-IAM4[Policy::${flatten(Stack.of(scope).resolve(policyArn))}]`;
}

/** The `AwsSolutions-IAM5` finding id for a resource already resolved (as read from a policy document). */
export function iam5ResolvedResourceFinding(resolvedResource: unknown): string {
  return `AwsSolutions-IAM5[Resource::${flatten(resolvedResource)}]`;
}
