/**
 * What every serving platform offers to the rest of the stack. Alarms, dashboards, rollout, cost and grants see
 * only this interface, so a new platform is one construct implementing it plus one `ServingPlatform` subclass (`serving-platform.ts`).
 */
import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { PlatformMetric } from './monitoring/platform-metric';

/** The serving platforms modelstack builds. */
export type InferencePlatform = 'lambda' | 'sagemaker';

/** An inference endpoint serving one model with the modelstack runtime. */
export interface IInferenceEndpoint extends IConstruct {
  /** Which platform serves the model. */
  readonly platform: InferencePlatform;

  /** The address clients call (for stack outputs): a function URL, or a SageMaker runtime invocation URL. */
  readonly endpointUrl: string;

  /** One sentence on how to call {@link endpointUrl} (auth, signing service), for the stack output's description. */
  readonly endpointUrlDescription: string;

  /** The model this endpoint serves (the manifest's name): the runtime metrics' `service` dimension. */
  readonly modelName: string;

  /**
   * The longest a request may run before the platform gives up on it: the function timeout, or SageMaker's
   * 60-second invocation limit. Latency alarms are set against it.
   */
  readonly requestTimeout: Duration;

  /** Lets `grantee` invoke the endpoint (and nothing else). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;

  /** Requests the platform received (Sum over 5 minutes unless overridden). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * Requests that failed on the server side: Lambda function errors, or SageMaker 5XX responses (Sum over
   * 5 minutes unless overridden).
   */
  metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * Time the platform measured per request: Lambda `Duration`, or SageMaker `ModelLatency` (Average over
   * 5 minutes unless overridden; pass `statistic: 'p99'` for the tail), in milliseconds.
   */
  metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * Requests refused for lack of capacity (Lambda `Throttles`, Sum over 5 minutes unless overridden);
   * `undefined` where the platform reports none (SageMaker real-time queues instead of throttling).
   */
  metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.IMetric | undefined;

  /**
   * Requests the runtime rejected with a 4xx, from its own EMF metrics: for one `reason`, or the sum over every
   * reason when none is given (Sum over 5 minutes unless overridden).
   */
  metricInvalidRequests(reason?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * Predictions the runtime returned, from its EMF metrics: of one `label`, or of every label of the manifest
   * when none is given (classification; Sum over 5 minutes unless overridden). For regression use
   * {@link metricPredictedValue}.
   */
  metricPredictions(label?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** The values the runtime predicted (regression): Average over 5 minutes is the mean prediction. */
  metricPredictedValue(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * A multi-output regression: the sum of one target's predicted values, from the runtime's EMF metrics (Sum over
   * 5 minutes unless overridden); divided by {@link metricPredictedTargetCount} it is the target's mean prediction.
   */
  metricPredictedTargetSum(target: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** A multi-output regression: how many values of one target the runtime predicted (Sum over 5 minutes unless overridden). */
  metricPredictedTargetCount(target: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Failed attempts to load the model (download, SHA-256 check, session), from the runtime's EMF metrics. */
  metricModelLoadFailures(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Requests the runtime answered with a 500 (an unexpected error), from its EMF metrics. */
  metricRuntimeErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /** Time the runtime itself spent per request (parse, prepare, predict, serialize), from its EMF metrics. */
  metricRuntimeLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric;

  /**
   * Platform-specific metrics worth watching, each with the thresholds the platform recommends per severity:
   * `Monitoring` graphs each one and alarms where a threshold is given (the config can override them by id).
   * Optional: a platform without any gets only the common alarms above.
   *
   * Lambda offers concurrency against its reservation and provisioned-concurrency spillover. A SageMaker endpoint
   * should offer its 4XX rate, `OverheadLatency`, CPU and memory utilization per instance and, when serverless,
   * `ModelSetupTime`: `sageMakerMonitoringMetrics()` (lib/monitoring/sagemaker-metrics.ts) builds exactly those.
   * Give rates their own `IF(requests >= n, ...)` guard, decide missing data per metric, and name expression
   * inputs after their statistic (as `inMilliseconds()` does) so several percentiles can share one graph.
   */
  metricsForMonitoring?(): readonly PlatformMetric[];
}
