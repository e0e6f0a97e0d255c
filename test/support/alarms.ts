/**
 * Alarms of a template as one readable line each, so tests can state every alarm's metric (or expression and the
 * metrics it uses), period, comparison, threshold, evaluation, missing-data treatment and action in a table:
 *
 *   ErrorRate-Warning: IF(requests >= 20, ...) {events=AWS/Lambda Errors Sum, requests=AWS/Lambda Invocations Sum} @300s > 1 (3 of 3, notBreaching) -> Warning
 */
import type { Template } from 'aws-cdk-lib/assertions';

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: unknown }> };
  Period: number;
  Stat: string;
}
interface AlarmProperties {
  AlarmName: string;
  Metrics?: Array<{ Id: string; Expression?: string; MetricStat?: MetricStat; ReturnData?: boolean; Period?: number }>;
  Namespace?: string;
  MetricName?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Statistic?: string;
  ExtendedStatistic?: string;
  Period?: number;
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData: string;
  AlarmActions?: Array<{ Ref: string }>;
  OKActions?: Array<{ Ref: string }>;
  ActionsEnabled?: boolean;
}

const OPERATORS: Record<string, string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

/** Dimensions that tell series of one metric apart (the runtime's label and reason); others are the endpoint's. */
const DISTINGUISHING = new Set(['label', 'reason']);

function metricText(namespace: string, name: string, dimensions: Array<{ Name: string; Value: unknown }> | undefined, stat: string): string {
  const own = (dimensions ?? []).filter((d) => DISTINGUISHING.has(d.Name)).map((d) => `${d.Name}=${String(d.Value)}`);
  return `${namespace} ${name}${own.length > 0 ? `[${own.join(',')}]` : ''} ${stat}`;
}

/** The severity of the topic a logical id names (`MonitoringTopicsWarning...` or `...Critical...`). */
function severityOf(ref: string): string {
  const match = /(Warning|Critical)/.exec(ref);
  return match === null ? `?${ref}` : match[1];
}

/** One line per alarm, keyed by the alarm name without the stack-name prefix. */
/**
 * The alarms of the endpoint's Monitoring: every alarm but the quality monitor's (`QualityAlarms...`), which its
 * own tests assert (test/lib/quality, test/bin/build-quality.test.ts).
 */
export function monitoringAlarms(template: Template): Record<string, { Properties: Record<string, unknown> }> {
  const all = template.findResources('AWS::CloudWatch::Alarm') as Record<string, { Properties: Record<string, unknown> }>;
  return Object.fromEntries(Object.entries(all).filter(([id]) => !id.startsWith('QualityAlarms')));
}

export function alarmLines(template: Template, stackName: string): Record<string, string> {
  const alarms = monitoringAlarms(template) as unknown as Record<string, { Properties: AlarmProperties }>;
  const lines: Record<string, string> = {};
  for (const { Properties: p } of Object.values(alarms)) {
    const name = p.AlarmName.startsWith(`${stackName}-`) ? p.AlarmName.slice(stackName.length + 1) : `!${p.AlarmName}`;
    let watched: string;
    let period: number | undefined;
    if (p.Metrics !== undefined) {
      const expression = p.Metrics.find((m) => m.ReturnData !== false && m.Expression !== undefined);
      const inputs = p.Metrics.filter((m) => m.MetricStat !== undefined).map((m) => {
        period = m.MetricStat?.Period;
        const stat = m.MetricStat as MetricStat;
        return `${m.Id}=${metricText(stat.Metric.Namespace, stat.Metric.MetricName, stat.Metric.Dimensions, stat.Stat)}`;
      });
      period = expression?.Period ?? period;
      // A single metric with a label is rendered as a one-entry Metrics list: show it like a plain metric.
      watched = expression === undefined && inputs.length === 1 ? inputs[0].replace(/^[^=]+=/, '') : `${expression?.Expression ?? '?'} {${inputs.join(', ')}}`;
    } else {
      watched = metricText(p.Namespace ?? '?', p.MetricName ?? '?', p.Dimensions, p.ExtendedStatistic ?? p.Statistic ?? '?');
      period = p.Period;
    }
    const actions = (p.AlarmActions ?? []).map((a) => severityOf(a.Ref)).join('+') || 'none';
    const ok = (p.OKActions ?? []).map((a) => severityOf(a.Ref)).join('+') || 'none';
    const enabled = p.ActionsEnabled === false ? ' DISABLED' : '';
    lines[name] =
      `${watched} @${period}s ${OPERATORS[p.ComparisonOperator] ?? p.ComparisonOperator} ${p.Threshold} ` +
      `(${p.DatapointsToAlarm ?? p.EvaluationPeriods} of ${p.EvaluationPeriods}, ${p.TreatMissingData}) -> ${actions}${ok === actions ? '' : ` ok:${ok}`}${enabled}`;
  }
  return lines;
}
