/**
 * The promotion gate at synth: a production (or evaluation.required) environment is refused a model with a
 * missing, stale or failing evaluation.json, with a message saying what to run; a standard one goes through.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { EvaluationRecord } from '../../../lib/evaluation/evaluation-record';
import { buildTestStacks } from '../../support/stacks';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'breast-cancer');
const FILES = ['model.onnx', 'model.json', 'test.csv', 'train.csv', 'evaluation.json'];

/** A copy of examples/breast-cancer with its committed evaluation.json. */
function modelCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-gate-'));
  for (const file of FILES) copyFileSync(join(EXAMPLE, file), join(dir, file));
  return dir;
}

const environment = (directory: string, extra: Record<string, unknown> = {}) => ({
  region: 'eu-west-1',
  model: { directory },
  platform: { type: 'lambda' },
  ...extra,
});
const production = (directory: string) => environment(directory, { protection: 'production', removalPolicy: 'retain' });

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function fresh(): string {
  const dir = modelCopy();
  dirs.push(dir);
  return dir;
}
const editRecord = (dir: string, edit: (r: EvaluationRecord) => EvaluationRecord) => {
  const path = join(dir, 'evaluation.json');
  writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as EvaluationRecord)));
};

describe('Given an environment with production protection', () => {
  test('When the model has a fresh, passing evaluation, then it synthesizes and carries the key figures as tags', async () => {
    const { stacks } = await buildTestStacks({ environments: { prod: production(fresh()) } });
    const template = Template.fromStack(stacks[0]);
    const tags = Object.values(template.findResources('AWS::S3::Bucket'))[0].Properties.Tags as { Key: string; Value: string }[];
    expect(tags).toEqual(
      expect.arrayContaining([
        { Key: 'modelstack:evaluation', Value: 'pass' },
        { Key: 'modelstack:evaluation-metric', Value: 'macroF1=0.9629' },
        { Key: 'modelstack:evaluation-rows', Value: '143' },
      ]),
    );
    const variables = Object.values(template.findResources('AWS::Lambda::Function'))
      .map((f) => (f.Properties.Environment?.Variables ?? {}) as Record<string, string>)
      .find((v) => v.MODEL_EVALUATION !== undefined);
    expect(JSON.parse(variables?.MODEL_EVALUATION ?? '{}')).toMatchObject({ verdict: 'pass', keyMetric: 'macroF1', rows: 143 });
  });

  test('When evaluation.json is missing, then synth fails saying what to run', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'evaluation.json'));
    await expect(buildTestStacks({ environments: { prod: production(dir) } })).rejects.toThrow(
      new RegExp(`prod: the promotion gate refuses this model:\\n  - ${dir}/evaluation.json does not exist: the model has not been evaluated; run \`npm run modelstack -- evaluate ${dir}\``),
    );
  });

  test('When model.onnx changed since the evaluation, then synth fails naming both SHA-256s', async () => {
    const dir = fresh();
    editRecord(dir, (r) => ({ ...r, model: { ...r.model, sha256: 'f'.repeat(64) } }));
    await expect(buildTestStacks({ environments: { prod: production(dir) } })).rejects.toThrow(
      `is stale: it evaluated a model with SHA-256 ${'f'.repeat(64)}, but model.onnx is 4492913f5cb3b6a70402423f5fe9843401f7feef9d01a4832b87aa6c29f874a7`,
    );
  });

  test('When the evaluation data changed since the evaluation, then synth fails naming the data file', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'test.csv'), `${readFileSync(join(dir, 'test.csv'), 'utf8')}\n`);
    await expect(buildTestStacks({ environments: { prod: production(dir) } })).rejects.toThrow(/is stale: it was computed on data with SHA-256 [0-9a-f]{64}, but test\.csv is [0-9a-f]{64}/);
  });

  test('When the verdict failed, then synth fails listing the failed requirements', async () => {
    const dir = fresh();
    editRecord(dir, (r) => ({ ...r, verdict: { ...r.verdict, passed: false, failures: ['recall of malignant is 0.9000; required >= 0.9500'] } }));
    await expect(buildTestStacks({ environments: { prod: production(dir) } })).rejects.toThrow('the evaluation failed: recall of malignant is 0.9000; required >= 0.9500');
  });

  test('When evaluation.json is not an evaluation, then synth fails saying so', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'evaluation.json'), '{"accuracy": 1}');
    await expect(buildTestStacks({ environments: { prod: production(dir) } })).rejects.toThrow('schemaVersion is undefined; expected 1');
  });
});

describe('Given an environment with standard protection', () => {
  test('When the model has no evaluation, then it synthesizes without evaluation tags', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'evaluation.json'));
    const { stacks } = await buildTestStacks({ environments: { dev: environment(dir) } });
    const tags = Object.values(Template.fromStack(stacks[0]).findResources('AWS::S3::Bucket'))[0].Properties.Tags as { Key: string }[];
    expect(tags.map((t) => t.Key)).not.toContain('modelstack:evaluation');
  });

  test('When its evaluation is stale, then it still synthesizes', async () => {
    const dir = fresh();
    editRecord(dir, (r) => ({ ...r, verdict: { ...r.verdict, passed: false }, model: { ...r.model, sha256: '0'.repeat(64) } }));
    await expect(buildTestStacks({ environments: { dev: environment(dir) } })).resolves.toBeDefined();
  });

  test('When it sets evaluation.required, then the gate applies to it too', async () => {
    const dir = fresh();
    unlinkSync(join(dir, 'evaluation.json'));
    await expect(buildTestStacks({ environments: { staging: environment(dir, { evaluation: { required: true } }) } })).rejects.toThrow('staging: the promotion gate refuses this model');
  });
});
