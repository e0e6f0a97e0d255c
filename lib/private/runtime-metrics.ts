/**
 * CloudWatch metrics of the modelstack runtime's own EMF output, built from the names the runtime emits
 * (`lambda/serving/metric-names.ts`). Every platform's endpoint construct delegates its runtime `metric…()`
 * methods here, so Lambda and SageMaker read the same series the same way.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { REJECT_REASONS, RUNTIME_DIMENSIONS, RUNTIME_METRICS, type RuntimeMetric } from '../../lambda/serving/metric-names';

/** Where the runtime writes its metrics. */
export interface RuntimeMetricsProps {
  /** The CloudWatch namespace the runtime writes to. */
  readonly namespace: string;
  /** The model name: the runtime's `service` dimension. */
  readonly modelName: string;
  /** The manifest's labels (classification), so "every label" can be summed; empty for regression. */
  readonly labels: readonly string[];
}

const DEFAULT_PERIOD = Duration.minutes(5);

/** The runtime's metrics for one model. */
export class RuntimeMetrics {
  constructor(private readonly props: RuntimeMetricsProps) {}

  /**
   * One runtime metric. The caller's options are spread last, so they override the defaults (statistic,
   * period) and may add dimensions beside `service`.
   */
  public metric(metric: RuntimeMetric, dimensions: Readonly<Record<string, string>> = {}, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.namespace,
      metricName: metric.name,
      statistic: metric.statistic,
      period: DEFAULT_PERIOD,
      ...props,
      dimensionsMap: { [RUNTIME_DIMENSIONS.service]: this.props.modelName, ...dimensions, ...props.dimensionsMap },
    });
  }

  /** Rejected requests of one reason, or the sum over every reason the runtime knows. */
  public invalidRequests(reason: string | undefined, props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const metric = RUNTIME_METRICS.invalidRequests;
    if (reason !== undefined) return this.metric(metric, { [RUNTIME_DIMENSIONS.reason]: reason }, props);
    return this.sumOver(metric, RUNTIME_DIMENSIONS.reason, REJECT_REASONS, 'reason', 'Requests rejected by the runtime (all reasons)', props);
  }

  /** Predictions of one label, or the sum over the manifest's labels. */
  public predictions(label: string | undefined, props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const metric = RUNTIME_METRICS.predictions;
    if (label !== undefined) return this.metric(metric, { [RUNTIME_DIMENSIONS.label]: label }, props);
    if (this.props.labels.length === 0) {
      throw new Error(`model '${this.props.modelName}' is a regression model: it has no labels to count predictions of; use metricPredictedValue()`);
    }
    return this.sumOver(metric, RUNTIME_DIMENSIONS.label, this.props.labels, 'label', 'Predictions (all labels)', props);
  }

  /**
   * `SUM([...])` of one metric over the values of a dimension: alarmable (unlike SEARCH), since the values are
   * known at synth. Missing series count as nothing.
   */
  private sumOver(
    metric: RuntimeMetric,
    dimension: string,
    values: readonly string[],
    idPrefix: string,
    label: string,
    props: cloudwatch.MetricOptions,
  ): cloudwatch.MathExpression {
    const usingMetrics: Record<string, cloudwatch.IMetric> = {};
    values.forEach((value, index) => {
      usingMetrics[`${idPrefix}${index}`] = this.metric(metric, { [dimension]: value }, { ...props, label: value });
    });
    return new cloudwatch.MathExpression({
      expression: `SUM([${Object.keys(usingMetrics).join(',')}])`,
      usingMetrics,
      label: props.label ?? label,
      period: props.period ?? DEFAULT_PERIOD,
      ...(props.color === undefined ? {} : { color: props.color }),
    });
  }
}
