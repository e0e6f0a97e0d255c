/**
 * How a Lambda function's captured predictions reach its prediction records: the runtime writes each one as a line
 * on stdout (`lambda/records/log-line-sink.ts`); a subscription filter on the function's log group picks those lines
 * (and only those) and sends them to a Firehose stream, which decompresses CloudWatch Logs' batches, extracts each
 * line with its own message extraction (no transform function), appends a newline, and writes JSON Lines objects
 * under `capture/<function name>/live/<yyyy>/<mm>/<dd>/<hh>/` (Firehose's arrival hour, UTC) of the records bucket,
 * encrypted with the records key. Nothing on the request path but one `write` to stdout.
 *
 * Construct ids (`Stream`, `DeliveryRole`, `DeliveryLogs`, `SubscriptionRole`, `Subscription`) are part of the contract.
 */
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import { ManagedPolicyRole } from './managed-policy-role';
import { CAPTURE_LOG_FILTER } from '../lambda/records/log-line-sink';
import { LAMBDA_CAPTURE_VARIANT, RECORD_PREFIXES } from '../lambda/records/record-format';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { IPredictionRecords } from './prediction-records-interface';

/** The construct id (`/` written as `--`) under which aws-cdk-lib's DeliveryStream adds its region -> CIDR mapping to the stack. */
const FIREHOSE_CIDR_MAPPING_ID = '@aws-cdk--aws-kinesisfirehose.CidrBlocks';
/** How long Firehose buffers before it writes an object (its minimum is 0; a minute keeps objects few). */
const BUFFERING_INTERVAL = Duration.seconds(60);
const BUFFERING_SIZE = Size.mebibytes(5);

/** Properties of a {@link LambdaCapture}. */
export interface LambdaCaptureProps {
  /** The records the captures go to. */
  readonly records: IPredictionRecords;
  /** The function's log group, where the runtime writes captured predictions. */
  readonly logGroup: logs.ILogGroup;
  /** The function's name: the folder under `capture/`. */
  readonly functionName: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The subscription and delivery stream that carry a function's captured predictions into its records. */
export class LambdaCapture extends Construct {
  /** The delivery stream. */
  public readonly stream: firehose.DeliveryStream;
  /** The role Firehose writes with: put under `capture/` and write its own error logs, nothing more. */
  public readonly deliveryRole: ManagedPolicyRole;
  /** The key prefix captures are written under (with Firehose's hour expression). */
  public readonly dataOutputPrefix: string;

  constructor(scope: Construct, id: string, props: LambdaCaptureProps) {
    super(scope, id);
    const { records } = props;
    const folder = `${RECORD_PREFIXES.capture}${props.functionName}/`;
    this.dataOutputPrefix = `${folder}${LAMBDA_CAPTURE_VARIANT}/!{timestamp:yyyy/MM/dd/HH}/`;
    this.deliveryRole = new ManagedPolicyRole(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com'),
      description: 'Writes captured predictions of the inference function into its prediction records (modelstack)',
    });
    records.grantWriteCaptures(this.deliveryRole);
    // Firehose's S3 destination also checks the bucket and may abort multipart uploads of its own objects.
    this.deliveryRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], resources: [records.bucket.bucketArn] }));
    this.deliveryRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:AbortMultipartUpload'], resources: [records.bucket.arnForObjects(`${RECORD_PREFIXES.capture}*`)] }));
    const deliveryLogs = new EncryptedLogGroup(this, 'DeliveryLogs', {
      purpose: 'the delivery of captured predictions to the prediction records',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    deliveryLogs.grantWrite(this.deliveryRole);
    const stack = Stack.of(this);
    const cidrMappingExisted = stack.node.tryFindChild(FIREHOSE_CIDR_MAPPING_ID) !== undefined;
    this.stream = new firehose.DeliveryStream(this, 'Stream', {
      destination: new firehose.S3Bucket(records.bucket, {
        // aws-cdk-lib grants its own role read-write on the whole bucket; the immutable view keeps the narrow grants above.
        role: this.deliveryRole.withoutPolicyUpdates(),
        processors: [
          new firehose.DecompressionProcessor(),
          new firehose.CloudWatchLogProcessor({ dataMessageExtraction: true }),
          new firehose.AppendDelimiterToRecordProcessor(),
        ],
        dataOutputPrefix: this.dataOutputPrefix,
        errorOutputPrefix: `${folder}delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/`,
        fileExtension: '.jsonl',
        // No encryptionKey here: objects get the bucket's default SSE-KMS with the records key, which S3 applies with
        // the role's grant; aws-cdk-lib would otherwise add the key's use to the key policy for this role.
        compression: firehose.Compression.UNCOMPRESSED,
        bufferingInterval: BUFFERING_INTERVAL,
        bufferingSize: BUFFERING_SIZE,
        loggingConfig: new firehose.EnableLogging(deliveryLogs.logGroup),
      }),
    });
    // The records key encrypts the stream's buffer too. Written on the resource: aws-cdk-lib's `encryption` would
    // create a role that is not used for a direct-put stream and give it the key's use; Firehose takes a KMS grant
    // at creation instead, which the key policy allows for AWS services only.
    (this.stream.node.defaultChild as firehose.CfnDeliveryStream).deliveryStreamEncryptionConfigurationInput = {
      keyType: 'CUSTOMER_MANAGED_CMK',
      keyArn: records.encryptionKey.keyArn,
    };
    // The role's statements are in its managed policy, which Firehose checks at creation.
    this.stream.node.addDependency(this.deliveryRole.policy);
    // aws-cdk-lib adds a region -> Firehose CIDR mapping for the stream's `connections` (VPC destinations), which
    // this stream never uses; in a region-agnostic stack it is rendered unreferenced (CloudFormation W7001). Removed
    // only when this stream added it, so another stream's use of it is kept.
    if (!cidrMappingExisted) stack.node.tryRemoveChild(FIREHOSE_CIDR_MAPPING_ID);
    const subscriptionRole = new ManagedPolicyRole(this, 'SubscriptionRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com', { conditions: { StringLike: { 'aws:SourceArn': Stack.of(this).formatArn({ service: 'logs', resource: '*' }) } } }),
      description: 'Lets CloudWatch Logs send captured predictions of the inference function to their delivery stream (modelstack)',
    });
    new logs.SubscriptionFilter(this, 'Subscription', {
      logGroup: props.logGroup,
      destination: new destinations.FirehoseDestination(this.stream, { role: subscriptionRole }),
      filterPattern: logs.FilterPattern.literal(CAPTURE_LOG_FILTER),
    });
  }
}
