/**
 * The dashboard's quality row: each live figure against the evaluation's line (and the manifest's minimum), the
 * labelled share and count, and the features drifting most (the five largest PSIs of the window, by a search over
 * the `feature` dimension, so a new feature needs no new widget).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { EvaluationKeyFigures } from '../../lambda/core/evaluation-figures';
import type { Manifest } from '../../lambda/core/manifest';
import { ALARMABLE_LIVE_METRICS, QUALITY_DIMENSIONS, QUALITY_METRICS } from '../../lambda/records/quality-metric-names';
import type { TrainingProfile } from '../../lambda/records/training-profile';
import { qualityMetric, type QualityMetricSource } from './quality-metrics';

/** What the row shows. */
export interface QualityWidgetsProps {
  readonly source: QualityMetricSource;
  readonly manifest: Manifest;
  readonly evaluation?: EvaluationKeyFigures;
  readonly profile?: TrainingProfile;
}

/** Features shown in the drift graph. */
export const TOP_DRIFTING_FEATURES = 5;
const WIDTH = 8;
const HEIGHT = 6;

function liveGraph(props: QualityWidgetsProps, metric: keyof typeof ALARMABLE_LIVE_METRICS): cloudwatch.GraphWidget {
  const figure = props.evaluation?.metrics[metric];
  const minimum = props.manifest.evaluation?.minimum?.[metric];
  return new cloudwatch.GraphWidget({
    title: `Live ${metric} vs the evaluation`,
    left: [qualityMetric(props.source, ALARMABLE_LIVE_METRICS[metric], {}, { label: `live ${metric}` })],
    leftAnnotations: [
      ...(figure === undefined ? [] : [{ value: figure, label: `evaluation ${figure.toPrecision(4)}`, color: cloudwatch.Color.GREEN }]),
      ...(minimum === undefined ? [] : [{ value: minimum, label: `minimum ${minimum}`, color: cloudwatch.Color.RED }]),
    ],
    width: WIDTH,
    height: HEIGHT,
  });
}

/** The quality row's widgets. */
export function qualityWidgets(props: QualityWidgetsProps): cloudwatch.IWidget[] {
  const { source } = props;
  const live = props.manifest.task === 'regression' ? [liveGraph(props, 'mae'), liveGraph(props, 'rmse')] : [liveGraph(props, 'accuracy')];
  const labelled = new cloudwatch.GraphWidget({
    title: 'Labelled predictions per window',
    left: [qualityMetric(source, QUALITY_METRICS.labelledShare, {}, { label: 'labelled share' })],
    right: [qualityMetric(source, QUALITY_METRICS.labelledPredictions, {}, { label: 'labelled' }), qualityMetric(source, QUALITY_METRICS.windowPredictions, {}, { label: 'predicted' })],
    leftYAxis: { min: 0, max: 1 },
    width: WIDTH,
    height: HEIGHT,
  });
  const widgets: cloudwatch.IWidget[] = [...live, labelled];
  if (props.profile !== undefined) {
    const search = `SEARCH('{${source.namespace},${QUALITY_DIMENSIONS.feature},${QUALITY_DIMENSIONS.service}} MetricName="${QUALITY_METRICS.featurePsi.name}" ${QUALITY_DIMENSIONS.service}="${source.service}"', '${QUALITY_METRICS.featurePsi.statistic}', ${source.period.toSeconds()})`;
    widgets.push(
      new cloudwatch.GraphWidget({
        title: `Top ${TOP_DRIFTING_FEATURES} drifting features (PSI)`,
        left: [new cloudwatch.MathExpression({ expression: `SORT(${search}, MAX, DESC, ${TOP_DRIFTING_FEATURES})`, usingMetrics: {}, period: source.period, label: '' })],
        width: WIDTH,
        height: HEIGHT,
      }),
    );
  }
  return widgets;
}
