/**
 * Drift, end to end: the local server (real onnxruntime-node) is fed the breast-cancer test rows with one feature
 * scaled by 1.5; the quality handler reads the captures from s3rver, and the PSI it publishes for that feature
 * crosses the PSI alarm's threshold while every other feature's stays under it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { parseCsv } from '../../../lambda/core/csv';
import { readManifest } from '../../../lambda/core/manifest';
import { createQualityHandler } from '../../../lambda/hosts/quality-handler';
import { startServer, type RunningServer } from '../../../lambda/hosts/local-server';
import { QUALITY_METRICS } from '../../../lambda/records/quality-metric-names';
import { hourFolder } from '../../../lambda/records/record-format';
import { TrainingProfileSchema } from '../../../lambda/records/training-profile';
import { QUALITY_DEFAULTS } from '../../../lib/quality-monitor';
import { captureEmf, type EmfDocument } from '../../support/emf';
import { putJsonLines, requestsOf, serveAndCapture } from '../../support/prediction-records';
import { startLocalS3, type LocalS3 } from '../../support/s3rver';

const MODEL_DIR = join(__dirname, '..', '..', '..', 'examples', 'breast-cancer');
const SHIFTED = 'mean_radius';
const WINDOW_START = new Date('2026-11-03T08:00:00Z');

describe(`Given the runtime fed inputs with ${SHIFTED} scaled by 1.5`, () => {
  let s3: LocalS3;
  let server: RunningServer;
  let psi: Map<string, number>;

  beforeAll(async () => {
    const manifest = await readManifest(join(MODEL_DIR, 'model.json'));
    const rows = parseCsv(readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8'), manifest).map((row) => ({ ...row, [SHIFTED]: String(Number(row[SHIFTED]) * 1.5) }));
    [s3, server] = await Promise.all([startLocalS3(), startServer({ model: MODEL_DIR, port: 0, logLevel: 'SILENT', announce: () => undefined })]);
    await s3.client.send(new CreateBucketCommand({ Bucket: 'records' }));
    const captured = await serveAndCapture(server.url, requestsOf(rows, 'drift'), manifest.input.features.map((f) => f.name), WINDOW_START);
    await putJsonLines(s3.client, 'records', `capture/fn/live/${hourFolder(WINDOW_START)}part-0.jsonl`, captured.map((c) => c.record));
    const handler = createQualityHandler({
      env: { RECORDS_BUCKET: 'records', CAPTURE_PREFIX: 'capture/', LABEL_DELAY_HOURS: '0', WINDOW_HOURS: '1' },
      client: s3.client,
      manifest,
      profile: TrainingProfileSchema.parse(JSON.parse(readFileSync(join(MODEL_DIR, 'profile.json'), 'utf8'))),
      metrics: new Metrics({ namespace: 'modelstack', serviceName: manifest.name }),
      now: () => new Date(WINDOW_START.getTime() + 3_600_000 + 60_000),
    });
    let emf: EmfDocument[] = [];
    emf = await captureEmf(async () => {
      await handler();
    });
    psi = new Map(emf.filter((d) => QUALITY_METRICS.featurePsi.name in d).map((d) => [String(d.feature), Number(d[QUALITY_METRICS.featurePsi.name])]));
  }, 120_000);

  afterAll(async () => {
    await Promise.all([server?.close(), s3?.close()]);
  });

  test(`Then the PSI of ${SHIFTED} crosses the alarm threshold`, () => {
    expect(psi.get(SHIFTED)).toBeGreaterThan(QUALITY_DEFAULTS.psiThreshold);
  });

  test('Then no other feature crosses it', () => {
    const others = [...psi].filter(([feature]) => feature !== SHIFTED);
    expect(others).toHaveLength(29);
    expect(others.filter(([, value]) => value > QUALITY_DEFAULTS.psiThreshold)).toEqual([]);
  });
});
