/**
 * The model drop: a second source of the pipeline. A zip holding `model.onnx` and `model.json` (and optionally
 * `evaluation.json`) uploaded to one key of a bucket of its own starts a run, and the build, gate and verify steps
 * put those files into the model folder before they synthesize, judge or verify it.
 *
 * CodePipeline's S3 source reads one object key (a zip). The run starts on S3's own "Object Created" event through
 * EventBridge (the bucket sends its events to EventBridge), not on polling and not through a CloudTrail trail.
 *
 * The bucket: SSE-KMS with the pipeline's customer-managed key, versioned (each drop is kept), TLS only, public
 * access blocked, server access logs to the pipeline's access-log bucket.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { dataBucketProps } from '../private/bucket-defaults';
import { inEveryPack } from './pipeline-findings';

/** The folder of a step's working directory where the drop's files are (the additional input's name). */
export const MODEL_DROP_INPUT = 'model-drop';

/** Props of {@link ModelDropBucket}. */
export interface ModelDropBucketProps {
  /** Key of the zip; its upload starts a run. */
  readonly objectKey: string;
  /** Key of the bucket. */
  readonly encryptionKey: kms.IKey;
  /** Where the bucket's access logs go. */
  readonly accessLogsBucket: s3.IBucket;
  /** What happens to the bucket when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The drop bucket; {@link startOnUpload} wires its uploads to the pipeline. */
export class ModelDropBucket extends Construct {
  /** The bucket. */
  public readonly bucket: s3.Bucket;
  /** Key of the zip. */
  public readonly objectKey: string;

  constructor(scope: Construct, id: string, props: ModelDropBucketProps) {
    super(scope, id);
    this.objectKey = props.objectKey;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...dataBucketProps(props.encryptionKey),
      serverAccessLogsBucket: props.accessLogsBucket,
      serverAccessLogsPrefix: 'model-drop/',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // CloudFormation's own property: `eventBridgeEnabled` would add CDK's notifications custom resource (a function).
    (this.bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    Validations.of(this.bucket).acknowledge(
      ...inEveryPack('S3BucketReplicationEnabled', 'A dropped model is the output of a training run that can produce it again, and every version is kept in the bucket; replication would double its storage without a recovery need.'),
    );
  }

  /** An EventBridge rule that starts `pipeline` when the zip is uploaded. */
  public startOnUpload(pipeline: codepipeline.IPipeline): events.Rule {
    const rule = new events.Rule(this, 'StartOnUpload', {
      description: `A model dropped at s3://<bucket>/${this.objectKey} starts the model pipeline`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [this.objectKey] } },
      },
      targets: [new targets.CodePipeline(pipeline)],
    });
    Validations.of(rule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason: 'EventBridge retries starting the pipeline for 24 hours; the dropped zip stays in the versioned bucket, and a run started by hand (or the next drop) takes it.',
    });
    return rule;
  }
}

/**
 * The command that puts the dropped files into `modelDirectory`: the drop's `model.onnx` and `model.json`, and its
 * `evaluation.json` or, without one, none (an evaluation of the replaced model is not this one's). An empty drop
 * (no `model.onnx`) leaves the repository's model.
 */
export function applyModelDropCommand(modelDirectory: string): string {
  const drop = MODEL_DROP_INPUT;
  return (
    `if [ -f ${drop}/model.onnx ] && [ -f ${drop}/model.json ]; then ` +
    `cp ${drop}/model.onnx ${drop}/model.json ${modelDirectory}/ && ` +
    `if [ -f ${drop}/evaluation.json ]; then cp ${drop}/evaluation.json ${modelDirectory}/; else rm -f ${modelDirectory}/evaluation.json; fi && ` +
    `echo "model drop: ${modelDirectory} now holds the dropped model"; ` +
    `else echo "model drop: empty, the repository's model stays"; fi`
  );
}
