/**
 * The state machine's role. CDK's Distributed Map grants its ItemReader `s3:GetObject` and its ResultWriter
 * `s3:PutObject` on every object of the bucket; the state machine needs the output prefix only (the plan is
 * read from it, the map's results are written to it), so every S3 object statement added to this role is
 * narrowed to that prefix.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ManagedPolicyRole } from '../managed-policy-role';

const OBJECT_ACTIONS: ReadonlySet<string> = new Set(['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts']);

export class OutputScopedRole extends ManagedPolicyRole {
  private outputObjectsArn?: string;

  constructor(scope: Construct, id: string, props: iam.RoleProps & { readonly outputObjectsArn: string }) {
    const { outputObjectsArn, ...roleProps } = props;
    super(scope, id, roleProps);
    this.outputObjectsArn = outputObjectsArn;
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const objectStatement = statement.actions.length > 0 && statement.actions.every((action) => OBJECT_ACTIONS.has(action));
    if (!objectStatement || this.outputObjectsArn === undefined) return super.addToPrincipalPolicy(statement);
    return super.addToPrincipalPolicy(new iam.PolicyStatement({ effect: statement.effect, actions: statement.actions, resources: [this.outputObjectsArn] }));
  }
}
