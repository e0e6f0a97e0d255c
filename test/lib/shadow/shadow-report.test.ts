/**
 * `modelstack shadow-report` on capture files in SageMaker's format, produced by running this repo's iris model
 * (production) and a candidate (the same ONNX graph with a re-fitted petal_width scaling, version 1.1.0) through the
 * runtime on the iris test rows. Expected figures are computed from the runtime's own answers, not typed in.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliContext } from '../../../bin/modelstack';
import { parseManifest } from '../../../lambda/core/manifest';
import { loadModel, loadModelFromDirectory, type OnnxModel } from '../../../lambda/core/model';
import { captureFiles, readVariantRecords } from '../../../lib/shadow/capture-records';
import { compareShadow } from '../../../lib/shadow/shadow-report';
import { writeShadowCapture } from '../../support/shadow-capture';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const rows = readFileSync(join(IRIS, 'test.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 4).join(','));

let dir: string;
let models: OnnxModel[] = [];
let answers: Awaited<ReturnType<typeof writeShadowCapture>>;

beforeAll(async () => {
  const production = await loadModelFromDirectory(IRIS);
  const manifestJson = JSON.parse(readFileSync(join(IRIS, 'model.json'), 'utf8'));
  manifestJson.version = '1.1.0';
  manifestJson.input.features[3].scale.mean += 0.35;
  const candidate = await loadModel({ bytes: readFileSync(join(IRIS, 'model.onnx')), manifest: parseManifest(manifestJson) });
  models = [production, candidate];
  dir = mkdtempSync(join(tmpdir(), 'modelstack-capture-'));
  answers = await writeShadowCapture({ directory: dir, endpoint: 'endpoint-1', production, shadow: candidate, rows, start: new Date(Date.UTC(2026, 11, 1, 20, 0, 0)) });
});

afterAll(async () => {
  for (const model of models) await model.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Given capture files of a production and a shadow variant', () => {
  test('When compared, then every request is paired and the agreement and label shifts are those of the runtime answers', () => {
    const report = compareShadow(readVariantRecords(captureFiles([dir]), ['primary', 'shadow']), 'primary', 'shadow');
    const n = rows.length;
    const agree = answers.production.filter((p, i) => p.label === answers.shadow[i].label).length / n;
    expect(report).toMatchObject({ task: 'classification', requests: { production: n, shadow: n }, pairedRequests: n, comparedInstances: n, failedResponses: { production: 0, shadow: 0 } });
    expect(report.agreementRate).toBeCloseTo(agree, 10);
    expect(agree).toBeLessThan(1); // the candidate really differs
    for (const label of ['setosa', 'versicolor', 'virginica']) {
      const shift = report.labels?.find((l) => l.label === label);
      const share = (list: typeof answers.production) => list.filter((p) => p.label === label).length / n;
      const meanDiff = answers.shadow.reduce((s, p, i) => s + p.probabilities[label] - answers.production[i].probabilities[label], 0) / n;
      expect(shift?.productionShare).toBeCloseTo(share(answers.production), 10);
      expect(shift?.shadowShare).toBeCloseTo(share(answers.shadow), 10);
      expect(shift?.meanProbabilityDifference).toBeCloseTo(meanDiff, 10);
    }
    expect(report.latency.available).toBe(false);
  });

  test('When `modelstack shadow-report` runs, then it prints the table and writes JSON and Markdown', async () => {
    const out: string[] = [];
    const context: CliContext = { cwd: dir, env: {}, stdout: (l) => out.push(l), stderr: (l) => out.push(l), interactive: false };
    const code = await main(['shadow-report', 'capture', '--json', 'report.json', '--markdown', 'report.md'], context);
    expect(code).toBe(0);
    const text = out.join('\n');
    // The README's example output: SHADOW_REPORT_EXAMPLE=<file> npx jest test/lib/shadow
    if (process.env.SHADOW_REPORT_EXAMPLE) writeFileSync(process.env.SHADOW_REPORT_EXAMPLE, `${text}\n`);
    expect(text).toMatch(/label agreement\s+\d+\.\d%/);
    expect(text).toMatch(/label versicolor\s+[\d.]+% -> [\d.]+%/);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(json).toMatchObject({ production: 'primary', shadow: 'shadow', pairedRequests: rows.length });
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/^# Shadow report: shadow vs primary\n\n\| metric \| value \|/);
  });

  test('When agreement is below --min-agreement, then it exits 1; a line that is not capture data exits 1 naming it', async () => {
    const context: CliContext = { cwd: dir, env: {}, stdout: () => undefined, stderr: () => undefined, interactive: false };
    expect(await main(['shadow-report', 'capture', '--min-agreement', '1'], context)).toBe(1);
    const bad = join(dir, 'bad', 'primary');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'x.jsonl'), '{"not": "capture"}\n');
    const errors: string[] = [];
    expect(await main(['shadow-report', 'bad'], { ...context, stderr: (l) => errors.push(l) })).toBe(1);
    expect(errors.join('\n')).toContain('x.jsonl:1: not a SageMaker capture record');
    expect(await main(['shadow-report', 'capture', '--min-agreement', '2'], context)).toBe(2);
  });
});
