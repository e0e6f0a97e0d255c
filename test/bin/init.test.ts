/**
 * `modelstack init` as the CLI runs it (in process): what it writes, what it prints, and its exit codes.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';

const ROOT = join(__dirname, '..', '..');
const PENGUINS = ['examples/penguins-sklearn/model.onnx', '--data', 'examples/penguins-sklearn/train.csv', '--target', 'species'];

interface Run {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

async function init(args: readonly string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context: CliContext = { cwd: ROOT, env: {}, interactive: false, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) };
  const code = await main(['init', ...args], context);
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelstack-init-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Given the penguins-sklearn model with its ZipMap', () => {
  test('When init writes into --out, then model.json and the rewritten model.onnx are there and it exits 0', async () => {
    const run = await init([...PENGUINS, '--out', dir]);
    expect(run.code).toBe(EXIT_OK);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'model.onnx', 'profile.json']);
  });

  test('When init is given training data, then it writes the training profile: category shares and missing shares', async () => {
    await init([...PENGUINS, '--out', dir]);
    const profile = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')) as { features: Record<string, { kind: string; categoryShares?: Record<string, number>; missingShare: number; edges?: number[] }> };
    expect(Object.keys(profile.features.island.categoryShares ?? {})).toEqual(['Biscoe', 'Dream', 'Torgersen']);
    expect(profile.features.sex.missingShare).toBeCloseTo(0.035, 3);
    expect(profile.features.bill_length_mm.kind).toBe('numeric');
    expect(profile.features.bill_length_mm.edges).toHaveLength(9);
  });

  test('When init runs, then it prints the ZipMap rewrite, the feature table and the review list', async () => {
    const { stdout } = await init([...PENGUINS, '--out', dir]);
    const text = stdout.join('\n');
    expect(text).toContain('ZipMap:  "output_probability" removed; the tensor feeding it, "probabilities", is now the output');
    expect(text).toMatch(/island\s+island\s+category\/string\s+0\.0%\s+3 values: Biscoe, Dream, Torgersen\s+reject/);
    expect(text).toMatch(/sex\s+sex\s+category\/string\s+3\.5%\s+2 values: female, male\s+passthrough/);
    expect(text).toContain('review before serving:');
  });

  test('When init runs a second time with --force, then the files are byte-identical', async () => {
    await init([...PENGUINS, '--out', dir]);
    const first = ['model.json', 'model.onnx'].map((f) => readFileSync(join(dir, f)));
    expect((await init([...PENGUINS, '--out', dir, '--force'])).code).toBe(EXIT_OK);
    ['model.json', 'model.onnx'].forEach((f, i) => expect(readFileSync(join(dir, f)).equals(first[i])).toBe(true));
  });

  test('When the output folder already has model.json and model.onnx, then init refuses without --force and exits 1', async () => {
    await init([...PENGUINS, '--out', dir]);
    const run = await init([...PENGUINS, '--out', dir]);
    expect(run.code).toBe(EXIT_CHECK_FAILED);
    expect(run.stderr.join('\n')).toMatch(/model\.json and .*model\.onnx already exist; pass --force/);
  });
});

describe('Given a model alone in its folder', () => {
  test('When init runs without --out, then it writes model.json beside the model and leaves model.onnx as it was', async () => {
    copyFileSync(join(ROOT, 'examples/iris/model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(ROOT, 'examples/iris/train.csv'), join(dir, 'train.csv'));
    const before = readFileSync(join(dir, 'model.onnx'));
    const run = await init([join(dir, 'model.onnx'), '--data', join(dir, 'train.csv'), '--target', 'species', '--name', 'my-iris']);
    expect(run.code).toBe(EXIT_OK);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toMatchObject({ name: 'my-iris', version: '1.0.0' });
    expect(readFileSync(join(dir, 'model.onnx')).equals(before)).toBe(true);
  });

  test('When init runs without --data, then the features are placeholders the review list names', async () => {
    copyFileSync(join(ROOT, 'examples/digits-pytorch/model.onnx'), join(dir, 'model.onnx'));
    const run = await init([join(dir, 'model.onnx'), '--name', 'digits', '--task', 'multiclass-classification']);
    expect(run.code).toBe(EXIT_OK);
    expect(run.stdout.join('\n')).toContain('features are named feature_0 ... feature_63 (no --data)');
    expect(run.stdout.join('\n')).toContain('labels are placeholders class_0 ... class_9');
  });

  test('When an [N, K] output comes without labels or --task, then init refuses to guess a classifier and says what to pass', async () => {
    copyFileSync(join(ROOT, 'examples/digits-pytorch/model.onnx'), join(dir, 'model.onnx'));
    const run = await init([join(dir, 'model.onnx'), '--name', 'digits']);
    expect(run.code).toBe(EXIT_CHECK_FAILED);
    const message = run.stderr.join('\n');
    expect(message).toContain('has 10 columns: 10 class scores or 10 regression targets, and without labels init cannot tell which');
    expect(message).toContain('--task multiclass-classification');
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });

  test('When --task is not a task, then init exits 2 listing the tasks', async () => {
    const run = await init(['examples/iris/model.onnx', '--task', 'classify', '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr.join('\n')).toContain('expected one of binary-classification, multiclass-classification, regression');
  });
});

describe('Given bad options', () => {
  test('When --target names no column, then init exits 1 naming the columns there are', async () => {
    const run = await init(['examples/iris/model.onnx', '--data', 'examples/iris/train.csv', '--target', 'kind', '--out', dir]);
    expect(run.code).toBe(EXIT_CHECK_FAILED);
    expect(run.stderr.join('\n')).toContain('--target is "kind", which is not a column of');
    expect(run.stderr.join('\n')).toContain('sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm, species');
  });

  test('When --target is given without --data, then init exits 1 saying --target names a column of --data', async () => {
    const run = await init(['examples/iris/model.onnx', '--target', 'species', '--out', dir]);
    expect(run.code).toBe(EXIT_CHECK_FAILED);
    expect(run.stderr.join('\n')).toContain('--target names a column of --data');
  });

  test('When --name is not a DNS label, then init exits 1 naming the value and what is allowed', async () => {
    const run = await init(['examples/iris/model.onnx', '--out', dir, '--name', 'Iris_Model']);
    expect(run.code).toBe(EXIT_CHECK_FAILED);
    expect(run.stderr.join('\n')).toContain('--name is "Iris_Model"; it must be 1-63 lower-case letters');
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });

  test('When the model file does not exist, then init exits 1', async () => {
    expect((await init([join(dir, 'none.onnx')])).code).toBe(EXIT_CHECK_FAILED);
  });

  test('When no model is given, then it is a usage error (exit 2)', async () => {
    expect((await init([])).code).toBe(EXIT_USAGE);
  });
});
