/**
 * The quality alarms, from what the model promised:
 *
 * - critical: a live figure past the manifest's minimum (`evaluation.minimum` for accuracy, MAE, RMSE;
 *   `evaluation.minimumPerClass` for a class's recall and precision);
 * - warning: a live figure worse than the committed evaluation's (`evaluation.json`) by more than the tolerance
 *   (absolute for accuracy, relative for MAE and RMSE);
 * - warning: a feature's PSI past the threshold, one alarm per numeric feature, named for it.
 *
 * Every quality alarm is gated on the window's labelled predictions (drift: its predictions) with metric math,
 * so none fires on a window with too few; windows without data are not breaching (no traffic, or the job has not
 * run yet, is not a quality problem).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Manifest } from '../../lambda/core/manifest';
import type { EvaluationKeyFigures } from '../../lambda/core/evaluation-figures';
import { higherIsBetter } from '../../lambda/evaluation/metric-names';
import { ALARMABLE_CLASS_METRICS, ALARMABLE_LIVE_METRICS, QUALITY_DIMENSIONS, QUALITY_METRICS } from '../../lambda/records/quality-metric-names';
import type { TrainingProfile } from '../../lambda/records/training-profile';
import type { AlarmDefinition } from '../monitoring/alarm-definition';
import { gated, qualityMetric, type QualityMetricDefinition, type QualityMetricSource } from './quality-metrics';

/** What the alarms are built from. */
export interface QualityAlarmInputs {
  readonly source: QualityMetricSource;
  readonly manifest: Manifest;
  readonly evaluation?: EvaluationKeyFigures;
  readonly profile?: TrainingProfile;
  readonly tolerance: number;
  readonly minLabelledPredictions: number;
  readonly psiThreshold: number;
  readonly minDriftPredictions: number;
}

const NOT_BREACHING = cloudwatch.TreatMissingData.NOT_BREACHING;
const MISSING_REASON = 'a window without predictions or labels (or before the job first runs) says nothing about quality';

/** A PascalCase id part from a label or feature name (`mean radius` -> `MeanRadius`). */
function idPart(name: string): string {
  const part = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase());
  return part.charAt(0).toUpperCase() + part.slice(1);
}

function liveAlarm(inputs: QualityAlarmInputs, metric: string, definition: QualityMetricDefinition, threshold: number, extra: Record<string, string>, kind: 'Minimum' | 'Evaluation', promise: string): AlarmDefinition {
  const { source, minLabelledPredictions: min } = inputs;
  const higher = higherIsBetter(metric);
  const subject = extra.label === undefined ? metric : `${metric} of class "${extra.label}"`;
  const value = qualityMetric(source, definition, extra);
  const gate = qualityMetric(source, QUALITY_METRICS.labelledPredictions);
  return {
    id: `Live${idPart(metric)}${extra.label === undefined ? '' : `-${idPart(extra.label)}`}${kind === 'Minimum' ? 'PastMinimum' : 'WorseThanEvaluation'}`,
    severity: kind === 'Minimum' ? 'critical' : 'warning',
    title: `Live ${subject} (${min}+ labelled predictions per window)`,
    metric: gated(value, gate, min, higher ? 1e9 : -1e9, `live ${subject}`, source.period),
    threshold,
    comparisonOperator: higher ? cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD : cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: NOT_BREACHING,
    missingDataReason: MISSING_REASON,
    meaning: `Live ${subject} over a window of at least ${min} labelled predictions is ${higher ? 'below' : 'above'} ${threshold} (${promise}).`,
    runbook: 'Open the window\'s quality record under quality/ and the dashboard\'s drift graphs; compare with the evaluation; retrain or roll back if the inputs have moved.',
  };
}

function promisedAlarms(inputs: QualityAlarmInputs): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  const minimum = inputs.manifest.evaluation?.minimum ?? {};
  for (const [metric, definition] of Object.entries(ALARMABLE_LIVE_METRICS)) {
    if (minimum[metric] !== undefined) alarms.push(liveAlarm(inputs, metric, definition, minimum[metric], {}, 'Minimum', `the manifest's evaluation.minimum.${metric}`));
    const figure = inputs.evaluation?.metrics[metric];
    if (figure === undefined) continue;
    const threshold = higherIsBetter(metric) ? figure - inputs.tolerance : figure * (1 + inputs.tolerance);
    alarms.push(liveAlarm(inputs, metric, definition, Number(threshold.toPrecision(6)), {}, 'Evaluation', `the evaluation's ${figure.toPrecision(4)} with a tolerance of ${inputs.tolerance}`));
  }
  for (const [label, floors] of Object.entries(inputs.manifest.evaluation?.minimumPerClass ?? {})) {
    for (const [metric, definition] of Object.entries(ALARMABLE_CLASS_METRICS)) {
      const floor = floors[metric];
      if (floor !== undefined) alarms.push(liveAlarm(inputs, metric, definition, floor, { [QUALITY_DIMENSIONS.label]: label }, 'Minimum', `the manifest's evaluation.minimumPerClass["${label}"].${metric}`));
    }
  }
  return alarms;
}

function driftAlarms(inputs: QualityAlarmInputs): AlarmDefinition[] {
  const { source, profile, psiThreshold, minDriftPredictions: min } = inputs;
  if (profile === undefined) return [];
  return Object.entries(profile.features)
    .filter(([, feature]) => feature.kind === 'numeric')
    .map(([feature]) => ({
      id: `FeatureDrift-${idPart(feature)}`,
      severity: 'warning' as const,
      title: `PSI of feature "${feature}" against its training bins`,
      metric: gated(qualityMetric(source, QUALITY_METRICS.featurePsi, { [QUALITY_DIMENSIONS.feature]: feature }), qualityMetric(source, QUALITY_METRICS.windowPredictions), min, 0, `PSI ${feature}`, source.period),
      threshold: psiThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: NOT_BREACHING,
      missingDataReason: MISSING_REASON,
      meaning: `Feature "${feature}" has drifted from its training distribution: PSI over a window of at least ${min} predictions is above ${psiThreshold}.`,
      runbook: `Compare "${feature}" in recent captures with the training data (the window's quality record lists every feature's PSI); check the upstream source of "${feature}", then retrain on recent data if the change is real.`,
    }));
}

/** Every quality alarm of the model. */
export function qualityAlarms(inputs: QualityAlarmInputs): AlarmDefinition[] {
  return [...promisedAlarms(inputs), ...driftAlarms(inputs)];
}
