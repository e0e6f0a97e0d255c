/**
 * Alarms, notifications and a dashboard for one inference endpoint, built on {@link IInferenceEndpoint} only, so
 * the same construct watches a Lambda function and a SageMaker endpoint; platform-specific alarms come from the
 * endpoint's optional `metricsForMonitoring()`.
 *
 * Default settings:
 * - alarms keyed by severity (`warning`, `critical`), thresholds per severity (see {@link SeverityAlarmOptions}),
 *   deterministic names `<stack name>-<alarm id>-<Severity>`, each with its severity's topic as alarm and OK action;
 * - one SNS topic per severity, encrypted with a dedicated customer-managed key (see {@link AlarmTopics});
 * - missing data decided per alarm (no traffic is not an error; a missing heartbeat is);
 * - prediction drift alarms around the model's evaluation distribution when a baseline is given (see `drift.ts`);
 * - a dashboard with a generated name.
 */
import type { RemovalPolicy} from 'aws-cdk-lib';
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { REJECT_REASONS, type RejectReason } from '../lambda/serving/metric-names';
import type { IInferenceEndpoint } from './inference-endpoint';
import { definitionAlarmProps, type AlarmDefinition } from './monitoring/alarm-definition';
import { AlarmTopics } from './monitoring/alarm-topics';
import { buildDashboard } from './monitoring/dashboard';
import { DRIFT_DEFAULTS, driftMonitoring, labelShareBand, MAX_DRIFT_LABELS, meanValueBand, type DriftGraph, type DriftOptions, type PredictionBaseline, type ResolvedDriftOptions } from './monitoring/drift';
import { DEFAULT_ALARMED_REASONS, endpointAlarms, platformAlarms } from './monitoring/endpoint-alarms';
import { ALARM_SEVERITIES, type AlarmSeverity, type PlatformMetric } from './monitoring/platform-metric';
import { resolveSeverityOptions, type ResolvedSeverityOptions, type SeverityAlarmOptions } from './monitoring/severity-options';
import { PropsValidator } from './props-validation';

export type { AlarmDefinition } from './monitoring/alarm-definition';
export { AlarmTopics, NOTIFICATION_KEY_ACTIONS, type AlarmTopicsProps } from './monitoring/alarm-topics';
export { DRIFT_DEFAULTS, labelShareBand, meanValueBand, type DriftBand, type DriftOptions, type PredictionBaseline } from './monitoring/drift';
export { DEFAULT_ALARMED_REASONS } from './monitoring/endpoint-alarms';
export { ALARM_SEVERITIES, type AlarmSeverity, type PlatformMetric, type PlatformMetricGroup, type PlatformThresholds } from './monitoring/platform-metric';
export { SEVERITY_DEFAULTS, type SeverityAlarmOptions } from './monitoring/severity-options';

/** CloudWatch evaluates at most one day of periods (period × evaluation periods). */
const MAX_EVALUATION_SECONDS = 86_400;

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  /** The endpoint to watch. */
  readonly endpoint: IInferenceEndpoint;

  /** The manifest's labels, for the dashboard's predictions by label; empty for a regression model. */
  readonly labels: readonly string[];

  /**
   * Addresses subscribed to every severity's topic.
   * @default []
   */
  readonly emails?: readonly string[];

  /**
   * Thresholds, recipients and window of the `warning` alarms.
   * @default - the warning defaults of {@link SeverityAlarmOptions}
   */
  readonly warning?: SeverityAlarmOptions;

  /**
   * Thresholds, recipients and window of the `critical` alarms (the ones that page and roll deployments back).
   * @default - the critical defaults of {@link SeverityAlarmOptions}
   */
  readonly critical?: SeverityAlarmOptions;

  /**
   * Reasons whose invalid-request rate is alarmed, one alarm each.
   * @default DEFAULT_ALARMED_REASONS (every reason but internal_error, which the runtime error rate covers)
   */
  readonly invalidRequestReasons?: readonly RejectReason[];

  /**
   * The model's prediction distribution on its evaluation data: the center of the drift bands.
   * @default - no drift alarms; a warning says so when `drift.enabled` is true, a note otherwise
   */
  readonly predictionBaseline?: PredictionBaseline;

  /**
   * How drift is alarmed.
   * @default - DRIFT_DEFAULTS (warning, 3 standard errors, 5 pp floor, 1-hour windows, 3 of 3, at least 100 predictions)
   */
  readonly drift?: DriftOptions;

  /**
   * Predictions the endpoint is expected to make per drift window, quoted in the drift alarms' descriptions as an
   * example band (the alarm itself uses each window's own count).
   * @default - not quoted
   */
  readonly expectedPredictionsPerWindow?: number;

  /**
   * What happens to the topics' key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One alarm created by {@link Monitoring}, with the definition it came from. */
export interface MonitoringAlarm {
  readonly definition: AlarmDefinition;
  readonly alarm: cloudwatch.Alarm;
}

/** Alarms, encrypted topics and a dashboard for one endpoint. */
export class Monitoring extends Construct {
  /** The topics, one per enabled severity, and their key. */
  public readonly topics: AlarmTopics;
  /** Every alarm, in creation order. */
  public readonly alarms: readonly MonitoringAlarm[];
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The endpoint's platform metrics (`metricsForMonitoring()`), empty when it offers none. */
  public readonly platformMetrics: readonly PlatformMetric[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const endpoint = props.endpoint;
    const severities = Object.fromEntries(ALARM_SEVERITIES.map((s) => [s, resolveSeverityOptions(s, props[s])])) as Record<AlarmSeverity, ResolvedSeverityOptions>;
    const drift: ResolvedDriftOptions = { ...DRIFT_DEFAULTS, ...Object.fromEntries(Object.entries(props.drift ?? {}).filter(([, v]) => v !== undefined)) };
    const reasons = props.invalidRequestReasons ?? DEFAULT_ALARMED_REASONS;
    this.platformMetrics = endpoint.metricsForMonitoring?.() ?? [];
    this.validate(severities, drift, reasons, props);

    const enabled = ALARM_SEVERITIES.filter((s) => severities[s].enabled);
    this.topics = new AlarmTopics(this, 'Topics', {
      purpose: `model '${endpoint.modelName}'`,
      displayName: `modelstack ${endpoint.modelName}`,
      recipients: Object.fromEntries(enabled.map((s) => [s, [...new Set([...(props.emails ?? []), ...severities[s].emails])]])),
      removalPolicy: props.removalPolicy,
    });

    const definitions: AlarmDefinition[] = enabled.flatMap((s) => [
      ...endpointAlarms(endpoint, s, severities[s], reasons),
      ...platformAlarms(this.platformMetrics, s, severities[s].platformThresholds),
    ]);
    const driftGraphs = this.driftAlarms(props, drift, severities, definitions);

    const alarmsScope = new Construct(this, 'Alarms');
    this.alarms = definitions.map((definition) => ({ definition, alarm: this.createAlarm(alarmsScope, definition) }));
    this.dashboard = buildDashboard(this, 'Dashboard', {
      endpoint,
      labels: props.labels,
      reasons: REJECT_REASONS,
      platformMetrics: this.platformMetrics,
      driftGraphs,
      alarms: this.alarms.map((a) => a.alarm),
    });
  }

  /** The alarms of one severity. */
  public alarmsOf(severity: AlarmSeverity): cloudwatch.Alarm[] {
    return this.alarms.filter((a) => a.definition.severity === severity).map((a) => a.alarm);
  }

  /** The alarms a deployment must roll back on: the critical ones. */
  public get rollbackAlarms(): cloudwatch.Alarm[] {
    return this.alarmsOf('critical');
  }

  private driftAlarms(props: MonitoringProps, drift: ResolvedDriftOptions, severities: Record<AlarmSeverity, ResolvedSeverityOptions>, definitions: AlarmDefinition[]): DriftGraph[] {
    if (!drift.enabled || !severities[drift.severity].enabled) return [];
    const baseline = props.predictionBaseline;
    if (baseline === undefined) {
      const message =
        'no prediction baseline, so no drift alarms: give the manifest evaluation data (evaluation.data and evaluation.target) or an evaluation.json with predictionDistribution, or set alarms.drift.enabled to false';
      // Drift alarms asked for by name and impossible deserve a warning; the default (drift when there is a
      // baseline) only a note, so the construct's defaults pass `cdk synth --strict`.
      if (props.drift?.enabled === true) Annotations.of(this).addWarningV2('modelstack:noDriftBaseline', message);
      else Annotations.of(this).addInfo(message);
      return [];
    }
    const distribution = baseline.distribution;
    if (distribution.task === 'classification' && Object.keys(distribution.labelShares).length > MAX_DRIFT_LABELS) {
      Annotations.of(this).addWarningV2(
        'modelstack:tooManyDriftLabels',
        `the model has ${Object.keys(distribution.labelShares).length} labels; a drift alarm can sum at most ${MAX_DRIFT_LABELS} (CloudWatch's 10 metrics per alarm), so drift is not alarmed`,
      );
      return [];
    }
    const monitoring = driftMonitoring(props.endpoint, baseline, drift, props.expectedPredictionsPerWindow);
    definitions.push(...monitoring.alarms);
    Annotations.of(this).addInfo(`Drift bands (baseline: ${baseline.source}): ${this.describeBands(baseline, drift, props.expectedPredictionsPerWindow)}`);
    return monitoring.graphs;
  }

  private describeBands(baseline: PredictionBaseline, drift: ResolvedDriftOptions, expected: number | undefined): string {
    const d = baseline.distribution;
    const counts = [drift.minPredictionsPerWindow, ...(expected === undefined ? [] : [Math.round(expected)])];
    if (d.task === 'regression') {
      return counts.map((n) => `mean ${d.mean.toFixed(2)} ± ${meanValueBand(d.mean, d.std, d.rows, n, drift).halfWidth.toFixed(2)} at ${n} predictions`).join('; ');
    }
    return Object.entries(d.labelShares)
      .map(([label, p]) => `${label} ${(p * 100).toFixed(1)}% ± ${counts.map((n) => `${(labelShareBand(p, d.rows, n, drift).halfWidth * 100).toFixed(1)} pp at ${n}`).join(' / ')}`)
      .join('; ');
  }

  private createAlarm(scope: Construct, definition: AlarmDefinition): cloudwatch.Alarm {
    const { id, props } = definitionAlarmProps(definition);
    const alarm = new cloudwatch.Alarm(scope, id, { ...props, alarmName: `${Stack.of(this).stackName}-${id}`, actionsEnabled: true });
    const topic = new actions.SnsAction(this.topics.topic(definition.severity));
    alarm.addAlarmAction(topic);
    alarm.addOkAction(topic);
    return alarm;
  }

  private validate(severities: Record<AlarmSeverity, ResolvedSeverityOptions>, drift: ResolvedDriftOptions, reasons: readonly RejectReason[], props: MonitoringProps): void {
    const v = new PropsValidator(this);
    const known = new Set(this.platformMetrics.map((m) => m.id));
    for (const severity of ALARM_SEVERITIES) {
      const o = severities[severity];
      for (const key of ['errorRatePercent', 'runtimeErrorRatePercent', 'throttleRatePercent', 'invalidRequestRatePercent', 'latencyP99PercentOfTimeout'] as const) {
        const value = o[key];
        if (value !== null && !Token.isUnresolved(value) && !(value > 0 && value <= 100)) v.fail(`${severity}.${key}`, value, 'a percentage above 0 and at most 100, or null to turn the alarm off');
      }
      if (o.modelLoadFailures !== null) v.integerInRange(`${severity}.modelLoadFailures`, o.modelLoadFailures, 1, 1_000_000);
      if (o.minInvocationsPerHour !== null) v.integerInRange(`${severity}.minInvocationsPerHour`, o.minInvocationsPerHour, 1, Number.MAX_SAFE_INTEGER);
      v.integerInRange(`${severity}.minRequestsPerPeriod`, o.minRequestsPerPeriod, 1, Number.MAX_SAFE_INTEGER);
      const minutes = o.period.toSeconds() / 60;
      if (!Number.isInteger(minutes) || minutes < 1 || 60 % minutes !== 0) v.fail(`${severity}.period`, o.period, 'a whole number of minutes that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60 minutes)');
      v.integerInRange(`${severity}.evaluationPeriods`, o.evaluationPeriods, 1, Math.floor(MAX_EVALUATION_SECONDS / Math.max(60, o.period.toSeconds())));
      v.integerInRange(`${severity}.datapointsToAlarm`, o.datapointsToAlarm, 1, o.evaluationPeriods);
      for (const idOf of Object.keys(o.platformThresholds)) {
        if (!known.has(idOf)) v.fail(`${severity}.platformThresholds.${idOf}`, idOf, `one of the endpoint's platform metrics (${[...known].join(', ') || 'none'})`);
      }
      for (const email of o.emails) if (!/^[^@\s]+@[^@\s]+$/.test(email)) v.fail(`${severity}.emails`, email, 'an e-mail address');
    }
    for (const email of props.emails ?? []) if (!/^[^@\s]+@[^@\s]+$/.test(email)) v.fail('emails', email, 'an e-mail address');
    for (const reason of reasons) {
      if (!(REJECT_REASONS as readonly string[]).includes(reason)) v.fail('invalidRequestReasons', reason, `one of ${REJECT_REASONS.join(', ')}`);
    }
    const hours = drift.window.toSeconds() / 3600;
    if (!Number.isInteger(hours) || hours < 1 || hours > 6) v.fail('drift.window', drift.window, 'a whole number of hours from 1 to 6');
    else v.integerInRange('drift.evaluationWindows', drift.evaluationWindows, 1, Math.floor(24 / hours));
    if (!(drift.sigmas >= 1 && drift.sigmas <= 10)) v.fail('drift.sigmas', drift.sigmas, 'a number from 1 to 10');
    if (!(drift.floorPercentagePoints >= 0 && drift.floorPercentagePoints <= 50)) v.fail('drift.floorPercentagePoints', drift.floorPercentagePoints, 'a number from 0 to 50');
    if (!(drift.floorStandardDeviations >= 0 && drift.floorStandardDeviations <= 5)) v.fail('drift.floorStandardDeviations', drift.floorStandardDeviations, 'a number from 0 to 5');
    v.integerInRange('drift.minPredictionsPerWindow', drift.minPredictionsPerWindow, 1, Number.MAX_SAFE_INTEGER);
    v.throwIfInvalid();
  }
}
