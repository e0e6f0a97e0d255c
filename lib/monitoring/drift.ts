/**
 * Prediction drift: the share of each predicted label (classification) or the mean predicted value (regression)
 * over a window, against a band around the distribution the model produced on its evaluation data.
 *
 * The band. A window's share `s` of `n` predictions and the evaluation share `p` of `N` rows are both estimates,
 * so under "no drift" `s - p` has variance `p(1-p)(1/n + 1/N)`. The band is
 *
 *     p ± max(floor, k · sqrt(p(1-p) · (1/n + 1/N)))
 *
 * with `k` standard errors (3 by default), computed per window from that window's own `n` inside the alarm's
 * metric math, so quiet nights get a wider band rather than false alarms. The floor (5 percentage points by
 * default) keeps the band from shrinking to nothing when both counts are large. For regression the same with
 * the mean: `μ ± max(floor·σ, k · σ · sqrt(1/n + 1/N))`, and a multi-output regression gets one such alarm per target
 * (its mean is the runtime's per-target sum over its count in the window).
 *
 * The window: 1 hour (the runtime counts predictions per invocation, so an hour holds enough of them to estimate a
 * share even at modest traffic), 3 of 3 windows (a sustained shift, not one odd batch from one client), at least
 * 100 predictions per window (below that a window is reported in-band), and missing data not breaching (no
 * traffic, no drift). The alarm's value is how far the share is outside its band, in percentage points (value
 * units for regression); above 0 means outside.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { PredictionDistribution } from '../evaluation/prediction-distribution';
import type { IInferenceEndpoint } from '../inference-endpoint';
import type { AlarmDefinition } from './alarm-definition';
import type { AlarmSeverity } from './platform-metric';

/** Where the drift band comes from: the model's own predictions on its evaluation data. */
export interface PredictionBaseline {
  /** The predictions' distribution. */
  readonly distribution: PredictionDistribution;
  /** Where it was computed, for alarm descriptions, e.g. `model.onnx on test.csv (143 rows)` or `evaluation.json`. */
  readonly source: string;
}

/** How prediction drift is alarmed. */
export interface DriftOptions {
  /**
   * Alarm on prediction drift.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Severity of the drift alarms (a drifting population is rarely an emergency, and a 1-hour window is too slow
   * to roll back a canary anyway). With that severity disabled there are no drift alarms.
   * @default 'warning'
   */
  readonly severity?: AlarmSeverity;

  /**
   * Standard errors either side of the baseline (`k`), from 1 to 10.
   * @default 3
   */
  readonly sigmas?: number;

  /**
   * Narrowest half-width of a label's band, in percentage points (0 to 50).
   * @default 5
   */
  readonly floorPercentagePoints?: number;

  /**
   * Narrowest half-width of the mean's band (regression), in evaluation standard deviations (0 to 5).
   * @default 0.1
   */
  readonly floorStandardDeviations?: number;

  /**
   * Fewest predictions in a window for it to be judged; fewer count as in-band.
   * @default 100
   */
  readonly minPredictionsPerWindow?: number;

  /**
   * Length of one window: whole hours, from 1 to 6 hours.
   * @default Duration.hours(1)
   */
  readonly window?: Duration;

  /**
   * Consecutive windows outside the band that set the alarm off (window × windows at most one day).
   * @default 3
   */
  readonly evaluationWindows?: number;
}

/** {@link DriftOptions} with every default applied. */
export type ResolvedDriftOptions = Required<DriftOptions>;

export const DRIFT_DEFAULTS: ResolvedDriftOptions = {
  enabled: true,
  severity: 'warning',
  sigmas: 3,
  floorPercentagePoints: 5,
  floorStandardDeviations: 0.1,
  minPredictionsPerWindow: 100,
  window: Duration.hours(1),
  evaluationWindows: 3,
};

/** Whether an alarm definition is one of the drift alarms (its id starts `PredictionShareDrift` or `PredictedValueDrift`). */
export function isDriftAlarm(definition: Pick<AlarmDefinition, 'id'>): boolean {
  return /^(PredictionShareDrift|PredictedValueDrift)(-|$)/.test(definition.id);
}

/** Most labels one drift alarm can sum (CloudWatch allows 10 metrics per alarm; one slot is the expression). */
export const MAX_DRIFT_LABELS = 9;

/** A band around a baseline: `center ± halfWidth`, clipped to what the value can be. */
export interface DriftBand {
  readonly center: number;
  readonly halfWidth: number;
  readonly lower: number;
  readonly upper: number;
}

/** The band of a label whose baseline share is `share` of `baselineRows`, for a window of `windowPredictions`. */
export function labelShareBand(share: number, baselineRows: number, windowPredictions: number, options: ResolvedDriftOptions): DriftBand {
  const spread = options.sigmas * Math.sqrt(share * (1 - share) * (1 / windowPredictions + 1 / baselineRows));
  const halfWidth = Math.max(options.floorPercentagePoints / 100, spread);
  return { center: share, halfWidth, lower: Math.max(0, share - halfWidth), upper: Math.min(1, share + halfWidth) };
}

/** The band of the mean prediction (regression) for a window of `windowPredictions`. */
export function meanValueBand(mean: number, std: number, baselineRows: number, windowPredictions: number, options: ResolvedDriftOptions): DriftBand {
  const spread = options.sigmas * std * Math.sqrt(1 / windowPredictions + 1 / baselineRows);
  const halfWidth = Math.max(options.floorStandardDeviations * std, spread);
  return { center: mean, halfWidth, lower: mean - halfWidth, upper: mean + halfWidth };
}

/** A number for metric math: at most 6 significant digits, never in exponent notation. */
function num(value: number): string {
  const rounded = Number(value.toPrecision(6));
  return Math.abs(rounded) < 1e-6 && rounded !== 0 ? rounded.toFixed(12).replace(/0+$/, '') : String(rounded);
}

function percent(value: number): string {
  return `${Number((value * 100).toPrecision(4))}%`;
}

/** Graphs of the drift series for the dashboard: each value with its band. */
export interface DriftGraph {
  readonly title: string;
  readonly metrics: cloudwatch.IMetric[];
}

/** The drift alarms and dashboard graphs of an endpoint. */
export interface DriftMonitoring {
  readonly alarms: AlarmDefinition[];
  readonly graphs: DriftGraph[];
}

/** What every drift alarm of one endpoint shares, for {@link targetDrift}. */
interface DriftContext {
  readonly n0: number;
  readonly window: string;
  readonly common: Omit<AlarmDefinition, 'id' | 'title' | 'metric' | 'meaning'>;
  readonly options: ResolvedDriftOptions;
  readonly expectedPredictionsPerWindow: number | undefined;
  readonly source: string;
}

/**
 * One target of a multi-output regression: its mean prediction (the runtime's per-target sum over its count in the
 * window) against the band around its evaluation mean, as for a single-target regression.
 */
function targetDrift(endpoint: IInferenceEndpoint, target: string, mean: number, std: number, context: DriftContext): { alarm: AlarmDefinition; graph: DriftGraph } {
  const { n0, window, common, options, expectedPredictionsPerWindow } = context;
  const period = options.window;
  const k = num(options.sigmas);
  const min = options.minPredictionsPerWindow;
  const spread = num(options.sigmas * std);
  const floor = num(options.floorStandardDeviations * std);
  const halfWidth = `IF(${spread} * SQRT(1 / n + ${num(1 / n0)}) > ${floor}, ${spread} * SQRT(1 / n + ${num(1 / n0)}), ${floor})`;
  const usingMetrics = {
    s: endpoint.metricPredictedTargetSum(target, { period, statistic: 'Sum' }),
    n: endpoint.metricPredictedTargetCount(target, { period, statistic: 'Sum' }),
  };
  const example = expectedPredictionsPerWindow === undefined ? '' : `; at the expected ${Math.round(expectedPredictionsPerWindow).toLocaleString('en-US')} predictions per window +/-${num(meanValueBand(mean, std, n0, expectedPredictionsPerWindow, options).halfWidth)}`;
  return {
    alarm: {
      ...common,
      id: `PredictedValueDrift-${target}`,
      title: `Mean prediction of '${target}' outside its band (value units)`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(n >= ${min}, ABS(s / n - ${num(mean)}) - ${halfWidth}, 0)`,
        usingMetrics,
        period,
        label: `Mean prediction of '${target}' outside its band`,
      }),
      meaning: `The mean predicted '${target}' over ${window} is outside ${num(mean)} +/- max(${floor}, ${k} * ${num(std)} * sqrt(1/n + 1/${n0}))${example}; baseline: ${context.source}.`,
    },
    graph: {
      title: `Mean prediction of '${target}' and its drift band`,
      metrics: [
        new cloudwatch.MathExpression({ expression: 'IF(n > 0, s / n, 0)', usingMetrics, period, label: `Mean '${target}'` }),
        new cloudwatch.MathExpression({ expression: `${num(mean)} + ${halfWidth}`, usingMetrics: { n: usingMetrics.n }, period, label: 'Band upper' }),
        new cloudwatch.MathExpression({ expression: `${num(mean)} - ${halfWidth}`, usingMetrics: { n: usingMetrics.n }, period, label: 'Band lower' }),
      ],
    },
  };
}

const MISSING_DATA = 'notBreaching: no predictions in a window means no traffic, and no traffic is not drift';

/**
 * Drift alarms for `endpoint` around `baseline`. `labels` are the manifest's labels (empty for regression);
 * `expectedPredictionsPerWindow`, when known, is quoted in the descriptions as an example band.
 */
export function driftMonitoring(
  endpoint: IInferenceEndpoint,
  baseline: PredictionBaseline,
  options: ResolvedDriftOptions,
  expectedPredictionsPerWindow: number | undefined,
): DriftMonitoring {
  const distribution = baseline.distribution;
  const period = options.window;
  const hours = period.toHours();
  const common = {
    severity: options.severity,
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: options.evaluationWindows,
    datapointsToAlarm: options.evaluationWindows,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    missingDataReason: MISSING_DATA,
    runbook:
      'Compare recent inputs with the training data (the invalid-request reasons, and logged payloads where allowed): if the population really changed, evaluate the model on recent labelled data and retrain; if the evaluation set was unrepresentative, re-baseline with a representative one (evaluation.json).',
  };
  const k = num(options.sigmas);
  const n0 = distribution.rows;
  const min = options.minPredictionsPerWindow;
  const window = `${hours}-hour windows (${options.evaluationWindows} of ${options.evaluationWindows}, at least ${min} predictions each)`;

  if (distribution.task === 'regression' && distribution.perTarget !== undefined) {
    const perTarget = Object.entries(distribution.perTarget).map(([target, { mean, std }]) =>
      targetDrift(endpoint, target, mean, std, { n0, window, common, options, expectedPredictionsPerWindow, source: baseline.source }),
    );
    return { alarms: perTarget.map((t) => t.alarm), graphs: perTarget.map((t) => t.graph) };
  }
  if (distribution.task === 'regression') {
    const { mean, std } = distribution;
    const spread = num(options.sigmas * std);
    const floor = num(options.floorStandardDeviations * std);
    const halfWidth = `IF(${spread} * SQRT(1 / n + ${num(1 / n0)}) > ${floor}, ${spread} * SQRT(1 / n + ${num(1 / n0)}), ${floor})`;
    const usingMetrics = {
      mean: endpoint.metricPredictedValue({ period, statistic: 'Average' }),
      n: endpoint.metricPredictedValue({ period, statistic: 'SampleCount' }),
    };
    const example = expectedPredictionsPerWindow === undefined ? '' : `; at the expected ${Math.round(expectedPredictionsPerWindow).toLocaleString('en-US')} predictions per window +/-${num(meanValueBand(mean, std, n0, expectedPredictionsPerWindow, options).halfWidth)}`;
    return {
      alarms: [
        {
          ...common,
          id: 'PredictedValueDrift',
          title: 'Mean prediction outside its band (value units)',
          metric: new cloudwatch.MathExpression({
            expression: `IF(n >= ${min}, ABS(mean - ${num(mean)}) - ${halfWidth}, 0)`,
            usingMetrics,
            period,
            label: 'Mean prediction outside its band',
          }),
          meaning: `The mean predicted value over ${window} is outside ${num(mean)} +/- max(${floor}, ${k} * ${num(std)} * sqrt(1/n + 1/${n0}))${example}; baseline: ${baseline.source}.`,
        },
      ],
      graphs: [
        {
          title: 'Mean prediction and its drift band',
          metrics: [
            new cloudwatch.MathExpression({ expression: 'mean', usingMetrics: { mean: usingMetrics.mean }, period, label: 'Mean prediction' }),
            new cloudwatch.MathExpression({ expression: `${num(mean)} + ${halfWidth}`, usingMetrics: { n: usingMetrics.n }, period, label: 'Band upper' }),
            new cloudwatch.MathExpression({ expression: `${num(mean)} - ${halfWidth}`, usingMetrics: { n: usingMetrics.n }, period, label: 'Band lower' }),
          ],
        },
      ],
    };
  }

  const labels = Object.keys(distribution.labelShares);
  const counts: Record<string, cloudwatch.IMetric> = {};
  labels.forEach((label, index) => {
    counts[`l${index}`] = endpoint.metricPredictions(label, { period, statistic: 'Sum', label });
  });
  const total = `(${Object.keys(counts).map((id) => `FILL(${id}, 0)`).join(' + ')})`;
  // With two labels one share determines the other: one alarm says it all.
  const alarmed = labels.length === 2 ? labels.slice(0, 1) : labels;
  const alarms: AlarmDefinition[] = [];
  const graphs: DriftGraph[] = [];
  alarmed.forEach((label) => {
    const id = `l${labels.indexOf(label)}`;
    const p = distribution.labelShares[label];
    const floor = num(options.floorPercentagePoints / 100);
    const variance = `${num(p * (1 - p))} * (1 / ${total} + ${num(1 / n0)})`;
    const halfWidth = `IF(${k} * SQRT(${variance}) > ${floor}, ${k} * SQRT(${variance}), ${floor})`;
    const share = `FILL(${id}, 0) / ${total}`;
    const example =
      expectedPredictionsPerWindow === undefined ? '' : `; at the expected ${Math.round(expectedPredictionsPerWindow).toLocaleString('en-US')} predictions per window +/-${num(labelShareBand(p, n0, expectedPredictionsPerWindow, options).halfWidth * 100)} pp`;
    alarms.push({
      ...common,
      id: `PredictionShareDrift-${label}`,
      title: `Share of '${label}' outside its band (percentage points)`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(${total} >= ${min}, 100 * (ABS(${share} - ${num(p)}) - ${halfWidth}), 0)`,
        usingMetrics: counts,
        period,
        label: `Share of '${label}' outside its band (pp)`,
      }),
      meaning: `The share of predictions labelled '${label}' over ${window} is outside ${percent(p)} +/- max(${options.floorPercentagePoints} pp, ${k} * sqrt(p(1-p)(1/n + 1/${n0})))${example}; baseline: ${baseline.source}.`,
    });
    graphs.push({
      title: `Share of '${label}' (%) and its drift band`,
      metrics: [
        new cloudwatch.MathExpression({ expression: `IF(${total} > 0, 100 * ${share}, 0)`, usingMetrics: counts, period, label: `Share of '${label}'` }),
        new cloudwatch.MathExpression({ expression: `IF(${total} > 0, 100 * (${num(p)} + ${halfWidth}), 0)`, usingMetrics: counts, period, label: 'Band upper' }),
        new cloudwatch.MathExpression({ expression: `IF(${total} > 0, 100 * (${num(p)} - ${halfWidth}), 0)`, usingMetrics: counts, period, label: 'Band lower' }),
      ],
    });
  });
  return { alarms, graphs };
}
