/**
 * `modelstack quality-report` in process, over folders of records made from the local server's real answers:
 * the HTML report with a time axis, the JSON, exit 0 when every judged window meets the manifest's minimums,
 * exit 1 naming the window and the metric when one does not, and a missing folder refused by name.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, main, type CliContext } from '../../bin/modelstack';
import { parseCsv } from '../../lambda/core/csv';
import { readManifest } from '../../lambda/core/manifest';
import { startServer, type RunningServer } from '../../lambda/hosts/local-server';
import { hourFolder } from '../../lambda/records/record-format';
import type { QualityReport } from '../../lib/quality/quality-report';
import { groundTruthOf, requestsOf, serveAndCapture, type CapturedRequest } from '../support/prediction-records';

const MODEL_DIR = join(__dirname, '..', '..', 'examples', 'breast-cancer');
const HOURS = [new Date('2026-11-02T10:00:00Z'), new Date('2026-11-02T11:00:00Z')];

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

function writeJsonLines(file: string, records: readonly unknown[]): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

describe('Given two hours of captured predictions and their ground truth in local folders', () => {
  let server: RunningServer;
  let dir: string;
  let hours: CapturedRequest[][];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelstack-quality-report-'));
    const manifest = await readManifest(join(MODEL_DIR, 'model.json'));
    const rows = parseCsv(readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8'), manifest);
    server = await startServer({ model: MODEL_DIR, port: 0, logLevel: 'SILENT', announce: () => undefined });
    const features = manifest.input.features.map((f) => f.name);
    const half = Math.ceil(rows.length / 2);
    hours = [
      await serveAndCapture(server.url, requestsOf(rows.slice(0, half), 'h10'), features, HOURS[0]),
      await serveAndCapture(server.url, requestsOf(rows.slice(half), 'h11'), features, HOURS[1]),
    ];
    hours.forEach((captured, h) => writeJsonLines(join(dir, 'captures', 'ep', 'live', hourFolder(HOURS[h]), 'part-0.jsonl'), captured.map((c) => c.record)));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function labels(name: string, flip: (request: CapturedRequest, hour: number) => boolean): string {
    const folder = join(dir, name);
    const records = hours.flatMap((captured, h) =>
      captured.flatMap((c, n) => {
        const rows = flip(c, h) ? c.rows.map((row) => ({ ...row, diagnosis: row.diagnosis === 'malignant' ? 'benign' : 'malignant' })) : c.rows;
        return groundTruthOf({ ...c, rows }, 'diagnosis', n);
      }),
    );
    writeJsonLines(join(folder, '2026', '11', '04', '09', 'labels.jsonl'), records);
    return folder;
  }

  test('When every label is the truth, then it reports each window against the evaluation and exits 0', async () => {
    const truth = labels('truth', () => false);
    const c = context(dir);
    expect(await main(['quality-report', 'captures', truth, '--model', MODEL_DIR, '--min-labelled', '10', '--json', 'report.json'], c)).toBe(EXIT_OK);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as QualityReport;
    expect(report.windows.map((w) => w.window.start)).toEqual(HOURS.map((h) => h.toISOString()));
    expect(report.windows.map((w) => w.labelled)).toEqual([72, 71]);
    expect(report.evaluation).toBeDefined();
    const html = readFileSync(join(dir, 'quality-report.html'), 'utf8');
    expect(html).toContain('live accuracy per window');
    expect(html).toContain('class="ref level"');
    expect(html).toContain('<section id="drift">');
    expect(c.out[0]).toMatch(/^2026-11-02T10:00:00.000Z {2}72 predictions, 72 labelled, accuracy 0\.\d{4}$/);
  }, 60_000);

  test("When the second hour's labels say the model was wrong, then it exits 1 naming the window and the minimum broken", async () => {
    const wrong = labels('wrong', (_c, h) => h === 1);
    const c = context(dir);
    expect(await main(['quality-report', 'captures', wrong, '--model', MODEL_DIR, '--min-labelled', '10', '--html', 'wrong.html'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/window 2026-11-02T11:00:00.000Z: recall of class "malignant" 0\.\d{4} is below the minimum 0.95 \(71 labelled predictions\)/);
    expect(c.err.join('\n')).not.toMatch(/window 2026-11-02T10:00/);
  }, 60_000);

  test('When the window has fewer labels than --min-labelled, then it is shown but not judged', async () => {
    const wrong = labels('wrong-few', (_c, h) => h === 1);
    expect(await main(['quality-report', 'captures', wrong, '--model', MODEL_DIR, '--min-labelled', '100', '--html', 'few.html'], context(dir))).toBe(EXIT_OK);
  }, 60_000);

  test('When the ground-truth folder does not exist, then it is refused by name', async () => {
    const c = context(dir);
    expect(await main(['quality-report', 'captures', 'nowhere', '--model', MODEL_DIR], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/the ground truth folder .*nowhere does not exist/);
  });
});
