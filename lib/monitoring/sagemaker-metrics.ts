/**
 * SageMaker's platform metrics for monitoring, for the SageMaker endpoint construct to return from
 * `metricsForMonitoring()`: the 4XX rate, `OverheadLatency` p99, CPU and memory utilization per instance, and
 * `ModelSetupTime` for serverless endpoints. (The 5XX rate and `ModelLatency` p99 come from the common
 * `metricErrors()` and `metricLatency()`; SageMaker reports latencies in microseconds, while the interface's
 * `metricLatency()` must return milliseconds: {@link inMilliseconds} converts them.)
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { PlatformMetric } from './platform-metric';

/** Which endpoint variant to watch. */
export interface SageMakerMonitoringProps {
  /** The endpoint's name. */
  readonly endpointName: string;

  /**
   * The production variant's name.
   * @default 'AllTraffic'
   */
  readonly variantName?: string;

  /**
   * A serverless endpoint: no instance CPU or memory, but `ModelSetupTime` on cold starts.
   * @default false
   */
  readonly serverless?: boolean;

  /**
   * vCPUs of one instance: SageMaker reports `CPUUtilization` summed over the cores (up to 100% × vCPUs), so it
   * is divided by this to give a percentage of the instance.
   * @default 1
   */
  readonly instanceVcpus?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Fewest invocations in 5 minutes for the 4XX rate to count. */
const MIN_INVOCATIONS = 20;

/**
 * A SageMaker latency (microseconds) in milliseconds. The expression's metric id names the statistic, so several
 * percentiles of one latency can share a dashboard graph (two inputs with one id and different statistics cannot).
 */
export function inMilliseconds(microseconds: cloudwatch.Metric, label?: string): cloudwatch.MathExpression {
  const id = `us_${microseconds.statistic.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
  return new cloudwatch.MathExpression({ expression: `${id} / 1000`, usingMetrics: { [id]: microseconds }, period: microseconds.period, label: label ?? `${microseconds.metricName} ${microseconds.statistic} (ms)` });
}

/** The platform metrics of a SageMaker endpoint variant. */
export function sageMakerMonitoringMetrics(props: SageMakerMonitoringProps): PlatformMetric[] {
  const dimensionsMap = { EndpointName: props.endpointName, VariantName: props.variantName ?? 'AllTraffic' };
  const invocationMetric = (metricName: string, statistic: string, period: Duration): cloudwatch.Metric =>
    new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap, statistic, period });
  const instanceMetric = (metricName: string): cloudwatch.Metric =>
    new cloudwatch.Metric({ namespace: '/aws/sagemaker/Endpoints', metricName, dimensionsMap, statistic: 'Average', period: FIVE_MINUTES });
  const metrics: PlatformMetric[] = [
    {
      id: 'Invocation4XXRate',
      title: 'Invocation 4XX errors (% of invocations)',
      metric: new cloudwatch.MathExpression({
        expression: `IF(requests >= ${MIN_INVOCATIONS}, 100 * FILL(errors, 0) / requests, 0)`,
        usingMetrics: { errors: invocationMetric('Invocation4XXErrors', 'Sum', FIVE_MINUTES), requests: invocationMetric('Invocations', 'Sum', FIVE_MINUTES) },
        period: FIVE_MINUTES,
        label: '4XX (% of invocations)',
      }),
      thresholds: { warning: 5 },
      meaning: 'Requests SageMaker or the container refused as client errors (3 of 3 five-minute periods). No data means no traffic.',
      runbook: 'Compare with the runtime\'s invalid requests by reason: 4XX without a runtime reason are refused by SageMaker itself (payload over its limit, a wrong content type or a missing endpoint).',
      group: 'errors',
    },
    {
      id: 'OverheadLatencyP99',
      title: 'SageMaker overhead latency p99 (ms)',
      metric: inMilliseconds(invocationMetric('OverheadLatency', 'p99', FIVE_MINUTES), 'Overhead p99 (ms)'),
      thresholds: { warning: 100 },
      meaning: 'Time SageMaker adds around the container (authentication, routing, payload transfer) is high at p99.',
      runbook: 'Large payloads or a busy account-level endpoint cause it: send smaller batches, or open an AWS support case if it persists with small payloads.',
      group: 'latency',
    },
  ];
  if (props.serverless) {
    metrics.push({
      id: 'ModelSetupTime',
      title: 'Serverless model setup time p99 (ms)',
      metric: inMilliseconds(invocationMetric('ModelSetupTime', 'p99', FIVE_MINUTES), 'Model setup p99 (ms)'),
      thresholds: { warning: 10_000 },
      evaluationPeriods: 1,
      meaning: 'Cold starts of the serverless endpoint (launching compute and loading the model) take longer than 10 s at p99. No data means no cold start.',
      runbook: 'Give the endpoint provisioned concurrency, or more memory, or a smaller model/container image.',
      group: 'latency',
    });
    return metrics;
  }
  const vcpus = props.instanceVcpus ?? 1;
  metrics.push(
    {
      id: 'CpuUtilization',
      title: 'CPU utilization per instance (%)',
      metric: new cloudwatch.MathExpression({ expression: `cpu / ${vcpus}`, usingMetrics: { cpu: instanceMetric('CPUUtilization') }, period: FIVE_MINUTES, label: 'CPU (% of instance)' }),
      thresholds: { warning: 80, critical: 95 },
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      meaning: 'The instances are CPU-bound (average over the variant); latency and queueing follow. Missing data is kept as missing: instances always report, so silence means the endpoint is gone and shows as insufficient data.',
      runbook: 'Scale the variant out (raise its instance count or auto-scaling maximum) or pick a larger instance type.',
      group: 'capacity',
    },
    {
      id: 'MemoryUtilization',
      title: 'Memory utilization per instance (%)',
      metric: instanceMetric('MemoryUtilization'),
      thresholds: { warning: 80, critical: 90 },
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      meaning: 'The instances are close to running out of memory (the container is killed at 100%). Missing data is kept as missing, as for CPU.',
      runbook: 'Lower maxBatchSize, or pick an instance type with more memory.',
      group: 'capacity',
    },
  );
  return metrics;
}
