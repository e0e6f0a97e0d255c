/**
 * An IAM role whose grants go to one customer-managed policy instead of an inline default policy.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A role that writes every statement added to it (`addToPrincipalPolicy`, hence every `grantX(role)`) into a
 * customer-managed policy attached to this role only (construct id `Policy`, a child of the role), instead of
 * CDK's inline `DefaultPolicy`. Same permissions; satisfies rules that forbid inline policies
 * (HIPAA.Security-IAMNoInlinePolicy) without acknowledging them.
 *
 * Anything that depends on the role (a Lambda function does) also waits for the policy, since it is a child.
 */
export class ManagedPolicyRole extends iam.Role {
  /** The customer-managed policy holding the role's statements. */
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: props.description,
      roles: [this],
    });
  }

  /** Adds `statement` to {@link policy}. */
  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
}
