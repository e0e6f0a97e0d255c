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
import { createInferenceApp } from '../../../lambda/serving/app';
import type { InferenceApp } from '../../../lambda/serving/contract';
import { captureFiles, readVariantRecords, type CaptureRecord } from '../../../lib/shadow/capture-records';
import { compareShadow } from '../../../lib/shadow/shadow-report';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const rows = readFileSync(join(IRIS, 'test.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 4).join(','));

let dir: string;
let models: OnnxModel[] = [];
const answers: { production: Array<{ label: string; probabilities: Record<string, number> }>; shadow: Array<{ label: string; probabilities: Record<string, number> }> } = { production: [], shadow: [] };

async function invoke(app: InferenceApp, body: string, contentType: string): Promise<string> {
  const response = await app.handle({ method: 'POST', path: '/invocations', headers: { 'content-type': contentType }, body });
  return String(response.body);
}

function record(input: string, inputType: string, output: string, index: number, variant: string, withInferenceId: boolean): CaptureRecord {
  return {
    captureData: {
      endpointInput: { observedContentType: inputType, mode: 'INPUT', data: input, encoding: inputType === 'text/csv' ? 'CSV' : 'JSON' },
      // SageMaker base64-encodes outputs it does not treat as text; use both encodings.
      endpointOutput:
        index % 2 === 0
          ? { observedContentType: 'application/json', mode: 'OUTPUT', data: output, encoding: 'JSON' }
          : { observedContentType: 'application/json', mode: 'OUTPUT', data: Buffer.from(output).toString('base64'), encoding: 'BASE64' },
    },
    eventMetadata: {
      eventId: `${variant}-${index}`,
      inferenceTime: new Date(Date.UTC(2026, 11, 1, 20, 0, index)).toISOString(),
      ...(withInferenceId ? { inferenceId: `req-${index}` } : {}),
    },
    eventVersion: '0',
  };
}

beforeAll(async () => {
  const production = await loadModelFromDirectory(IRIS);
  const manifestJson = JSON.parse(readFileSync(join(IRIS, 'model.json'), 'utf8'));
  manifestJson.version = '1.1.0';
  manifestJson.input.features[3].scale.mean += 0.35;
  const candidate = await loadModel({ bytes: readFileSync(join(IRIS, 'model.onnx')), manifest: parseManifest(manifestJson) });
  models = [production, candidate];
  const apps = { production: createInferenceApp({ model: production }), shadow: createInferenceApp({ model: candidate }) };
  dir = mkdtempSync(join(tmpdir(), 'modelstack-capture-'));
  const lines: Record<'primary' | 'shadow', string[]> = { primary: [], shadow: [] };
  for (const [index, row] of rows.entries()) {
    // Half as CSV, half as JSON instances; half paired by inferenceId, half by identical input.
    const csv = index % 2 === 0;
    const [a, b, c, d] = row.split(',').map(Number);
    const body = csv ? `${row}\n` : JSON.stringify({ instances: [[a, b, c, d]] });
    const type = csv ? 'text/csv' : 'application/json';
    for (const [variant, app] of [['primary', apps.production], ['shadow', apps.shadow]] as const) {
      const output = await invoke(app, body, type);
      answers[variant === 'primary' ? 'production' : 'shadow'].push(...(JSON.parse(output).predictions as typeof answers.production));
      lines[variant].push(JSON.stringify(record(body, type, output, index, variant, index % 3 !== 0)));
    }
  }
  for (const variant of ['primary', 'shadow'] as const) {
    const hourDir = join(dir, 'capture', 'endpoint-1', variant, '2026', '12', '01', '20');
    mkdirSync(hourDir, { recursive: true });
    writeFileSync(join(hourDir, `${variant}-capture.jsonl`), `${lines[variant].join('\n')}\n`);
  }
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
