/**
 * A CloudWatch Logs log group encrypted with a KMS key that CloudWatch Logs may use for this log group only.
 * Every modelstack component that writes logs (the inference function, a SageMaker endpoint, CodeDeploy hooks,
 * monitoring) takes one of these, so retention and encryption are decided once.
 *
 * Default settings: a dedicated key with rotation on; retention one month; removal policy RETAIN; a generated
 * name `/modelstack/<stack name>/<construct path>-<hash>` (the key policy must name the log group's ARN, and
 * referencing the log group from its own key would be a cycle).
 */
import { Annotations, ArnFormat, Aws, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { separatedKeyPolicy } from './private/key-policy';

/** What CloudWatch Logs needs of the key to encrypt and read a log group. */
const LOGS_KEY_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/** Properties of an {@link EncryptedLogGroup}. */
export interface EncryptedLogGroupProps {
  /** What the logs are, for the key's description, e.g. `the inference function of model 'iris'`. */
  readonly purpose: string;

  /**
   * How long the logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly retention?: logs.RetentionDays;

  /**
   * The key encrypting the log group. A key defined in this app gets a key-policy statement letting CloudWatch
   * Logs use it for this log group; an imported key's policy must already allow that (a warning says so).
   * @default - a new key with rotation enabled, dedicated to this log group
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log group (and the key this construct creates) when they leave the stack. After deleting
   * a stack whose log group was retained, delete or rename that log group before creating the stack again under
   * the same name (the generated name would collide).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * The log group's name, for services that write to a name of their own (SageMaker endpoints write to
   * `/aws/sagemaker/Endpoints/<endpoint name>`).
   * @default - `/modelstack/<stack name>/<construct path>-<hash>`
   */
  readonly logGroupName?: string;
}

/** A KMS-encrypted log group with retention (construct id of the log group: `Resource`). */
export class EncryptedLogGroup extends Construct {
  /** The log group. */
  public readonly logGroup: logs.LogGroup;
  /** The key encrypting it. */
  public readonly encryptionKey: kms.IKey;
  /** The generated log group name. */
  public readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logGroupName = props.logGroupName ?? `/modelstack/${stack.stackName}/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    const logGroupArn = stack.formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: this.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: `Encrypts the logs of ${props.purpose} (modelstack)`,
        enableKeyRotation: true,
        policy: separatedKeyPolicy(),
        removalPolicy,
      });
    const added = this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsForThisLogGroup',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.${Aws.URL_SUFFIX}`)],
        actions: LOGS_KEY_ACTIONS,
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupArn } },
      }),
    );
    if (!added.statementAdded) {
      Annotations.of(this).addWarningV2(
        'modelstack:logEncryptionKeyPolicy',
        `the log encryption key is imported: make sure its key policy lets logs.<region>.amazonaws.com use it with kms:EncryptionContext:aws:logs:arn = the ARN of log group ${this.logGroupName}, or the log group cannot be created`,
      );
    }
    this.logGroup = new logs.LogGroup(this, 'Resource', {
      logGroupName: this.logGroupName,
      retention: props.retention ?? logs.RetentionDays.ONE_MONTH,
      encryptionKey: this.encryptionKey,
      removalPolicy,
    });
  }

  /** Lets `grantee` create streams and write events to this log group. */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    return this.logGroup.grantWrite(grantee);
  }
}
