/**
 * Interfaces shared by the runtime's parts: the model core (load, prepare, predict) and the serving layer
 * (HTTP contract for the Lambda function URL, the local server and the SageMaker container).
 */
import type { Manifest } from './manifest';

/** One tensor of an ONNX model's signature, as onnxruntime reports it. */
export interface TensorInfo {
  /** Tensor name in the graph. */
  readonly name: string;
  /** Element type as onnxruntime names it (`float32`, `int64`, ...); `undefined` for non-tensor values. */
  readonly type: string | undefined;
  /** Dimensions: numbers for fixed sizes, strings for symbolic ones such as `batch`. Empty when unknown. */
  readonly shape: ReadonlyArray<number | string>;
}

/** An ONNX model's declared inputs and outputs. */
export interface ModelSignature {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** One model input of a prepared batch. */
export type PreparedTensor =
  | { readonly name: string; readonly type: 'float32'; readonly data: Float32Array; readonly dims: readonly number[] }
  | { readonly name: string; readonly type: 'float64'; readonly data: Float64Array; readonly dims: readonly number[] }
  | { readonly name: string; readonly type: 'int64'; readonly data: BigInt64Array; readonly dims: readonly number[] }
  | { readonly name: string; readonly type: 'string'; readonly data: readonly string[]; readonly dims: readonly number[] };

/** A batch of instances, validated and transformed per the manifest, ready to be the model's input tensors. */
export interface PreparedBatch {
  /**
   * Row-major `[count, featureCount]` values, already scaled and with missing values filled: the whole batch when
   * the model takes one float32 `[batch, features]` tensor of plain numbers (then `tensors` is absent); otherwise
   * the first tensor's values if it is float32.
   */
  readonly data: Float32Array;
  /** Number of instances (rows). */
  readonly count: number;
  /** Every model input, when the features feed more than one tensor, other element types, or encoded columns. */
  readonly tensors?: readonly PreparedTensor[];
}

/** A classification prediction. Probabilities are keyed by label, in the manifest's label order. */
export interface ClassPrediction {
  readonly label: string;
  readonly probabilities: Readonly<Record<string, number>>;
}

/** A regression prediction. */
export interface ValuePrediction {
  readonly value: number;
}

/** A multi-output regression prediction: one value per target, keyed by the manifest's `output.targets`, in order. */
export interface ValuesPrediction {
  readonly values: Readonly<Record<string, number>>;
}

export type Prediction = ClassPrediction | ValuePrediction | ValuesPrediction;

/** One problem with one field of one instance: enough for the caller to fix the request. */
export interface InputProblem {
  /** Zero-based index of the instance in the request (row index for CSV, not counting the header). */
  readonly instance: number;
  /** Feature or field name; `(instance)` when the instance itself is malformed. */
  readonly field: string;
  /** The offending value, rendered for the message (`missing` when absent). */
  readonly value: string;
  /** What is allowed, e.g. `a finite number`, `a number between 0 and 10`, `one of the features ...`. */
  readonly allowed: string;
}

/** A model loaded once per process and ready to serve. */
export interface LoadedModel {
  readonly manifest: Manifest;
  /** SHA-256 (hex) of the ONNX bytes that were loaded. */
  readonly sha256: string;
  /** The model's own declared inputs and outputs. */
  readonly signature: ModelSignature;
  /** Runs one batch through the model as a single tensor and maps the outputs to predictions. */
  predict(batch: PreparedBatch): Promise<Prediction[]>;
  /** Releases the native session. */
  close(): Promise<void>;
}

/** Limits on what one request may carry; over them the request gets a 413. */
export interface RequestLimits {
  /**
   * Largest request body accepted, in bytes.
   * @default 6291456 (6 MiB, the Lambda function URL's synchronous payload limit)
   */
  readonly maxPayloadBytes?: number;
  /**
   * Most instances in one request.
   * @default 1000
   */
  readonly maxBatchSize?: number;
}
