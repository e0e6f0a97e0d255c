/**
 * A window's quality record as CloudWatch EMF (Powertools Metrics), with the names, units and dimensions of
 * `quality-metric-names.ts`: the window-level figures on the `service` dimension, per-class figures with `label`,
 * drift with `feature`. Nothing is emitted for a figure the window does not have (no labels: no accuracy).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { QUALITY_DIMENSIONS, QUALITY_METRICS } from './quality-metric-names';
import type { QualityRecord } from './quality-window';

type QualityMetric = (typeof QUALITY_METRICS)[keyof typeof QUALITY_METRICS];

function add(metrics: Metrics, metric: QualityMetric, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) metrics.addMetric(metric.name, metric.unit, value);
}

function addWithDimension(metrics: Metrics, dimension: string, value: string, metric: QualityMetric, figure: number | undefined): void {
  if (figure === undefined || !Number.isFinite(figure)) return;
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(metric.name, metric.unit, figure);
}

/** Adds and publishes the record's metrics on `metrics` (whose service is the model name). */
export function emitQualityMetrics(metrics: Metrics, record: QualityRecord): void {
  add(metrics, QUALITY_METRICS.windowPredictions, record.predictions);
  add(metrics, QUALITY_METRICS.labelledPredictions, record.labelled);
  add(metrics, QUALITY_METRICS.labelledShare, record.labelledShare);
  add(metrics, QUALITY_METRICS.accuracy, record.live?.accuracy);
  add(metrics, QUALITY_METRICS.mae, record.live?.mae);
  add(metrics, QUALITY_METRICS.rmse, record.live?.rmse);
  for (const [label, scores] of Object.entries(record.live?.perClass ?? {})) {
    addWithDimension(metrics, QUALITY_DIMENSIONS.label, label, QUALITY_METRICS.classRecall, scores.recall);
    addWithDimension(metrics, QUALITY_DIMENSIONS.label, label, QUALITY_METRICS.classPrecision, scores.precision);
  }
  for (const [feature, drift] of Object.entries(record.drift ?? {})) {
    addWithDimension(metrics, QUALITY_DIMENSIONS.feature, feature, QUALITY_METRICS.featurePsi, drift.psi);
    addWithDimension(metrics, QUALITY_DIMENSIONS.feature, feature, QUALITY_METRICS.unseenCategoryShare, drift.unseenCategoryShare);
    if (drift.values > 0) addWithDimension(metrics, QUALITY_DIMENSIONS.feature, feature, QUALITY_METRICS.missingShare, drift.missingShare);
  }
  metrics.publishStoredMetrics();
}
