/**
 * The alarms every endpoint gets from {@link IInferenceEndpoint} alone (both platforms): error rates, tail latency
 * against the timeout, throttling, invalid requests by reason, model load failures and an optional heartbeat;
 * plus the alarms of the endpoint's own platform metrics (`metricsForMonitoring()`).
 *
 * Missing data, deliberately: every rate and latency alarm treats a period without data as not breaching (no
 * traffic is not an error); model load failures are emitted only when one happens, so silence means none; the
 * heartbeat alone treats missing data as breaching, since there it means nobody is calling.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { REJECT_REASONS, type RejectReason } from '../../lambda/serving/metric-names';
import type { IInferenceEndpoint } from '../inference-endpoint';
import { formatThreshold, percentOf, type AlarmDefinition } from './alarm-definition';
import type { AlarmSeverity, PlatformMetric } from './platform-metric';
import type { ResolvedSeverityOptions } from './severity-options';

/** Reasons alarmed by default: all but `internal_error`, which the runtime error rate covers. */
export const DEFAULT_ALARMED_REASONS: readonly RejectReason[] = REJECT_REASONS.filter((reason) => reason !== 'internal_error');

/** What to do when requests are rejected for each reason. */
const REASON_RUNBOOKS: Readonly<Record<RejectReason, string>> = {
  bad_json: 'A client sends malformed JSON: find it in the logs ("request rejected", reason bad_json, request id) and fix that client.',
  invalid_input:
    'Instances fail the manifest\'s checks (type, range, missing value, unknown field): the 400 bodies and logs name the fields; either a client changed what it sends or the manifest is stricter than the data, so compare with the training data before relaxing it.',
  too_large: 'Bodies or batches above maxPayloadBytes / maxBatchSize: ask the client to send smaller batches, or raise the limit in the platform config.',
  unsupported_media_type: 'A client sends a content type other than application/json or text/csv: fix its Content-Type header.',
  not_found: 'Requests to unknown paths or another model\'s name: a client has a wrong URL or model name (the 404 body lists the routes).',
  method_not_allowed: 'Requests with the wrong HTTP method: a misconfigured client or a scanner; identify the caller from its credentials.',
  timeout: 'Clients too slow to send their body (408): check the client\'s network and body sizes.',
  not_ready: 'Requests answered 503 while the model is loading or after it failed to load: see the ModelLoadFailures alarm and "model failed to load" in the logs.',
  internal_error: 'Requests answered 500: see the RuntimeErrorRate runbook.',
};

const NOT_BREACHING_NO_TRAFFIC = 'notBreaching: a period without requests has no data, and no traffic is not an error';

/** The alarm definitions of one severity for `endpoint`. */
export function endpointAlarms(
  endpoint: IInferenceEndpoint,
  severity: AlarmSeverity,
  options: ResolvedSeverityOptions,
  reasons: readonly RejectReason[],
): AlarmDefinition[] {
  const { period, minRequestsPerPeriod: min } = options;
  const window = { severity, evaluationPeriods: options.evaluationPeriods, datapointsToAlarm: options.datapointsToAlarm };
  const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
  const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
  const invocations = endpoint.metricInvocations({ period });
  const minutes = `${period.toMinutes()}-minute`;
  const guard = `(${options.datapointsToAlarm} of ${options.evaluationPeriods} ${minutes} periods, at least ${min} requests per period)`;
  const alarms: AlarmDefinition[] = [];

  if (options.errorRatePercent !== null) {
    alarms.push({
      ...window,
      id: 'ErrorRate',
      title: 'Platform errors (% of invocations)',
      metric: percentOf(endpoint.metricErrors({ period }), invocations, min, period, 'Platform errors (% of invocations)'),
      threshold: options.errorRatePercent,
      comparisonOperator: above,
      treatMissingData: notBreaching,
      missingDataReason: NOT_BREACHING_NO_TRAFFIC,
      meaning: `Requests failing on the platform (Lambda function errors: crashes, timeouts, out of memory; SageMaker 5XX) exceed ${formatThreshold(options.errorRatePercent, '%')} of invocations ${guard}.`,
      runbook: 'Read the endpoint\'s logs around the alarm time (each failure is logged with its request id); during a deployment CodeDeploy rolls back by itself, otherwise point the alias back to the previous version, or raise memory or the timeout if the logs show out-of-memory or timeouts.',
    });
  }
  if (options.runtimeErrorRatePercent !== null) {
    alarms.push({
      ...window,
      id: 'RuntimeErrorRate',
      title: 'Runtime 500s (% of invocations)',
      metric: percentOf(endpoint.metricRuntimeErrors({ period }), invocations, min, period, 'Runtime 500s (% of invocations)'),
      threshold: options.runtimeErrorRatePercent,
      comparisonOperator: above,
      treatMissingData: notBreaching,
      missingDataReason: NOT_BREACHING_NO_TRAFFIC,
      meaning: `Requests the runtime answered with a 500 (an unexpected exception, never a client mistake) exceed ${formatThreshold(options.runtimeErrorRatePercent, '%')} of invocations ${guard}.`,
      runbook: 'Search the logs for "request failed unexpectedly" and its stack trace; a new model or runtime version is the usual cause, so roll back, then reproduce locally with `npm start` and the logged request.',
    });
  }
  if (options.latencyP99PercentOfTimeout !== null) {
    const timeoutMs = endpoint.requestTimeout.toMilliseconds();
    const thresholdMs = (options.latencyP99PercentOfTimeout / 100) * timeoutMs;
    alarms.push({
      ...window,
      id: 'LatencyP99',
      title: 'Latency p99 (ms)',
      metric: endpoint.metricLatency({ statistic: 'p99', period, label: 'Latency p99 (ms)' }),
      threshold: thresholdMs,
      comparisonOperator: above,
      treatMissingData: notBreaching,
      missingDataReason: NOT_BREACHING_NO_TRAFFIC,
      meaning: `The p99 latency exceeds ${formatThreshold(thresholdMs, 'ms')}, ${options.latencyP99PercentOfTimeout}% of the ${formatThreshold(timeoutMs, 'ms')} request timeout (${options.datapointsToAlarm} of ${options.evaluationPeriods} ${minutes} periods): requests are about to time out.`,
      runbook: 'Compare the runtime\'s own Latency and BatchSize with the platform latency: a gap means cold starts or queueing (add provisioned concurrency or instances), a slow runtime means big batches or too little CPU (lower maxBatchSize or raise memory).',
    });
  }
  const throttles = endpoint.metricThrottles({ period });
  if (throttles !== undefined && options.throttleRatePercent !== null) {
    alarms.push({
      ...window,
      id: 'ThrottleRate',
      title: 'Throttled requests (% of requests)',
      metric: new cloudwatch.MathExpression({
        expression: `IF(FILL(requests, 0) + FILL(throttles, 0) >= ${min}, 100 * FILL(throttles, 0) / (FILL(requests, 0) + FILL(throttles, 0)), 0)`,
        usingMetrics: { requests: invocations, throttles },
        period,
        label: 'Throttled requests (% of requests)',
      }),
      threshold: options.throttleRatePercent,
      comparisonOperator: above,
      treatMissingData: notBreaching,
      missingDataReason: NOT_BREACHING_NO_TRAFFIC,
      meaning: `Requests refused for lack of concurrency exceed ${formatThreshold(options.throttleRatePercent, '%')} of all requests ${guard}; callers get 429s.`,
      runbook: 'Raise reservedConcurrency (and the account\'s concurrency quota) or provisioned concurrency, and find the caller whose traffic jumped (the dashboard\'s traffic row).',
    });
  }
  if (options.invalidRequestRatePercent !== null) {
    for (const reason of reasons) {
      alarms.push({
        ...window,
        id: `InvalidRequestRate-${reason}`,
        title: `Rejected as ${reason} (% of invocations)`,
        metric: percentOf(endpoint.metricInvalidRequests(reason, { period }), invocations, min, period, `Rejected as ${reason} (% of invocations)`),
        threshold: options.invalidRequestRatePercent,
        comparisonOperator: above,
        treatMissingData: notBreaching,
        missingDataReason: NOT_BREACHING_NO_TRAFFIC,
        meaning: `Requests the runtime rejected as ${reason} exceed ${formatThreshold(options.invalidRequestRatePercent, '%')} of invocations ${guard}.`,
        runbook: REASON_RUNBOOKS[reason],
      });
    }
  }
  if (options.modelLoadFailures !== null) {
    alarms.push({
      severity,
      id: 'ModelLoadFailures',
      title: 'Failed model loads (count)',
      metric: endpoint.metricModelLoadFailures({ period, label: 'Failed model loads' }),
      threshold: options.modelLoadFailures,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: notBreaching,
      missingDataReason: 'notBreaching: the runtime emits the metric only when a load fails, so no data means no failure',
      meaning: `The runtime failed to load the model at least ${options.modelLoadFailures} time(s) in ${period.toMinutes()} minute(s) (download, SHA-256 check or session creation); that execution environment answers 503.`,
      runbook: 'Read "model failed to load" in the logs: a SHA-256 mismatch means the object in S3 is not the deployed model (redeploy it), an access error means the role or key policy changed; roll back the deployment if it started with one.',
    });
  }
  if (options.minInvocationsPerHour !== null) {
    alarms.push({
      severity,
      id: 'Heartbeat',
      title: 'Invocations per hour (count)',
      metric: endpoint.metricInvocations({ period: Duration.hours(1), label: 'Invocations per hour' }),
      threshold: options.minInvocationsPerHour,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      missingDataReason: 'breaching: an hour without any invocation has no data, and for an endpoint that always has traffic that silence is the failure',
      meaning: `Fewer than ${options.minInvocationsPerHour} invocations in the last hour (an hour without data counts): clients may have stopped reaching the endpoint.`,
      runbook: 'Ask the callers; check their credentials and the endpoint URL output (requests refused by IAM never reach the endpoint, so they show nowhere else).',
    });
  }
  return alarms;
}

/** Alarm definitions of one severity for the endpoint's platform metrics, with `overrides` over the recommendations. */
export function platformAlarms(metrics: readonly PlatformMetric[], severity: AlarmSeverity, overrides: Readonly<Record<string, number | null>>): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  for (const platformMetric of metrics) {
    const threshold = platformMetric.id in overrides ? overrides[platformMetric.id] : platformMetric.thresholds?.[severity];
    if (threshold === undefined || threshold === null) continue;
    const evaluationPeriods = platformMetric.evaluationPeriods ?? 3;
    const treatMissingData = platformMetric.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING;
    alarms.push({
      id: platformMetric.id,
      severity,
      title: platformMetric.title,
      metric: platformMetric.metric,
      threshold,
      comparisonOperator: platformMetric.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: platformMetric.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData,
      missingDataReason: `${treatMissingData}: as the platform recommends for this metric`,
      meaning: `${platformMetric.title}: threshold ${threshold}. ${platformMetric.meaning}`,
      runbook: platformMetric.runbook,
    });
  }
  return alarms;
}
