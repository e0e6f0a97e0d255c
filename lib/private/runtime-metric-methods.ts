/**
 * The runtime's `metric…()` methods of `IInferenceEndpoint`, written once for every platform: each endpoint
 * construct extends this and sets {@link runtimeMetrics} for its model and namespace.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RUNTIME_DIMENSIONS, RUNTIME_METRICS } from '../../lambda/serving/metric-names';
import type { RuntimeMetrics } from './runtime-metrics';

/** A construct serving a model with the modelstack runtime, whose EMF metrics it can read. */
export abstract class RuntimeMetricMethods extends Construct {
  /** The runtime's metrics for this endpoint's model and namespace. */
  protected abstract readonly runtimeMetrics: RuntimeMetrics;

  /** Requests the runtime rejected with a 4xx: for one `reason`, or summed over every reason. */
  public metricInvalidRequests(reason?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtimeMetrics.invalidRequests(reason, props);
  }

  /** Predictions of one `label`, or summed over the manifest's labels (classification). */
  public metricPredictions(label?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtimeMetrics.predictions(label, props);
  }

  /** The predicted values (regression): their Average is the mean prediction. */
  public metricPredictedValue(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.predictedValue, {}, props);
  }

  /** A multi-output regression: the sum of one target's predicted values. */
  public metricPredictedTargetSum(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.predictedTargetSum, { [RUNTIME_DIMENSIONS.target]: target }, props);
  }

  /** A multi-output regression: how many values of one target were predicted. */
  public metricPredictedTargetCount(target: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.predictedTargetCount, { [RUNTIME_DIMENSIONS.target]: target }, props);
  }

  /** Failed attempts to load the model. */
  public metricModelLoadFailures(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.modelLoadFailures, {}, props);
  }

  /** Requests the runtime answered with a 500. */
  public metricRuntimeErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.errors, {}, props);
  }

  /** Time the runtime spent per request. */
  public metricRuntimeLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.runtimeMetrics.metric(RUNTIME_METRICS.latency, {}, props);
  }
}
