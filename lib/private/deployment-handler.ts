/**
 * The role and log group of CDK's BucketDeployment copy step (`Custom::CDKBucketDeployment`), held to the same bar
 * as modelstack's own resources. Left to CDK, the step's role gets an inline policy with read-write on the whole
 * destination bucket (`s3:*Object*`, `s3:List*`, `kms:ReEncrypt*`, ...) and read on the whole assets bucket plus
 * AWSLambdaBasicExecutionRole, and its log group has a service key.
 *
 * Here one role per stack (the copy step is a singleton per stack and size, so every copy step shares it) holds a
 * customer-managed policy written out per deployment: `s3:GetObject` on that deployment's one asset object,
 * listing and object read/write/delete under that model's prefix only, the bucket key through S3 only, and writing
 * to its own log group, which is encrypted with a customer-managed key and has a retention period.
 */
import { Aws, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../encrypted-log-group';
import { ManagedPolicyRole } from '../managed-policy-role';
import { iam5ResourceFinding } from './nag-findings';

/** Construct id of the handler resources, a direct child of the stack. */
const ID = 'ModelDeploymentHandler';

/** What one deployment copies where. */
export interface DeploymentGrant {
  /** The deployment, whose source assets are read. */
  readonly deployment: s3deploy.BucketDeployment;
  /** The destination bucket. */
  readonly bucket: s3.IBucket;
  /** Its key. */
  readonly key: kms.IKey;
  /** The key prefix (ending in `/`) the deployment may write under. */
  readonly prefix: string;
}

/** The copy step's role and log group, one per stack (construct id `ModelDeploymentHandler` in the stack). */
export class DeploymentHandler extends Construct {
  /** The one instance of `scope`'s stack, created by the first caller (whose removal policy the log group takes). */
  public static of(scope: Construct, removalPolicy: RemovalPolicy): DeploymentHandler {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(ID) as DeploymentHandler | undefined) ?? new DeploymentHandler(stack, ID, removalPolicy);
  }

  /** The role every copy step of the stack runs with. */
  public readonly role: ManagedPolicyRole;
  /** Their log group. */
  public readonly logs: EncryptedLogGroup;

  private constructor(scope: Construct, id: string, removalPolicy: RemovalPolicy) {
    super(scope, id);
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies model files into their prefix at deploy time (CDK BucketDeployment, modelstack)',
    });
    this.logs = new EncryptedLogGroup(this, 'Logs', { purpose: 'the model deployment copy step', retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
    this.logs.grantWrite(this.role);
  }

  /** The role to hand to BucketDeployment: CDK's own (broader) grants to it are dropped; {@link grant} writes them. */
  public get deploymentRole(): iam.IRole {
    return this.role.withoutPolicyUpdates();
  }

  /** Lets the copy step read `deployment`'s assets and write under `prefix` of `bucket`; the deployment waits for it. */
  public grant(props: DeploymentGrant): void {
    const { deployment, bucket, key, prefix } = props;
    const assets = deployment.node.children.filter((child): child is s3assets.Asset => child instanceof s3assets.Asset);
    const statements = [
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: assets.map((asset) => asset.bucket.arnForObjects(asset.s3ObjectKey)) }),
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } } }),
      new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [bucket.arnForObjects(`${prefix}*`)] }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.${Aws.URL_SUFFIX}` } },
      }),
    ];
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
    // The copy step runs when the deployment's custom resource is created: its permissions must exist by then.
    deployment.node.addDependency(this.role.policy);
    Validations.of(this.role).acknowledge({
      id: iam5ResourceFinding(this, bucket.arnForObjects(`${prefix}*`)),
      reason: `The model deployment copy step writes the content-addressed files of one model under ${prefix} (object names are hashes known at deploy time), and may list, read and delete only there.`,
    });
  }
}
