/**
 * `modelstack evaluate` in process: the tables, evaluation.json, the exit codes of a passing and a failing verdict,
 * rejected rows counted by reason, and the previous model as a baseline.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progressReporter } from '../../bin/commands/progress';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import type { EvaluationRecord } from '../../lib/evaluation/evaluation-record';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

/** A copy of an example directory whose manifest's `evaluation` is changed by `edit`. */
function copyExample(name: string, edit: (evaluation: Record<string, unknown>) => Record<string, unknown> = (e) => e): string {
  const dir = mkdtempSync(join(tmpdir(), `modelstack-evaluate-${name}-`));
  for (const file of ['model.onnx', 'test.csv', 'train.csv']) copyFileSync(join(EXAMPLES, name, file), join(dir, file));
  const manifest = JSON.parse(readFileSync(join(EXAMPLES, name, 'model.json'), 'utf8')) as { evaluation: Record<string, unknown> };
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, evaluation: edit(manifest.evaluation) }));
  return dir;
}

const readRecord = (dir: string): EvaluationRecord => JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8')) as EvaluationRecord;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const track = (dir: string): string => (dirs.push(dir), dir);

describe('Given a model that meets its manifest minimums', () => {
  test('When it is evaluated, then it prints the metrics, writes evaluation.json and the report, and exits 0', async () => {
    const dir = track(copyExample('breast-cancer'));
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_OK);
    expect(c.out.join('\n')).toMatch(/recall of malignant is 0\.9811; required >= 0\.9500\s+pass/);
    expect(c.out).toContain('verdict: PASS');
    const record = readRecord(dir);
    expect(record.verdict.passed).toBe(true);
    expect(record.model.sha256).toBe('4492913f5cb3b6a70402423f5fe9843401f7feef9d01a4832b87aa6c29f874a7');
    expect(record.predictionDistribution).toEqual({ task: 'classification', rows: 143, labelShares: { malignant: 56 / 143, benign: 87 / 143 } });
    expect(readFileSync(join(dir, 'evaluation.html'), 'utf8')).toContain('<section id="confusion-matrix">');
    expect(c.out).toContain(`wrote ${join(dir, 'profile.json')}`);
    expect(readFileSync(join(dir, 'profile.json'), 'utf8')).toBe(readFileSync(join(EXAMPLES, 'breast-cancer', 'profile.json'), 'utf8'));
  });

  test('When stderr is not a terminal, then progress is plain lines ending at 100 %', async () => {
    const dir = track(copyExample('iris'));
    const c = context(dir);
    await main(['evaluate', '.', '--no-report'], c);
    expect(c.err[c.err.length - 1]).toBe('evaluating: 100 % (38 rows)');
  });
});

describe('Given a model below a minimum', () => {
  test.each([
    ['a per-class recall', { minimumPerClass: { malignant: { recall: 0.99 } } }, 'recall of malignant is 0.9811; required >= 0.9900'],
    ['an overall accuracy', { minimum: { accuracy: 0.99 } }, 'accuracy is 0.9650; required >= 0.9900'],
    ['a log-loss ceiling', { minimum: { logLoss: 0.05 } }, 'logLoss is 0.07433; required <= 0.05000'],
  ])('When %s is not reached, then the exit code is 1 and the failing verdict says which', async (_case, minimums, message) => {
    const dir = track(copyExample('breast-cancer', (e) => ({ ...e, minimumPerClass: undefined, minimum: undefined, ...minimums })));
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(message);
    const record = readRecord(dir);
    expect(record.verdict.passed).toBe(false);
    expect(record.verdict.failures).toEqual([message]);
  });

  test('When a regression error ceiling is not met, then the exit code is 1', async () => {
    const dir = track(copyExample('diabetes', (e) => ({ ...e, minimum: { rmse: 50 } })));
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('rmse is 53.32; required <= 50');
  });
});

describe('Given requirements that name what does not exist', () => {
  test.each([
    [{ minimum: { f2: 0.9 } }, 'evaluation.minimum.f2: "f2" is not a metric of this model; expected one of accuracy, macroPrecision'],
    [{ minimumPerClass: { cancer: { recall: 0.9 } } }, 'evaluation.minimumPerClass.cancer: "cancer" is not a label of this model; expected one of malignant, benign'],
    [{ minimumPerClass: { malignant: { sensitivity: 0.9 } } }, 'evaluation.minimumPerClass.malignant.sensitivity: "sensitivity" is not a per-class metric; expected one of precision, recall, f1'],
  ])('When the manifest has %p, then the exit code is 1 and the field, value and allowed values are named', async (evaluation, message) => {
    const dir = track(copyExample('breast-cancer', (e) => ({ ...e, minimumPerClass: undefined, ...evaluation })));
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(message);
  });

  test('When --data has no target column, then the exit code is 1 and the columns are listed', async () => {
    const dir = track(copyExample('iris'));
    writeFileSync(join(dir, 'no-target.csv'), 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n5,3,1,0.2\n');
    const c = context(dir);
    expect(await main(['evaluate', '.', '--data', 'no-target.csv'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('has no column "species"; its columns are sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm');
  });

  test('When no model directory is given, then it is a usage error', async () => {
    expect(await main(['evaluate'], context('/'))).toBe(EXIT_USAGE);
  });
});

describe('Given data with rows the runtime rejects', () => {
  /** iris rejects missing values; rows 2 and 4 are bad, the rest of their batch must still be scored. */
  function irisWithBadRows(evaluation: Record<string, unknown> = {}): string {
    const dir = track(copyExample('iris', (e) => ({ ...e, ...evaluation })));
    const lines = readFileSync(join(dir, 'test.csv'), 'utf8').trimEnd().split('\n');
    lines[2] = lines[2].replace(/^[^,]*/, '');
    lines[4] = lines[4].replace(/,[^,]*$/, ',unicorn');
    writeFileSync(join(dir, 'test.csv'), `${lines.join('\n')}\n`);
    return dir;
  }

  test('When the default allows none, then every other row is scored, the rejects are counted by reason, and the exit code is 1', async () => {
    const dir = irisWithBadRows();
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_CHECK_FAILED);
    const record = readRecord(dir);
    expect(record.data).toMatchObject({ rows: 38, evaluatedRows: 36 });
    expect(record.rejected.count).toBe(2);
    expect(record.rejected.byReason).toEqual([
      { reason: 'sepal_length_cm: expected a finite number of at least 0 (the feature is required)', count: 1, exampleLines: [3] },
      { reason: 'species: expected one of setosa, versicolor, virginica (the target)', count: 1, exampleLines: [5] },
    ]);
    expect(record.verdict.failures).toEqual(['share of rejected rows is 0.05263; required <= 0']);
  });

  test('When maxRejectedShare allows them, then the verdict passes and the rejects are still reported', async () => {
    const dir = irisWithBadRows({ maxRejectedShare: 0.1 });
    const c = context(dir);
    expect(await main(['evaluate', '.'], c)).toBe(EXIT_OK);
    expect(c.out.join('\n')).toContain('rejected rows: 2 (5.3 %, at most 10.0 % allowed)');
  });
});

describe('Given a previous model to compare against', () => {
  test('When the candidate is the same model, then it is "not worse" and the previous figures are recorded', async () => {
    const dir = track(copyExample('iris'));
    const c = context(dir);
    expect(await main(['evaluate', '.', '--baseline', join(EXAMPLES, 'iris')], c)).toBe(EXIT_OK);
    const record = readRecord(dir);
    expect(record.baselines.previous?.metrics).toEqual(record.metrics);
    expect(record.verdict.checks.map((x) => x.kind)).toContain('not-worse-than-previous');
  });

  test('When the previous model did better than the tolerance allows, then the exit code is 1', async () => {
    const previous = track(copyExample('iris'));
    const dir = track(copyExample('iris', (e) => ({ ...e, tolerance: 0.001 })));
    // The previous evaluation: same data (hash), better macroF1.
    await main(['evaluate', '.', '--no-report'], context(previous));
    const before = readRecord(previous);
    const better = { ...before, metrics: { ...before.metrics, macro: { precision: 1, recall: 1, f1: 1, support: 38 } } };
    writeFileSync(join(previous, 'evaluation.json'), JSON.stringify(better));
    const c = context(dir);
    expect(await main(['evaluate', '.', '--baseline', join(previous, 'evaluation.json')], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('macroF1 vs the previous model (tolerance 0.001) is 0.9230; required >= 0.9990');
  });

  test('When the previous evaluation.json was computed on other data, then it is refused', async () => {
    const dir = track(copyExample('iris'));
    const c = context(dir);
    expect(await main(['evaluate', '.', '--baseline', join(EXAMPLES, 'breast-cancer', 'evaluation.json')], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('was computed on other data');
  });
});

describe('Given slices with their own minimums', () => {
  test('When one value of the slice column falls short, then the exit code is 1 and the slice is named', async () => {
    const dir = track(copyExample('penguins-lightgbm', (e) => ({ ...e, slices: { island: { minimum: { accuracy: 0.99 } } } })));
    const data = join(EXAMPLES, 'penguins-sklearn', 'test.csv');
    const c = context(dir);
    expect(await main(['evaluate', '.', '--data', data, '--slice-by', 'sex'], c)).toBe(EXIT_CHECK_FAILED);
    const record = readRecord(dir);
    expect(Object.keys(record.slices)).toEqual(['island', 'sex']);
    expect(record.verdict.failures).toEqual([expect.stringMatching(/^accuracy on island=Torgersen is 0\.\d+; required >= 0\.9900$/)]);
    expect(c.out.join('\n')).toMatch(/slices by island\n/);
  });
});

describe('Given an interactive terminal', () => {
  test('When progress is reported, then one bar redraws itself in place and ends with a line break', () => {
    const written: string[] = [];
    const c = { ...context('/'), interactive: true };
    const progress = progressReporter(c, 'evaluating', (text) => written.push(text));
    progress.update({ done: 1, total: 2, detail: '256 rows' });
    progress.update({ done: 2, total: 2, detail: '512 rows' });
    progress.finish();
    expect(written).toEqual([
      '\revaluating [###############...............]  50 % 256 rows',
      '\revaluating [##############################] 100 % 512 rows',
      '\n',
    ]);
    expect(c.err).toEqual([]);
  });
});
