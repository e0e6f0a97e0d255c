/**
 * The runtime's own CloudWatch metrics (EMF): names, units and dimensions, written once. The runtime emits them
 * (`observability.ts`) and the stack's `IInferenceEndpoint.metric…()` methods and alarms read them from here, so an
 * alarm can never watch a metric name that the runtime does not write.
 *
 * Every metric carries the dimension {@link RUNTIME_DIMENSIONS.service} (the model name). `Predictions` adds
 * {@link RUNTIME_DIMENSIONS.label}; `InvalidRequests` adds {@link RUNTIME_DIMENSIONS.reason}.
 */

/** Units as CloudWatch names them (and Powertools' `MetricUnit` values are). */
export type RuntimeMetricUnit = 'Milliseconds' | 'Count' | 'None';

/** One metric the runtime emits. */
export interface RuntimeMetric {
  /** CloudWatch metric name. */
  readonly name: string;
  /** CloudWatch unit. */
  readonly unit: RuntimeMetricUnit;
  /** The statistic that makes sense by default (`Sum` for counts, `Average` for times). */
  readonly statistic: 'Sum' | 'Average';
  /** Dimensions besides `service`. */
  readonly dimensions: readonly string[];
}

/** Dimension names of the runtime's metrics. */
export const RUNTIME_DIMENSIONS = {
  /** The model name (Powertools' service). */
  service: 'service',
  /** A predicted label (classification). */
  label: 'label',
  /** A multi-output regression's target (`output.targets`). */
  target: 'target',
  /** Why a request was rejected (`bad_json`, `invalid_input`, `too_large`, ...). */
  reason: 'reason',
} as const;

/** The metrics the runtime emits, by role. */
export const RUNTIME_METRICS = {
  /** Time the runtime spent on one request, from the request to its response. */
  latency: { name: 'Latency', unit: 'Milliseconds', statistic: 'Average', dimensions: [] },
  /** Instances in one successful inference. */
  batchSize: { name: 'BatchSize', unit: 'Count', statistic: 'Average', dimensions: [] },
  /** Predictions per label (classification); for regression see {@link RUNTIME_METRICS.predictedValue}. */
  predictions: { name: 'Predictions', unit: 'Count', statistic: 'Sum', dimensions: [RUNTIME_DIMENSIONS.label] },
  /** Each predicted value (regression): its average over a window is the mean prediction. */
  predictedValue: { name: 'PredictedValue', unit: 'None', statistic: 'Average', dimensions: [] },
  /**
   * A multi-output regression: the sum of one target's predicted values since the last flush (per target). Divided
   * by {@link RUNTIME_METRICS.predictedTargetCount} over a window it is that target's mean prediction; sums and
   * counts rather than each value keep it to two EMF documents per target per flush, whatever the traffic.
   */
  predictedTargetSum: { name: 'PredictedTargetSum', unit: 'None', statistic: 'Sum', dimensions: [RUNTIME_DIMENSIONS.target] },
  /** A multi-output regression: how many values of one target were predicted since the last flush. */
  predictedTargetCount: { name: 'PredictedTargetCount', unit: 'Count', statistic: 'Sum', dimensions: [RUNTIME_DIMENSIONS.target] },
  /** Requests answered with a 4xx, by reason (a 503 while the model loads is not the client's fault: not counted). */
  invalidRequests: { name: 'InvalidRequests', unit: 'Count', statistic: 'Sum', dimensions: [RUNTIME_DIMENSIONS.reason] },
  /** Requests answered with a 500 (an unexpected error). */
  errors: { name: 'Errors', unit: 'Count', statistic: 'Sum', dimensions: [] },
  /** Time to load the model (download, SHA-256 check, session creation), once per process. */
  modelLoadTime: { name: 'ModelLoadTime', unit: 'Milliseconds', statistic: 'Average', dimensions: [] },
  /** Failed model load attempts (permanent or transient). */
  modelLoadFailures: { name: 'ModelLoadFailures', unit: 'Count', statistic: 'Sum', dimensions: [] },
} as const satisfies Record<string, RuntimeMetric>;

/** Why a request was not answered with 200: the values of the {@link RUNTIME_DIMENSIONS.reason} dimension. */
export const REJECT_REASONS = [
  'bad_json',
  'invalid_input',
  'too_large',
  'unsupported_media_type',
  'not_found',
  'method_not_allowed',
  'timeout',
  'not_ready',
  'internal_error',
] as const;

/** One of {@link REJECT_REASONS}. */
export type RejectReason = (typeof REJECT_REASONS)[number];
