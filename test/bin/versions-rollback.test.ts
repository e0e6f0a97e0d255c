/**
 * `modelstack versions` and `rollback` against a stubbed S3 and CloudFormation edge, with the evaluations from a real
 * git history; the environment from a config seam, or from a cloud assembly synthesized by the real app code.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { rollbackCommand } from '../../bin/commands/rollback';
import { versionsCommand, type VersionsAws } from '../../bin/commands/versions';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { environments } from '../../config/environments';
import { removeAssembly, synthesizeAssembly } from '../support/assembly';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const BETTER_SHA = '4492913f5cb3b6a70402423f5fe9843401f7feef9d01a4832b87aa6c29f874a7';
const WORSE_SHA = '50e3fe67bc28bcde6f1afaf7b17ac03fa78586e96b30182a555ebdbd88e0b9af';
const UNKNOWN_SHA = 'c'.repeat(64);

let repo: string;
let modelDir: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'modelstack-versions-'));
  modelDir = join(repo, 'model');
  mkdirSync(modelDir);
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args]);
  git('init', '-q');
  for (const file of ['model.onnx', 'model.json', 'test.csv', 'train.csv']) cpSync(join(EXAMPLES, 'breast-cancer-degraded', file), join(modelDir, file));
  git('add', '.');
  git('commit', '-q', '-m', 'degraded, not evaluated');
  for (const file of ['model.onnx', 'model.json', 'evaluation.json']) cpSync(join(EXAMPLES, 'breast-cancer', file), join(modelDir, file));
  git('add', '.');
  git('commit', '-q', '-m', 'retrained and evaluated');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: repo, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

/** The stubbed AWS edge: the stack's outputs and two pages of the bucket's listing. */
function edge(calls: string[], liveSha = WORSE_SHA): VersionsAws {
  const pages = [
    { Contents: [{ Key: `models/breast-cancer/${WORSE_SHA}.onnx`, LastModified: new Date('2026-10-01T00:00:00Z'), Size: 2728 }, { Key: 'models/breast-cancer/readme.txt' }], IsTruncated: true, NextContinuationToken: 't1' },
    { Contents: [{ Key: `models/breast-cancer/${BETTER_SHA}.onnx`, LastModified: new Date('2026-11-01T00:00:00Z'), Size: 2728 }, { Key: `models/breast-cancer/${UNKNOWN_SHA}.onnx`, LastModified: new Date('2026-09-01T00:00:00Z'), Size: 10 }], IsTruncated: false },
  ];
  const s3Send = (command: ListObjectsV2Command) => {
    calls.push(`ListObjectsV2 ${command.input.Bucket} ${command.input.Prefix} ${command.input.ContinuationToken ?? '-'}`);
    return Promise.resolve(command.input.ContinuationToken === 't1' ? pages[1] : pages[0]);
  };
  const cfnSend = (command: DescribeStacksCommand) => {
    calls.push(`DescribeStacks ${command.input.StackName}`);
    const outputs = { ModelBucketName: 'model-bucket', ModelKey: `models/breast-cancer/${liveSha}.onnx`, ModelSha256: liveSha };
    return Promise.resolve({ Stacks: [{ StackName: command.input.StackName, StackStatus: 'UPDATE_COMPLETE', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] });
  };
  return { s3: { send: s3Send }, cloudFormation: { send: cfnSend } };
}

describe('Given a prod bucket holding three versions, the degraded one live', () => {
  test('When versions are listed, then every page is read, the newest comes first, the live one is marked, and committed evaluations are shown', async () => {
    const calls: string[] = [];
    const c = context();
    const config = { prod: { ...environments.prod, model: { directory: modelDir } } };
    const code = await main(['versions', '--env', 'prod'], c, [(ctx) => versionsCommand(ctx, { environments: config, aws: () => edge(calls) })]);
    expect(code).toBe(EXIT_OK);
    expect(calls).toEqual(['DescribeStacks modelstack-breast-cancer-prod', 'ListObjectsV2 model-bucket models/breast-cancer/ -', 'ListObjectsV2 model-bucket models/breast-cancer/ t1']);
    expect(c.out).toHaveLength(3);
    expect(c.out[0]).toMatch(/^ {6} 4492913f5cb3 {2}2026-11-01T00:00:00\.000Z {2}1\.0\.0, macroF1 0\.9629, passed {2}\(commit [0-9a-f]{12}\)$/);
    expect(c.out[1]).toMatch(/^\* live 50e3fe67bc28 {2}2026-10-01T00:00:00\.000Z {2}not evaluated in this repository {2}\(commit [0-9a-f]{12}\)$/);
    expect(c.out[2]).toMatch(/^ {6} cccccccccccc {2}2026-09-01T00:00:00\.000Z {2}not evaluated in this repository$/);
  });
});

describe('Given the retrained model live and the degraded one stored before it', () => {
  const config = () => ({ prod: { ...environments.prod, model: { directory: modelDir } } });
  const rollback = (args: string[], liveSha: string) => {
    const c = context();
    const run = main(['rollback', '--env', 'prod', ...args], c, [(ctx) => rollbackCommand(ctx, { environments: config(), aws: () => edge([], liveSha) })]);
    return { c, run };
  };
  afterEach(() => execFileSync('git', ['-C', repo, 'checkout', '-q', '--', '.']));

  test('When rolled back without --to, then the folder holds the previous stored version from its commit, without the newer evaluation', async () => {
    const { c, run } = rollback([], BETTER_SHA);
    expect(await run).toBe(EXIT_OK);
    expect(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'))).toMatchObject({ version: '0.9.0-degraded' });
    expect(readFileSync(join(modelDir, 'model.onnx'))).toEqual(readFileSync(join(EXAMPLES, 'breast-cancer-degraded', 'model.onnx')));
    expect(existsSync(join(modelDir, 'evaluation.json'))).toBe(false);
    expect(c.out.join('\n')).toMatch(/now holds 50e3fe67bc28 .*Next: commit and push/s);
  });

  test('When --to names the live version, then nothing changes and it says so', async () => {
    const { c, run } = rollback(['--to', BETTER_SHA], BETTER_SHA);
    expect(await run).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/is the live version already/);
  });

  test('When --to names a version no commit holds, then it is refused: its manifest is unknown', async () => {
    const { c, run } = rollback(['--to', UNKNOWN_SHA], BETTER_SHA);
    expect(await run).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/no commit of this repository holds it/);
  });

  test('When --to is not a SHA-256, then it is a usage error', async () => {
    const { c, run } = rollback(['--to', 'abc'], BETTER_SHA);
    expect(await run).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toMatch(/must be a SHA-256/);
  });
});

describe("Given the project's synthesized cloud assembly and no config (as in a user's project)", () => {
  let cdkOut: string;
  beforeAll(async () => {
    // The app records each environment's stack, region and model folder in cdk.out; versions and rollback read them there.
    cdkOut = await synthesizeAssembly({ projectRoot: repo, environments: { edge: { ...environments.dev, region: 'eu-central-1', model: { directory: 'model' } } }, outdir: join(tmpdir(), `modelstack-versions-cdk-out-${process.pid}`) });
  });
  afterAll(() => removeAssembly(cdkOut));
  afterEach(() => execFileSync('git', ['-C', repo, 'checkout', '-q', '--', '.']));

  test("When versions are listed with --cdk-out, then the assembly's stack is read in its region and the folder's history gives the evaluations", async () => {
    const calls: string[] = [];
    const regions: string[] = [];
    const c = context();
    const aws = (region: string) => {
      regions.push(region);
      return edge(calls);
    };
    const code = await main(['versions', '--env', 'edge', '--cdk-out', cdkOut], c, [(ctx) => versionsCommand(ctx, { aws })]);
    expect(code).toBe(EXIT_OK);
    expect(regions).toEqual(['eu-central-1']);
    expect(calls[0]).toBe('DescribeStacks modelstack-breast-cancer-edge');
    expect(c.out[0]).toMatch(/^ {6} 4492913f5cb3 .*1\.0\.0, macroF1 0\.9629, passed/);
  });

  test("When rolled back with --cdk-out, then the recorded model folder under the working directory gets the previous version", async () => {
    const c = context();
    const code = await main(['rollback', '--env', 'edge', '--cdk-out', cdkOut], c, [(ctx) => rollbackCommand(ctx, { aws: () => edge([], BETTER_SHA) })]);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'))).toMatchObject({ version: '0.9.0-degraded' });
    expect(c.out[0]).toMatch(/^model: now holds 50e3fe67bc28/);
    expect(c.out[1]).toMatch(/modelstack deploy --env edge$/);
  });

  test('When the assembly has no such environment, then it exits 1 saying to synthesize it, and AWS is not called', async () => {
    const c = context();
    let called = false;
    const code = await main(['versions', '--env', 'prod', '--cdk-out', cdkOut], c, [(ctx) => versionsCommand(ctx, { aws: () => ((called = true), edge([])) })]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(`${cdkOut} holds no stack of environment prod: synthesize it (npx cdk synth -c env=prod)`);
    expect(called).toBe(false);
  });

  test('When there is no cdk.out in the working directory, then it exits 1 saying to synthesize first', async () => {
    const c = context();
    const code = await main(['rollback', '--env', 'edge'], c, [(ctx) => rollbackCommand(ctx, { aws: () => edge([]) })]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(`${join(repo, 'cdk.out')} holds no cloud assembly: synthesize first (npx cdk synth -c env=edge), or pass --cdk-out <dir>`);
  });
});
