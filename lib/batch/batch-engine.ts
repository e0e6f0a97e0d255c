/**
 * What scores the rows of a batch run: the batch function on a Distributed Map (default, any platform), or a
 * SageMaker Batch Transform job with the endpoint's own model (container and model data).
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Size } from 'aws-cdk-lib';

/** A SageMaker Batch Transform job with an existing SageMaker model. */
export interface SageMakerTransformProps {
  /** The SageMaker model (the endpoint's: its container serves `/invocations` with the runtime). */
  readonly modelName: string;
  /** The model's execution role: it reads the input prefix and writes the output prefix during the job. */
  readonly executionRole: iam.IRole;
  /** Instance type of the job, e.g. `ml.c6i.large`. */
  readonly instanceType: string;
  /**
   * Instances of the job.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Largest mini-batch sent to `/invocations` (MaxPayloadInMB), at most 6 MiB (the runtime's request limit is
   * raised to match for the job).
   * @default Size.mebibytes(6)
   */
  readonly maxPayload?: Size;
  /**
   * Mini-batches in flight per instance (MaxConcurrentTransforms).
   * @default 2
   */
  readonly maxConcurrentTransforms?: number;
}

export class BatchEngine {
  /** The batch function on a Step Functions Distributed Map: pass-through columns, rejected rows, any platform. */
  public static lambda(): BatchEngine {
    return new BatchEngine('lambda', undefined);
  }

  /**
   * A SageMaker Batch Transform job from a Step Functions task: CSV input whose rows are features only, in
   * manifest order, without a header (SageMaker splits the file by line, so a header would reach only one
   * mini-batch); a row the runtime refuses fails its mini-batch and the job (docs/batch.md).
   */
  public static sageMakerTransform(props: SageMakerTransformProps): BatchEngine {
    return new BatchEngine('sagemaker-transform', props);
  }

  private constructor(
    /** Which engine. */
    public readonly kind: 'lambda' | 'sagemaker-transform',
    /** The transform's settings, for `sagemaker-transform`. */
    public readonly transform: SageMakerTransformProps | undefined,
  ) {}
}
