/**
 * One run of the quality job: picks the window whose labels have had time to arrive (it ends `labelDelayHours`
 * before the run, on a window boundary), reads its captures and every ground-truth record uploaded since the
 * window began, computes its quality record, writes it to `quality/` and emits its metrics.
 *
 * Captures are read from the hour folders of the window only, under every variant of the capture prefix;
 * ground truth from the hour folders of its upload, from the window's start to the run.
 */
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Manifest } from '../core/manifest';
import { emitQualityMetrics } from './quality-emf';
import { computeQualityWindow, type QualityRecord, type QualityWindow } from './quality-window';
import { hourFolder, RECORD_PREFIXES } from './record-format';
import { parseCaptureLines, readGroundTruth, s3RecordSource, type RecordSource } from './record-reader';
import type { TrainingProfile } from './training-profile';

const HOUR_MS = 3_600_000;

/** What a run needs. */
export interface QualityJobOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** `capture/<endpoint>/`: every variant under it is read. */
  readonly capturePrefix: string;
  /** Hours a label may take to arrive: the window evaluated ends this long before the run. */
  readonly labelDelayHours: number;
  /** Window length in hours. */
  readonly windowHours: number;
  readonly manifest: Manifest;
  readonly profile?: TrainingProfile;
  /** Emits the EMF (service: the model name). */
  readonly metrics: Metrics;
}

/** The window a run at `now` evaluates. */
export function windowAt(now: Date, labelDelayHours: number, windowHours: number): QualityWindow {
  const step = windowHours * HOUR_MS;
  const end = Math.floor((now.getTime() - labelDelayHours * HOUR_MS) / step) * step;
  return { start: new Date(end - step), end: new Date(end) };
}

/** The `<yyyy>/<mm>/<dd>/<hh>/` folders of the hours from `start` up to (excluding) `end`. */
export function hourFoldersBetween(start: Date, end: Date): string[] {
  const folders: string[] = [];
  for (let t = Math.floor(start.getTime() / HOUR_MS) * HOUR_MS; t < end.getTime(); t += HOUR_MS) folders.push(hourFolder(new Date(t)));
  return folders;
}

/** The key of a window's quality record: `quality/<hour of its start>/<start>.json`. */
export function qualityRecordKey(window: QualityWindow): string {
  const stamp = window.start.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${RECORD_PREFIXES.quality}${hourFolder(window.start)}${stamp}.json`;
}

async function windowCaptures(source: RecordSource, capturePrefix: string, window: QualityWindow) {
  const folders = hourFoldersBetween(window.start, window.end);
  const keys = (await source.list(capturePrefix)).filter((key) => folders.some((folder) => key.includes(`/${folder}`)));
  const records = [];
  for (const key of keys) records.push(...parseCaptureLines(await source.read(key), `${source.description}/${key}`));
  return records;
}

/** Runs the job once at `now`; returns the record written and its key. */
export async function runQualityJob(options: QualityJobOptions, now: Date = new Date()): Promise<{ readonly key: string; readonly record: QualityRecord }> {
  // Loaded here, not at import: the local tools that share this module never load the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PutObjectCommand } = require('@aws-sdk/client-s3') as typeof S3;
  const source = s3RecordSource(options.client, options.bucket);
  const window = windowAt(now, options.labelDelayHours, options.windowHours);
  const captures = await windowCaptures(source, options.capturePrefix, window);
  const groundTruth = [];
  for (const folder of hourFoldersBetween(window.start, new Date(now.getTime() + HOUR_MS))) {
    groundTruth.push(...(await readGroundTruth(source, `${RECORD_PREFIXES.groundTruth}${folder}`)));
  }
  const record = computeQualityWindow({ manifest: options.manifest, profile: options.profile, captures, groundTruth, window });
  const key = qualityRecordKey(window);
  await options.client.send(
    new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: `${JSON.stringify(record, null, 2)}\n`, ContentType: 'application/json' }),
  );
  emitQualityMetrics(options.metrics, record);
  return { key, record };
}
