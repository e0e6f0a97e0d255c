/**
 * The quality of one window of captured predictions: joined by inference id with the ground truth that has
 * arrived, scored with the evaluation library's own metric code (`metricsOf`, as `modelstack evaluate`), and
 * compared feature by feature with the training profile. The quality job writes the result to `quality/` as the
 * window's quality record; `modelstack quality-report` computes the same over local folders.
 */
import type { Manifest } from '../core/manifest';
import { createPreparer } from '../core/prepare';
import type { Prediction } from '../core/types';
import type { Metrics } from '../evaluation/metric-names';
import { metricsOf, type Truth } from '../evaluation/scored-metrics';
import { decodeCapture, truthOf } from './captured-prediction';
import { featureDrift, type FeatureDrift } from './feature-drift';
import { predictionId, type CaptureRecord, type GroundTruthRecord } from './record-format';
import type { TrainingProfile } from './training-profile';

/** A time window `[start, end)`. */
export interface QualityWindow {
  readonly start: Date;
  readonly end: Date;
}

/** Live figures of a window, flat, as the job publishes them. */
export interface LiveFigures {
  readonly accuracy?: number;
  readonly mae?: number;
  readonly rmse?: number;
  /** Per label: precision and recall (classification). */
  readonly perClass?: Readonly<Record<string, { readonly precision: number; readonly recall: number }>>;
}

/** One window's quality record (`quality/<hour>/<window>.json`). */
export interface QualityRecord {
  readonly schemaVersion: 1;
  readonly model: { readonly name: string; readonly version: string };
  /** ISO 8601, `[start, end)`. */
  readonly window: { readonly start: string; readonly end: string };
  /** Instances predicted in the window (from captured answers with predictions). */
  readonly predictions: number;
  /** Of those, instances with ground truth. */
  readonly labelled: number;
  /** labelled / predictions (0 when there were none). */
  readonly labelledShare: number;
  /** Ground-truth records for this window's predictions that did not fit the model (unknown label, not a number). */
  readonly unusableLabels: number;
  /** Captured requests without predictions (error answers) or with unreadable answers. */
  readonly unscoredRequests: number;
  /** The flat live figures (absent without labelled predictions). */
  readonly live?: LiveFigures;
  /** Every metric of `modelstack evaluate` over the labelled predictions. */
  readonly metrics?: Metrics;
  /** Drift per feature against the training profile (absent without a profile). */
  readonly drift?: Readonly<Record<string, FeatureDrift>>;
}

/** What a window is computed from. */
export interface QualityInput {
  readonly manifest: Manifest;
  readonly profile?: TrainingProfile;
  /** Captures to consider; only those predicted inside the window count. */
  readonly captures: readonly CaptureRecord[];
  /** Every ground-truth record that has arrived (the latest record per id wins). */
  readonly groundTruth: readonly GroundTruthRecord[];
  readonly window: QualityWindow;
}

/** The flat live figures of `metrics`. */
export function liveFigures(metrics: Metrics): LiveFigures {
  if (metrics.task === 'regression') return { mae: metrics.mae, rmse: metrics.rmse };
  const perClass = Object.fromEntries(Object.entries(metrics.perClass).map(([label, s]) => [label, { precision: s.precision, recall: s.recall }]));
  return { accuracy: metrics.accuracy, perClass };
}

/** Computes the quality record of `input.window`. */
export function computeQualityWindow(input: QualityInput): QualityRecord {
  const { manifest, window } = input;
  const preparer = createPreparer(manifest);
  const labels = new Map(input.groundTruth.map((g) => [g.eventMetadata.eventId, g]));
  const inWindow = input.captures.filter((c) => {
    const at = Date.parse(c.eventMetadata.inferenceTime);
    return at >= window.start.getTime() && at < window.end.getTime();
  });
  const truth: Truth[] = [];
  const scored: Prediction[] = [];
  const instances: unknown[] = [];
  let predictions = 0;
  let unusableLabels = 0;
  let unscoredRequests = 0;
  for (const record of inWindow) {
    const captured = decodeCapture(record, preparer);
    if (captured.instances !== undefined) instances.push(...captured.instances);
    if (captured.predictions === undefined) {
      unscoredRequests++;
      continue;
    }
    const count = captured.predictions.length;
    predictions += count;
    captured.predictions.forEach((prediction, index) => {
      const label = labels.get(predictionId(captured.inferenceId, index, count));
      if (label === undefined) return;
      const value = truthOf(manifest, label);
      if (value === undefined) unusableLabels++;
      else {
        truth.push(value);
        scored.push(prediction);
      }
    });
  }
  const metrics = truth.length === 0 ? undefined : metricsOf(manifest, truth, scored);
  return {
    schemaVersion: 1,
    model: { name: manifest.name, version: manifest.version },
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    predictions,
    labelled: truth.length,
    labelledShare: predictions === 0 ? 0 : truth.length / predictions,
    unusableLabels,
    unscoredRequests,
    ...(metrics === undefined ? {} : { live: liveFigures(metrics), metrics }),
    ...(input.profile === undefined ? {} : { drift: featureDrift(manifest, input.profile, instances) }),
  };
}

/** The hourly windows `[start, end)` covering the captures' inference times, in order. */
export function hourlyWindowsOf(captures: readonly CaptureRecord[], hours = 1): QualityWindow[] {
  const step = hours * 3_600_000;
  const starts = new Set(captures.map((c) => Math.floor(Date.parse(c.eventMetadata.inferenceTime) / step) * step).filter(Number.isFinite));
  return [...starts].sort((a, b) => a - b).map((start) => ({ start: new Date(start), end: new Date(start + step) }));
}
