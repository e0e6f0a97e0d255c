/**
 * End to end, offline: the local server answers real requests with real onnxruntime-node on the committed
 * breast-cancer model; each request and answer is captured in the record format into s3rver; ground truth arrives
 * late for part of them; the quality handler evaluates the window from s3rver. Its metrics equal
 * `modelstack evaluate`'s on the same rows (the same code), and its record lands under `quality/`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { parseCsv } from '../../../lambda/core/csv';
import { readManifest, type Manifest } from '../../../lambda/core/manifest';
import { createQualityHandler, type QualityRunResult } from '../../../lambda/hosts/quality-handler';
import { startServer, type RunningServer } from '../../../lambda/hosts/local-server';
import { QUALITY_METRICS } from '../../../lambda/records/quality-metric-names';
import { hourFolder } from '../../../lambda/records/record-format';
import { TrainingProfileSchema } from '../../../lambda/records/training-profile';
import { evaluateModel } from '../../../lib/evaluation/evaluate-model';
import { captureEmf, type EmfDocument } from '../../support/emf';
import { groundTruthOf, putJsonLines, requestsOf, serveAndCapture, type CapturedRequest } from '../../support/prediction-records';
import { startLocalS3, type LocalS3 } from '../../support/s3rver';
import { lambdaEndpoint } from '../../support/endpoints';
import { TestPredictionRecords } from '../../support/prediction-records-bucket';
import { AlarmTopics } from '../../../lib/monitoring/alarm-topics';
import { QualityMonitor } from '../../../lib/quality-monitor';
import { Template } from 'aws-cdk-lib/assertions';

const MODEL_DIR = join(__dirname, '..', '..', '..', 'examples', 'breast-cancer');
const BUCKET = 'records';
const CAPTURE_PREFIX = 'capture/breast-cancer-fn/';
const WINDOW_START = new Date('2026-11-02T10:00:00Z');
const LABEL_DELAY_HOURS = 48;
/** The run that evaluates the window: the window's end plus the label delay, plus a few minutes. */
const RUN_AT = new Date(WINDOW_START.getTime() + (1 + LABEL_DELAY_HOURS) * 3_600_000 + 5 * 60_000);

describe('Given captured predictions of the local server and late ground truth in s3rver', () => {
  let s3: LocalS3;
  let server: RunningServer;
  let manifest: Manifest;
  let captured: CapturedRequest[];
  let labelled: CapturedRequest[];
  let result: QualityRunResult;
  let emf: EmfDocument[];
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'modelstack-quality-'));
    manifest = await readManifest(join(MODEL_DIR, 'model.json'));
    const rows = parseCsv(readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8'), manifest);
    const features = manifest.input.features.map((f) => f.name);
    [s3, server] = await Promise.all([startLocalS3(), startServer({ model: MODEL_DIR, port: 0, logLevel: 'SILENT', announce: () => undefined })]);
    await s3.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    captured = await serveAndCapture(server.url, requestsOf(rows, 'bc'), features, WINDOW_START);
    await putJsonLines(s3.client, BUCKET, `${CAPTURE_PREFIX}live/${hourFolder(WINDOW_START)}part-0.jsonl`, captured.map((c) => c.record));
    // Labels for three requests in four, uploaded a day and a half after the predictions.
    labelled = captured.filter((_, n) => n % 4 !== 3);
    const uploadHour = new Date(WINDOW_START.getTime() + 36 * 3_600_000);
    await putJsonLines(s3.client, BUCKET, `ground-truth/${hourFolder(uploadHour)}labels.jsonl`, labelled.flatMap((c, n) => groundTruthOf(c, 'diagnosis', n)));
    const profile = TrainingProfileSchema.parse(JSON.parse(readFileSync(join(MODEL_DIR, 'profile.json'), 'utf8')));
    const handler = createQualityHandler({
      env: { RECORDS_BUCKET: BUCKET, CAPTURE_PREFIX, LABEL_DELAY_HOURS: String(LABEL_DELAY_HOURS), WINDOW_HOURS: '1' },
      client: s3.client,
      manifest,
      profile,
      metrics: new Metrics({ namespace: 'modelstack', serviceName: manifest.name }),
      now: () => RUN_AT,
    });
    emf = await captureEmf(async () => {
      result = await handler();
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([server?.close(), s3?.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  test('When the job runs, then it evaluates the window that ends the label delay before the run', () => {
    expect(result.record.window).toEqual({ start: WINDOW_START.toISOString(), end: new Date(WINDOW_START.getTime() + 3_600_000).toISOString() });
    const instances = captured.reduce((sum, c) => sum + c.rows.length, 0);
    const labelledRows = labelled.reduce((sum, c) => sum + c.rows.length, 0);
    expect(result.record.predictions).toBe(instances);
    expect(result.record.labelled).toBe(labelledRows);
    expect(result.record.labelledShare).toBeCloseTo(labelledRows / instances, 12);
    expect(result.record.unusableLabels).toBe(0);
  });

  test('Then its metrics equal modelstack evaluate on the same labelled rows, exactly', async () => {
    const csv = join(workDir, 'labelled.csv');
    const header = Object.keys(labelled[0].rows[0]);
    writeFileSync(csv, [header.join(','), ...labelled.flatMap((c) => c.rows.map((row) => header.map((h) => row[h]).join(',')))].join('\n') + '\n');
    const evaluation = await evaluateModel({ modelDir: MODEL_DIR, data: csv, target: 'diagnosis', now: RUN_AT });
    expect(result.record.metrics).toEqual(evaluation.metrics);
  }, 60_000);

  test('Then the quality record is written under quality/ at the window hour', async () => {
    expect(result.key).toBe('quality/2026/11/02/10/20261102T100000Z.json');
    const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.key }));
    expect(JSON.parse(await (object.Body as { transformToString(): Promise<string> }).transformToString())).toEqual(JSON.parse(JSON.stringify(result.record)));
  });

  test('Then the EMF carries the live accuracy, the labelled count and share on the service dimension', () => {
    const values = (name: string) => emf.filter((d) => d._aws.CloudWatchMetrics[0].Metrics.some((m) => m.Name === name)).map((d) => d[name]);
    expect(values(QUALITY_METRICS.accuracy.name)).toEqual([result.record.live?.accuracy]);
    expect(values(QUALITY_METRICS.labelledPredictions.name)).toEqual([result.record.labelled]);
    expect(values(QUALITY_METRICS.labelledShare.name)).toEqual([result.record.labelledShare]);
    expect(emf.every((d) => d.service === 'breast-cancer' && d._aws.CloudWatchMetrics[0].Namespace === 'modelstack')).toBe(true);
  });

  test('Then every series the quality alarms read is one the job wrote: same namespace, name and dimensions', () => {
    const { stack, endpoint } = lambdaEndpoint('breast-cancer');
    const promised = { ...manifest, evaluation: { data: 'test.csv', target: 'diagnosis', minimum: { accuracy: 0.9 }, minimumPerClass: { malignant: { recall: 0.85, precision: 0.8 } } } } as Manifest;
    const profile = TrainingProfileSchema.parse(JSON.parse(readFileSync(join(MODEL_DIR, 'profile.json'), 'utf8')));
    const figures = { verdict: 'pass' as const, keyMetric: 'macroF1', metrics: { accuracy: 0.95 }, rows: 143, dataSha256: 'a'.repeat(64), evaluatedAt: RUN_AT.toISOString() };
    const topics = new AlarmTopics(stack, 'Topics', { purpose: 'tests', recipients: { warning: [] } });
    new QualityMonitor(stack, 'Quality', { records: new TestPredictionRecords(stack, 'Records'), endpoint, topics, manifest: promised, evaluation: figures, profile });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: { Metrics?: Array<{ MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Array<{ Name: string; Value: string }> } } }> } }>;
    const read = alarms
      .flatMap((a) => a.Properties.Metrics ?? [])
      .flatMap((m) => (m.MetricStat === undefined ? [] : [m.MetricStat.Metric]))
      .map((m) => ({ namespace: m.Namespace, name: m.MetricName, dimensions: Object.fromEntries(m.Dimensions.map((d) => [d.Name, d.Value])) }));
    const written = emf.flatMap((doc) =>
      doc._aws.CloudWatchMetrics.flatMap((set) => set.Metrics.map((metric) => ({ namespace: set.Namespace, name: metric.Name, dimensions: Object.fromEntries(set.Dimensions[0].map((d) => [d, String(doc[d])])) }))),
    );
    // Accuracy, labelled count, class recall and precision, and the PSI and window size of every numeric feature.
    expect(read.length).toBeGreaterThan(30);
    for (const series of read) expect(written).toContainEqual(series);
  });

  test('Then the drift of every feature is measured against the committed profile, and in-distribution rows stay below 0.2', () => {
    const drift = result.record.drift ?? {};
    expect(Object.keys(drift)).toEqual(manifest.input.features.map((f) => f.name));
    const psi = Object.values(drift).map((d) => d.psi as number);
    for (const value of psi) expect(value).toBeLessThan(0.2);
  });
});
