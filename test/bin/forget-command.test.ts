/**
 * `modelstack forget`: a person's captured predictions and ground truth removed by id from a records bucket on a
 * real S3-compatible server (s3rver), other records untouched, objects left empty deleted.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { forgetCommand } from '../../bin/commands/forget';
import type { LabelAws } from '../../bin/commands/label';
import { EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { PROJECT_ROOT } from '../support/app';
import { startLocalS3, type LocalS3 } from '../support/s3rver';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.client.send(new CreateBucketCommand({ Bucket: 'records' }));
});
afterAll(async () => s3.close());

const capture = (id: string) => JSON.stringify({ captureData: { endpointOutput: { observedContentType: 'application/json', mode: 'OUTPUT', data: '{"predictions":[]}', encoding: 'JSON' } }, eventMetadata: { eventId: `e-${id}`, inferenceId: id, inferenceTime: '2026-12-05T09:00:00.000Z' }, eventVersion: '0' });
const truth = (id: string) => JSON.stringify({ groundTruthData: { data: 'benign', encoding: 'CSV' }, eventMetadata: { eventId: id }, eventVersion: '0' });

async function put(key: string, lines: string[]): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: 'records', Key: key, Body: `${lines.join('\n')}\n` }));
}

async function contents(): Promise<Record<string, string[]>> {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'records' }));
  const out: Record<string, string[]> = {};
  for (const { Key } of listed.Contents ?? []) {
    const text = await (await s3.client.send(new GetObjectCommand({ Bucket: 'records', Key }))).Body?.transformToString();
    out[Key as string] = (text ?? '').trim().split('\n').map((l) => (JSON.parse(l) as { eventMetadata: { inferenceId?: string; eventId: string } }).eventMetadata.inferenceId ?? (JSON.parse(l) as { eventMetadata: { eventId: string } }).eventMetadata.eventId);
  }
  return out;
}

async function forget(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const aws = { cloudFormation: { send: () => Promise.resolve({}) }, s3: s3.client } as unknown as LabelAws;
  const code = await main(['forget', ...argv], context, [(c) => forgetCommand(c, { aws: () => aws })]);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('Given records of several people in captures and ground truth', () => {
  test('When their ids are forgotten, then only their lines are gone, and an object left empty is deleted', async () => {
    await put('capture/fn/live/2026/12/05/09/a.jsonl', [capture('alice'), capture('bob'), capture('carol')]);
    await put('capture/fn/live/2026/12/05/10/b.jsonl', [capture('bob')]);
    await put('ground-truth/2026/12/06/08/labels.jsonl', [truth('alice'), truth('bob#1'), truth('carol')]);
    const { code, out } = await forget(['--env', 'prod', '--bucket', 'records', '--id', 'alice', '--id', 'bob#1']);
    expect(code).toBe(EXIT_OK);
    expect(out.split('\n')[0]).toBe('modelstack: 5 records removed from 3 of 3 objects in s3://records');
    expect(await contents()).toEqual({
      'capture/fn/live/2026/12/05/09/a.jsonl': ['carol'],
      'ground-truth/2026/12/06/08/labels.jsonl': ['carol'],
    });
  });

  test('When an id breaks the rule, then it is a usage error naming the option', async () => {
    const { code, err } = await forget(['--env', 'prod', '--bucket', 'records', '--id', 'a b']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain("option '--id <id>' argument 'a b' is invalid");
  });
});
