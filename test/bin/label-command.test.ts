/**
 * `modelstack label`: ground truth from CSV, checked against the manifest, uploaded to a real S3-compatible server
 * (s3rver on loopback) as SageMaker ground-truth JSON Lines under ground-truth/<hour>/; the records bucket found
 * from the shipped cloud assembly and a stubbed DescribeStacks (the AWS edge), or named with --bucket.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelCommand, type LabelAws } from '../../bin/commands/label';
import { EXIT_CHECK_FAILED, EXIT_OK, main, type CliContext } from '../../bin/modelstack';
import type { GroundTruthRecord } from '../../lambda/records/record-format';
import { PROJECT_ROOT } from '../support/app';
import { startLocalS3, type LocalS3 } from '../support/s3rver';
import { shippedAssembly, shippedStackName } from '../support/shipped';

const NOW = new Date(Date.UTC(2026, 11, 5, 9, 41, 7));
let s3: LocalS3;
let dir: string;
let bucketCounter = 0;

beforeAll(async () => {
  s3 = await startLocalS3();
  dir = mkdtempSync(join(tmpdir(), 'modelstack-label-'));
});
afterAll(async () => {
  await s3.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh bucket, and a stubbed CloudFormation whose stack has it as its records output (or no such output). */
async function world(withOutput = true): Promise<{ bucket: string; aws: LabelAws; described: string[] }> {
  const bucket = `records-${++bucketCounter}`;
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  const described: string[] = [];
  const cloudFormation = {
    send: (command: { input: { StackName?: string } }) => {
      described.push(command.input.StackName ?? '');
      return Promise.resolve({ Stacks: [{ StackStatus: 'UPDATE_COMPLETE', Outputs: withOutput ? [{ OutputKey: 'RecordsBucketName', OutputValue: bucket }] : [] }] });
    },
  } as unknown as LabelAws['cloudFormation'];
  return { bucket, aws: { cloudFormation, s3: s3.client }, described };
}

async function label(argv: string[], aws: LabelAws) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const code = await main(['label', ...argv], context, [(c) => labelCommand(c, { aws: () => aws, now: () => NOW })]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function uploaded(bucket: string): Promise<Array<{ key: string; records: GroundTruthRecord[] }>> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Promise.all(
    (listed.Contents ?? []).map(async ({ Key }) => {
      const body = await (await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body?.transformToString();
      return { key: Key as string, records: (body ?? '').trim().split('\n').map((l) => JSON.parse(l) as GroundTruthRecord) };
    }),
  );
}

describe('Given the prod environment of the shipped assembly (breast-cancer, with capture)', () => {
  test('When the labels are valid, then they are uploaded as ground-truth records under ground-truth/<hour>/ of its records bucket', async () => {
    const { bucket, aws, described } = await world();
    const file = csv('good.csv', 'id,label\nabc-1,malignant\n"abc-2#3",benign\n');
    const { code, out } = await label(['--env', 'prod', '--cdk-out', shippedAssembly(), file], aws);
    expect(code).toBe(EXIT_OK);
    expect(described).toEqual([shippedStackName('prod')]);
    const [object] = await uploaded(bucket);
    expect(object.key).toMatch(/^ground-truth\/2026\/12\/05\/09\/labels-20261205T094107\d+Z-[0-9a-f]{8}\.jsonl$/);
    expect(object.records).toEqual([
      { groundTruthData: { data: 'malignant', encoding: 'CSV' }, eventMetadata: { eventId: 'abc-1' }, eventVersion: '0' },
      { groundTruthData: { data: 'benign', encoding: 'CSV' }, eventMetadata: { eventId: 'abc-2#3' }, eventVersion: '0' },
    ]);
    expect(out).toBe(`modelstack: 2 labels uploaded to s3://${bucket}/${object.key}`);
  });

  test('When a row has a label the model does not know, then nothing is uploaded and the row, value and allowed labels are named (exit 1)', async () => {
    const { bucket, aws } = await world();
    const file = csv('bad.csv', 'id,label\nabc-1,malignant\nabc-2,benign-ish\nbad id,benign\nabc-1,benign\n');
    const { code, err } = await label(['--env', 'prod', '--cdk-out', shippedAssembly(), file], aws);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('nothing was uploaded; 3 problems');
    expect(err).toContain(`row 2 (line 3), label: "benign-ish"; expected one of the model's labels: "malignant", "benign"`);
    expect(err).toContain('row 3 (line 4), id: "bad id"; expected a prediction id: 1 to 64 characters among letters, digits and - _ . : / @ + =, optionally followed by #<index> for an instance of a batch');
    expect(err).toContain('row 4 (line 5), id: "abc-1" repeats row 1; expected one label per prediction');
    expect(await uploaded(bucket)).toEqual([]);
  });

  test('When the header lacks the label column, then it says which columns are expected (exit 1)', async () => {
    const { aws } = await world();
    const { code, err } = await label(['--env', 'prod', '--cdk-out', shippedAssembly(), csv('header.csv', 'id,value\na,1\n')], aws);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('header (line 1): "id,value" lacks "label"; expected the columns id,label');
  });

  test('When the deployed stack has no records output, then it says to turn capture on (exit 1)', async () => {
    const { aws } = await world(false);
    const { code, err } = await label(['--env', 'prod', '--cdk-out', shippedAssembly(), csv('ok.csv', 'id,label\na,benign\n')], aws);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain(`stack ${shippedStackName('prod')} has no output RecordsBucketName: its environment has no prediction records; set capture in its config and deploy (or pass --bucket)`);
  });
});

describe('Given --bucket and --model (no assembly, no CloudFormation)', () => {
  test('When a regression model is labelled with values, then each value is stored as CSV text', async () => {
    const { bucket, aws, described } = await world();
    const file = csv('values.csv', 'value,id\n151,p-1\n75.5,p-2\n');
    const { code } = await label(['--env', 'any', '--bucket', bucket, '--model', 'examples/diabetes', file], aws);
    expect(code).toBe(EXIT_OK);
    expect(described).toEqual([]);
    expect((await uploaded(bucket))[0].records.map((r) => r.groundTruthData)).toEqual([{ data: '151', encoding: 'CSV' }, { data: '75.5', encoding: 'CSV' }]);
  });

  test('When a value is not a number, then it is refused naming the row and column', async () => {
    const { aws, bucket } = await world();
    const { code, err } = await label(['--env', 'any', '--bucket', bucket, '--model', 'examples/diabetes', csv('nan.csv', 'id,value\np-1,high\n')], aws);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('row 1 (line 2), value: "high"; expected a finite number');
  });

  test('When a multi-output regression is labelled, then one column per target becomes a JSON array in targets order', async () => {
    const { aws, bucket } = await world();
    const model = mkdtempSync(join(dir, 'multi-'));
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'diabetes', 'model.json'), 'utf8')) as { output: Record<string, unknown> };
    manifest.output = { ...manifest.output, targets: ['a', 'b'] };
    writeFileSync(join(model, 'model.json'), JSON.stringify(manifest));
    const { code } = await label(['--env', 'any', '--bucket', bucket, '--model', model, csv('multi.csv', 'id,a,b\nq,1.5,-2\n')], aws);
    expect(code).toBe(EXIT_OK);
    expect((await uploaded(bucket))[0].records[0].groundTruthData).toEqual({ data: '[1.5,-2]', encoding: 'JSON' });
  });
});
