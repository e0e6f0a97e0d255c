/**
 * The environment's CloudWatch dashboard, built from {@link IInferenceEndpoint} and the platform's own metrics:
 * traffic, errors by status, latency percentiles, capacity (concurrency or instances), invalid requests by
 * reason, predictions by label (or the predicted value), the drift bands, and the state of every alarm.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import type { RejectReason } from '../../lambda/serving/metric-names';
import type { IInferenceEndpoint } from '../inference-endpoint';
import type { DriftGraph } from './drift';
import type { PlatformMetric, PlatformMetricGroup } from './platform-metric';

/** What the dashboard shows. */
export interface MonitoringDashboardProps {
  readonly endpoint: IInferenceEndpoint;
  /** The manifest's labels; empty for regression. */
  readonly labels: readonly string[];
  readonly reasons: readonly RejectReason[];
  readonly platformMetrics: readonly PlatformMetric[];
  readonly driftGraphs: readonly DriftGraph[];
  readonly alarms: readonly cloudwatch.IAlarm[];
}

const WIDTH = 12;
const HEIGHT = 6;
const PERIOD = Duration.minutes(5);

function graph(title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: HEIGHT, ...extra });
}

/** Graphs of the platform metrics of one group, one per metric. */
function platformGraphs(metrics: readonly PlatformMetric[], group: PlatformMetricGroup): cloudwatch.GraphWidget[] {
  return metrics.filter((m) => m.group === group).map((m) => graph(m.title, [m.metric]));
}

/** Builds the dashboard (a generated name, so environments can share an account). */
export function buildDashboard(scope: Construct, id: string, props: MonitoringDashboardProps): cloudwatch.Dashboard {
  const { endpoint } = props;
  const throttles = endpoint.metricThrottles({ period: PERIOD, label: 'Throttled (429)' });
  const traffic = graph('Traffic: invocations per 5 minutes', [
    endpoint.metricInvocations({ period: PERIOD, label: 'Invocations' }),
    ...(throttles === undefined ? [] : [throttles]),
  ]);
  const errors = graph(
    'Errors by status',
    [
      endpoint.metricErrors({ period: PERIOD, label: 'Platform errors (5xx, crashes, timeouts)' }),
      endpoint.metricRuntimeErrors({ period: PERIOD, label: 'Runtime 500s' }),
      endpoint.metricInvalidRequests(undefined, { period: PERIOD, label: 'Rejected (4xx, 503)' }),
      ...(throttles === undefined ? [] : [throttles]),
    ],
    { stacked: true },
  );
  const timeoutMs = endpoint.requestTimeout.toMilliseconds();
  const latency = graph(
    'Latency percentiles (ms)',
    [
      ...['p50', 'p90', 'p99'].map((statistic) => endpoint.metricLatency({ statistic, period: PERIOD, label: `Platform ${statistic}` })),
      endpoint.metricRuntimeLatency({ statistic: 'p99', period: PERIOD, label: 'Runtime p99' }),
    ],
    { leftAnnotations: [{ value: timeoutMs, label: `Timeout (${timeoutMs} ms)`, color: cloudwatch.Color.RED }] },
  );
  const invalid = graph(
    'Invalid requests by reason',
    props.reasons.map((reason) => endpoint.metricInvalidRequests(reason, { period: PERIOD, label: reason })),
    { stacked: true },
  );
  const predictions =
    props.labels.length > 0
      ? graph(
          'Predictions by label',
          props.labels.map((label) => endpoint.metricPredictions(label, { period: PERIOD, label })),
          { stacked: true },
        )
      : graph('Predicted value', [
          endpoint.metricPredictedValue({ period: PERIOD, statistic: 'Average', label: 'Mean' }),
          endpoint.metricPredictedValue({ period: PERIOD, statistic: 'p10', label: 'p10' }),
          endpoint.metricPredictedValue({ period: PERIOD, statistic: 'p90', label: 'p90' }),
        ]);
  const drift = props.driftGraphs.map((d) => graph(d.title, d.metrics));

  const dashboard = new cloudwatch.Dashboard(scope, id, { defaultInterval: Duration.hours(6) });
  const rows: cloudwatch.IWidget[][] = [
    [traffic, errors, ...platformGraphs(props.platformMetrics, 'traffic'), ...platformGraphs(props.platformMetrics, 'errors')],
    [latency, ...platformGraphs(props.platformMetrics, 'latency')],
    platformGraphs(props.platformMetrics, 'capacity'),
    [invalid, predictions],
    drift,
  ];
  for (const row of rows) {
    if (row.length > 0) dashboard.addWidgets(...row);
  }
  if (props.alarms.length > 0) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24, height: 6 }));
  }
  return dashboard;
}
