/**
 * The quality job's CloudWatch metrics (EMF): names, units and dimensions, written once. The job emits them
 * (`hosts/quality-handler.ts`) and `QualityMonitor`'s alarms and dashboard read them from here, so an alarm can
 * never watch a series the job does not write.
 *
 * Every metric carries {@link QUALITY_DIMENSIONS.service} (the model name); per-class metrics add
 * {@link QUALITY_DIMENSIONS.label}, per-feature metrics {@link QUALITY_DIMENSIONS.feature}. One data point per
 * window, emitted when the job evaluates it.
 */
import type { RuntimeMetric } from '../serving/metric-names';

/** Namespace of the quality metrics by default: the runtime's, so one namespace holds a model's metrics. */
export const QUALITY_NAMESPACE = 'modelstack';

/** Dimension names of the quality metrics. */
export const QUALITY_DIMENSIONS = {
  /** The model name. */
  service: 'service',
  /** A class label (per-class precision and recall). */
  label: 'label',
  /** A feature name (drift). */
  feature: 'feature',
} as const;

/** The metrics the quality job emits, by role. Statistics are per window (one point each). */
export const QUALITY_METRICS = {
  /** Instances predicted in the window. */
  windowPredictions: { name: 'QualityWindowPredictions', unit: 'Count', statistic: 'Sum', dimensions: [] },
  /** Instances of the window with ground truth: the gate of every quality alarm. */
  labelledPredictions: { name: 'LabelledPredictions', unit: 'Count', statistic: 'Sum', dimensions: [] },
  /** Labelled share of the window's predictions (0-1). */
  labelledShare: { name: 'LabelledShare', unit: 'None', statistic: 'Average', dimensions: [] },
  /** Live accuracy over the labelled predictions (classification). */
  accuracy: { name: 'LiveAccuracy', unit: 'None', statistic: 'Average', dimensions: [] },
  /** Live recall of one class. */
  classRecall: { name: 'LiveClassRecall', unit: 'None', statistic: 'Average', dimensions: [QUALITY_DIMENSIONS.label] },
  /** Live precision of one class. */
  classPrecision: { name: 'LiveClassPrecision', unit: 'None', statistic: 'Average', dimensions: [QUALITY_DIMENSIONS.label] },
  /** Live mean absolute error (regression). */
  mae: { name: 'LiveMAE', unit: 'None', statistic: 'Average', dimensions: [] },
  /** Live root mean squared error (regression). */
  rmse: { name: 'LiveRMSE', unit: 'None', statistic: 'Average', dimensions: [] },
  /** PSI of one numeric feature against its training bins. */
  featurePsi: { name: 'FeaturePSI', unit: 'None', statistic: 'Maximum', dimensions: [QUALITY_DIMENSIONS.feature] },
  /** Share of one categorical feature's values unseen in training (0-1). */
  unseenCategoryShare: { name: 'UnseenCategoryShare', unit: 'None', statistic: 'Maximum', dimensions: [QUALITY_DIMENSIONS.feature] },
  /** Share of one feature's values missing (0-1). */
  missingShare: { name: 'FeatureMissingShare', unit: 'None', statistic: 'Maximum', dimensions: [QUALITY_DIMENSIONS.feature] },
} as const satisfies Record<string, Omit<RuntimeMetric, 'statistic'> & { readonly statistic: 'Sum' | 'Average' | 'Maximum' }>;

/** The live metrics a model can promise in its manifest and be alarmed on, with the quality metric that tracks each. */
export const ALARMABLE_LIVE_METRICS = {
  accuracy: QUALITY_METRICS.accuracy,
  mae: QUALITY_METRICS.mae,
  rmse: QUALITY_METRICS.rmse,
} as const;

/** Per-class metrics a manifest's `minimumPerClass` can promise, with their quality metric. */
export const ALARMABLE_CLASS_METRICS = {
  recall: QUALITY_METRICS.classRecall,
  precision: QUALITY_METRICS.classPrecision,
} as const;

/** Environment variables of the quality job. */
export const QUALITY_ENV = {
  /** The records bucket. */
  recordsBucket: 'RECORDS_BUCKET',
  /** The capture prefix of the endpoint, e.g. `capture/<endpoint>/` (every variant under it). */
  capturePrefix: 'CAPTURE_PREFIX',
  /** Hours between a prediction and the run that evaluates its window. */
  labelDelayHours: 'LABEL_DELAY_HOURS',
  /** Length of a window in hours. */
  windowHours: 'WINDOW_HOURS',
  /** CloudWatch namespace (Powertools' variable). */
  namespace: 'POWERTOOLS_METRICS_NAMESPACE',
  /** The model name, the `service` dimension (Powertools' variable). */
  service: 'POWERTOOLS_SERVICE_NAME',
} as const;

/** Files the quality job's bundle carries beside `index.js`. */
export const QUALITY_BUNDLE_FILES = { manifest: 'model.json', profile: 'profile.json' } as const;
