/**
 * The runtime's EMF metrics as CloudWatch bills them: one custom metric per metric name and dimension
 * combination (lambda/serving/metric-names.ts). Expected: what a healthy month emits (latency, batch size, model
 * load time, a prediction count per label or the predicted value); worst case: every metric with every label and
 * every rejection reason, each emitting every hour.
 */
import { REJECT_REASONS, RUNTIME_DIMENSIONS, RUNTIME_METRICS, type RuntimeMetric } from '../../../lambda/serving/metric-names';
import type { LineItemDraft, Range } from '../line-item';
import type { ModelInfo } from '../pricing-context';

/** The metrics a healthy month emits. */
const EXPECTED: ReadonlyArray<keyof typeof RUNTIME_METRICS> = ['latency', 'batchSize', 'predictions', 'predictedValue', 'predictedTargetSum', 'predictedTargetCount', 'modelLoadTime'];

function combinations(role: keyof typeof RUNTIME_METRICS, metric: RuntimeMetric, model: ModelInfo | undefined): number {
  const classification = model !== undefined && model.task !== 'regression';
  if (role === 'predictions') return classification ? model.labels.length : 0;
  if (role === 'predictedValue') return model?.task === 'regression' && model.targets === undefined ? 1 : 0;
  if (metric.dimensions.includes(RUNTIME_DIMENSIONS.target)) return model?.targets?.length ?? 0;
  if (metric.dimensions.includes(RUNTIME_DIMENSIONS.reason)) return REJECT_REASONS.length;
  return 1;
}

/** Custom metrics the runtime of `model` emits in a month. */
export function runtimeMetricCount(model: ModelInfo | undefined): Range {
  let expected = 0;
  let worstCase = 0;
  for (const [role, metric] of Object.entries(RUNTIME_METRICS) as Array<[keyof typeof RUNTIME_METRICS, RuntimeMetric]>) {
    const count = combinations(role, metric, model);
    worstCase += count;
    if (EXPECTED.includes(role)) expected += count;
  }
  return { expected, worstCase };
}

/** The line item of the runtime's custom metrics, for a resource that runs the runtime with EMF on. */
export function runtimeMetricsLine(model: ModelInfo | undefined, namespace: string): LineItemDraft {
  const count = runtimeMetricCount(model);
  const labels = model === undefined ? 'model unknown: per-label metrics not counted' : model.task === 'regression' ? 'regression' : `${model.labels.length} labels`;
  return {
    id: 'custom-metrics',
    description: `runtime EMF metrics (namespace ${namespace})`,
    kind: 'traffic',
    priceKey: 'cloudwatch.metric',
    quantity: count,
    basis: `${count.expected} metrics (healthy month) to ${count.worstCase} (every rejection reason too); name × dimensions, ${labels}`,
  };
}
