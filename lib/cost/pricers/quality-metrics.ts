/**
 * The quality job's EMF metrics as CloudWatch bills them: one custom metric per name and dimension combination
 * (lambda/records/quality-metric-names.ts). Expected: the window figures and the live metrics of the task (one
 * recall and one precision per label); worst case: drift too, two metrics per captured feature (PSI or unseen
 * categories, and the missing share), which the job emits only when the records keep the inputs.
 */
import { QUALITY_METRICS } from '../../../lambda/records/quality-metric-names';
import type { LineItemDraft, Range } from '../line-item';
import type { ModelInfo } from '../pricing-context';

const WINDOW_METRICS = [QUALITY_METRICS.windowPredictions, QUALITY_METRICS.labelledPredictions, QUALITY_METRICS.labelledShare].length;
const REGRESSION_METRICS = [QUALITY_METRICS.mae, QUALITY_METRICS.rmse].length;
const CLASS_METRICS = [QUALITY_METRICS.classRecall, QUALITY_METRICS.classPrecision].length;
/** Per feature: PSI (numeric) or the unseen share (categorical), and the missing share. */
const DRIFT_METRICS_PER_FEATURE = 2;

/** Custom metrics the quality job of `model` emits in a month. */
export function qualityMetricCount(model: ModelInfo | undefined): Range {
  const live = model === undefined ? 0 : model.task === 'regression' ? REGRESSION_METRICS : 1 + CLASS_METRICS * model.labels.length;
  const expected = WINDOW_METRICS + live;
  return { expected, worstCase: expected + DRIFT_METRICS_PER_FEATURE * (model?.capturedFeatures ?? 0) };
}

/** The line item of the quality job's custom metrics. */
export function qualityMetricsLine(model: ModelInfo | undefined, namespace: string): LineItemDraft {
  const count = qualityMetricCount(model);
  const known = model === undefined ? 'model unknown: live metrics per label not counted' : model.task === 'regression' ? 'regression' : `${model.labels.length} labels`;
  const drift = model?.capturedFeatures === undefined ? 'captured features unknown: drift not counted' : `drift on ${model.capturedFeatures} captured features when inputs are kept`;
  return {
    id: 'custom-metrics',
    description: `quality job EMF metrics (namespace ${namespace})`,
    kind: 'fixed',
    priceKey: 'cloudwatch.metric',
    quantity: count,
    basis: `${count.expected} metrics (window and live figures, ${known}) to ${count.worstCase} (${drift}); name × dimensions`,
  };
}
