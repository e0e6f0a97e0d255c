/**
 * `modelstack compare`: candidates evaluated on the same data, ranked on one metric, one report side by side.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'modelstack-compare-'));
  // A second iris candidate: the same graph whose probabilities are made worse by a manifest that shifts two features.
  const candidate = join(work, 'iris-shifted');
  mkdirSync(candidate);
  for (const file of ['model.onnx', 'train.csv']) copyFileSync(join(EXAMPLES, 'iris', file), join(candidate, file));
  const manifest = JSON.parse(readFileSync(join(EXAMPLES, 'iris', 'model.json'), 'utf8')) as {
    name: string;
    version: string;
    input: { features: { scale: { mean: number; std: number } }[] };
  };
  manifest.name = 'iris-shifted';
  manifest.version = '2.0.0';
  manifest.input.features[2].scale.mean += 1.5;
  manifest.input.features[3].scale.mean += 0.5;
  writeFileSync(join(candidate, 'model.json'), JSON.stringify(manifest));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Given two candidate models of the same task', () => {
  test('When compared on one data set, then they are ranked on the metric and one report shows both', async () => {
    const c = context(work);
    const code = await main(['compare', 'iris-shifted', join(EXAMPLES, 'iris'), '--data', join(EXAMPLES, 'iris', 'test.csv'), '--metric', 'f1', '--json', 'ranking.json'], c);
    expect(code).toBe(EXIT_OK);
    const ranking = c.out.slice(0, 4);
    expect(ranking[0]).toMatch(/^rank\s+model\s+macroF1\s+verdict$/);
    expect(ranking[2]).toMatch(/^1\s+iris 1\.0\.0\s+0\.9230\s+pass$/);
    expect(ranking[3]).toMatch(/^2\s+iris-shifted 2\.0\.0\s+0\.\d{4}\s+(pass|FAIL)$/);
    const html = readFileSync(join(work, 'comparison.html'), 'utf8');
    expect(html).toContain('<section id="comparison">');
    expect(html).toContain('<section id="c1-summary">');
    expect(html).toContain('<section id="c2-summary">');
    const json = JSON.parse(readFileSync(join(work, 'ranking.json'), 'utf8')) as { metric: string; ranking: { name: string }[] };
    expect(json.metric).toBe('macroF1');
    expect(json.ranking.map((m) => m.name)).toEqual(['iris', 'iris-shifted']);
  });

  test('When the metric is an error metric, then lower ranks first', async () => {
    const c = context(work);
    expect(await main(['compare', 'iris-shifted', join(EXAMPLES, 'iris'), '--data', join(EXAMPLES, 'iris', 'test.csv'), '--metric', 'logLoss'], c)).toBe(EXIT_OK);
    expect(c.out[2]).toMatch(/^1\s+iris 1\.0\.0\s+0\.2090/);
  });
});

describe('Given candidates that cannot be compared', () => {
  test('When the metric is not one of the task, then the exit code is 1 and the allowed metrics are listed', async () => {
    const c = context(work);
    expect(await main(['compare', 'iris-shifted', join(EXAMPLES, 'iris'), '--data', join(EXAMPLES, 'iris', 'test.csv'), '--metric', 'rmse'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('metric: "rmse" is not a metric of this multiclass-classification model; expected one of accuracy');
  });

  test('When --data is missing, then it is a usage error', async () => {
    expect(await main(['compare', 'a', 'b'], context(work))).toBe(EXIT_USAGE);
  });
});
