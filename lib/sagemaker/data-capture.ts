/**
 * Data capture of a SageMaker endpoint: a sample of requests and/or responses that SageMaker itself writes as JSON
 * Lines under `capture/<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/` of the endpoint's prediction records
 * ({@link PredictionRecords}, or records given: one bucket per endpoint for both platforms), encrypted with the
 * records key. Off unless configured (payloads may hold personal data). The execution role may write under
 * `capture/` only. SageMaker stores request bodies as sent, so it cannot leave out features marked
 * `"capture": false`: inputs are then refused (see {@link validateDataCapture}).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { Manifest } from '../../lambda/core/manifest';
import { RECORD_PREFIXES } from '../../lambda/records/record-format';
import { PredictionRecords } from '../prediction-records';
import type { IPredictionRecords } from '../prediction-records-interface';
import type { PropsValidator } from '../props-validation';

/** The key prefix SageMaker writes capture files under. */
export const CAPTURE_PREFIX = RECORD_PREFIXES.capture;

/** What to capture. */
export interface DataCaptureOptions {
  /**
   * Percentage of requests captured, 1 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Capture request bodies.
   * @default true
   */
  readonly captureInput?: boolean;
  /**
   * Capture response bodies.
   * @default true
   */
  readonly captureOutput?: boolean;
  /**
   * How long capture files are kept, when the endpoint makes its own records (`records` unset): a whole number of
   * days, at least 1.
   * @default Duration.days(30)
   */
  readonly expiration?: Duration;
  /**
   * The records SageMaker writes into.
   * @default - new {@link PredictionRecords} of the endpoint (construct id `Records`)
   */
  readonly records?: IPredictionRecords;
}

/** Checks the capture options against each other and against the manifest. */
export function validateDataCapture(validator: PropsValidator, options: DataCaptureOptions, manifest: Manifest): void {
  validator.integerInRange('dataCapture.samplingPercentage', options.samplingPercentage, 1, 100, '%');
  if (options.captureInput === false && options.captureOutput === false) {
    validator.fail('dataCapture.captureOutput', false, 'true when captureInput is false: capture the input, the output or both');
  }
  validator.durationInRange('dataCapture.expiration', options.expiration, Duration.days(1), undefined, 'days');
  const private_ = manifest.input.features.filter((f) => f.capture === false).map((f) => f.name);
  if (options.captureInput !== false && private_.length > 0) {
    validator.fail(
      'dataCapture.captureInput',
      true,
      `false: the manifest marks ${private_.map((n) => `"${n}"`).join(', ')} "capture": false, and SageMaker data capture stores request bodies whole`,
    );
  }
}

/** Properties of a {@link DataCapture}. */
export interface DataCaptureProps extends DataCaptureOptions {
  /** The model's name. */
  readonly modelName: string;
  /** Where new records log server access. @default - no access logs */
  readonly accessLogsBucket?: s3.IBucket;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** The endpoint's capture settings and the records they write into. */
export class DataCapture extends Construct {
  /** Where SageMaker writes capture files. */
  public readonly records: IPredictionRecords;
  private readonly options: DataCaptureOptions;

  constructor(scope: Construct, id: string, props: DataCaptureProps) {
    super(scope, id);
    this.options = props;
    this.records =
      props.records ??
      new PredictionRecords(this, 'Records', {
        modelName: props.modelName,
        ...(props.accessLogsBucket === undefined ? {} : { accessLogsBucket: props.accessLogsBucket }),
        ...(props.expiration === undefined ? {} : { captureExpiration: props.expiration }),
        ...(props.removalPolicy === undefined ? {} : { removalPolicy: props.removalPolicy }),
      });
  }

  /** Lets the execution role write capture files (and encrypt them), under `capture/` only. */
  public grantWrite(role: iam.IRole): iam.Grant {
    return this.records.grantWriteCaptures(role);
  }

  /** The endpoint config's `DataCaptureConfig`. */
  public get config(): sagemaker.CfnEndpointConfig.DataCaptureConfigProperty {
    const modes = [
      ...(this.options.captureInput === false ? [] : [{ captureMode: 'Input' }]),
      ...(this.options.captureOutput === false ? [] : [{ captureMode: 'Output' }]),
    ];
    return {
      enableCapture: true,
      initialSamplingPercentage: this.options.samplingPercentage ?? 100,
      destinationS3Uri: this.records.bucket.s3UrlForObject(CAPTURE_PREFIX.replace(/\/$/, '')),
      kmsKeyId: this.records.encryptionKey.keyArn,
      captureOptions: modes,
      captureContentTypeHeader: { jsonContentTypes: ['application/json'], csvContentTypes: ['text/csv'] },
    };
  }
}
