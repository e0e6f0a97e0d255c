/**
 * `modelstack batch` in process: a local run on two worker threads (real onnxruntime sessions) and a run on AWS
 * with the CloudFormation and Step Functions clients stubbed at the API edge.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, DescribeMapRunCommand, ListMapRunsCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { main, type CliContext } from '../../bin/modelstack';
import { describeProgress } from '../../bin/commands/batch';
import { runRemoteBatch } from '../../bin/commands/batch-remote';
import { PROJECT_ROOT } from '../support/app';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'breast-cancer');

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

describe('Given a CSV with an id column and one bad row', () => {
  let dir: string;
  let input: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'modelstack-batch-'));
    const [header, ...rows] = readFileSync(join(EXAMPLE, 'test.csv'), 'utf8').trim().split('\n');
    const data = rows.map((row, i) => `id${i + 1},${i === 6 ? row.replace(/^[^,]*/, 'x') : row}`);
    input = join(dir, 'in.csv');
    writeFileSync(input, `id,${header}\n${data.join('\n')}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('When scored on 2 workers in chunks, then the output keeps input order with row numbers and the kept column, and the bad row is rejected', async () => {
    const ctx = context();
    const code = await main(['batch', EXAMPLE, '--input', input, '--output', join(dir, 'out.csv'), '--workers', '2', '--keep', 'id'], ctx);
    expect(code).toBe(0);
    const lines = readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,id,predicted_label,probability_malignant,probability_benign');
    expect(lines).toHaveLength(143);
    const rowsOut = lines.slice(1).map((l) => l.split(','));
    expect(rowsOut.map((r) => Number(r[0]))).toEqual(Array.from({ length: 143 }, (_, i) => i + 1).filter((n) => n !== 7));
    for (const r of rowsOut) expect(r[1]).toBe(`id${r[0]}`);
    expect(JSON.parse(readFileSync(join(dir, 'out.csv.rejected.jsonl'), 'utf8'))).toEqual({ row: 7, line: 8, status: 400, reason: 'mean_radius: "x" is not allowed; expected a finite number of at least 0' });
    expect(ctx.out[0]).toMatch(/^scored 143 rows \(1 rejected\) in .* on 2 workers$/);
  }, 120_000);

  test('When the rejected share is over --max-rejected-percent, then it exits 1 naming the share and the file', async () => {
    const ctx = context();
    const code = await main(['batch', EXAMPLE, '--input', input, '--output', join(dir, 'out2.csv'), '--workers', '1', '--max-rejected-percent', '0.5'], ctx);
    expect(code).toBe(1);
    expect(ctx.err.join('\n')).toMatch(/1 of 143 rows \(0\.70 %\) were rejected, more than --max-rejected-percent 0\.5; the reasons are in .*out2\.csv\.rejected\.jsonl/);
  }, 120_000);

  test('When --keep names a column the header does not have, then it exits 1 listing the columns', async () => {
    const ctx = context();
    expect(await main(['batch', EXAMPLE, '--input', input, '--output', join(dir, 'out3.csv'), '--keep', 'customer'], ctx)).toBe(1);
    expect(ctx.err.join('\n')).toMatch(/keep: column "customer" is not in the CSV header; its columns are id, mean_radius/);
  }, 60_000);

  test.each([
    [['batch', EXAMPLE, '--input', 'x.csv'], /a local run needs --input <file> and --output <file>/],
    [['batch', EXAMPLE, '--input', 'x.csv', '--output', 'y.csv', '--workers', '0'], /--workers.*expected a whole number from 1 to 256, got "0"/],
    [['batch', 's3://b/in/', '--env', 'dev'], /--env needs two arguments: s3:\/\/input s3:\/\/output/],
  ])('When %p, then it is a usage error (exit 2) saying what is needed', async (argv, message) => {
    const ctx = context();
    expect(await main(argv, ctx)).toBe(2);
    expect(ctx.err.join('\n')).toMatch(message);
  });
});

test('The progress line says rows, rows/s and the ETA', () => {
  expect(describeProgress({ rows: 12_000, rejectedRows: 3, bytesRead: 25, totalBytes: 100, elapsedMs: 2000 })).toBe('12,000 rows, 3 rejected, 6,000 rows/s, ETA 0m 06s');
});

describe('Given a deployed dev environment (AWS API edge stubbed)', () => {
  test('When a run is started, then it starts the stack output state machine with input and output and follows the map run to its summary', async () => {
    const sent: unknown[] = [];
    let polls = 0;
    const stepFunctions = {
      // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
      send: jest.fn(async (command: unknown) => {
        sent.push(command);
        if (command instanceof StartExecutionCommand) return { executionArn: 'arn:exec' };
        if (command instanceof DescribeExecutionCommand) {
          polls++;
          return polls < 2 ? { status: 'RUNNING' } : { status: 'SUCCEEDED', output: JSON.stringify({ rows: 10, rejectedRows: 1, succeededItems: 2, failedItems: 0 }) };
        }
        if (command instanceof ListMapRunsCommand) return { mapRuns: [{ mapRunArn: 'arn:maprun' }] };
        if (command instanceof DescribeMapRunCommand) return { itemCounts: { total: 2, succeeded: polls, failed: 0 } };
        throw new Error(`unexpected ${String(command)}`);
      }),
    };
    const cloudFormation = {
      // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
      send: jest.fn(async (command: unknown) => {
        expect(command).toBeInstanceOf(DescribeStacksCommand);
        expect((command as DescribeStacksCommand).input.StackName).toBe('modelstack-breast-cancer-dev');
        return { Stacks: [{ Outputs: [{ OutputKey: 'BatchStateMachineArn', OutputValue: 'arn:sm' }] }] };
      }),
    };
    const ctx = context();
    const summary = await runRemoteBatch(ctx, { environment: 'dev', input: 's3://b/batch/input/x.csv', output: 's3://b/batch/output/r1' }, { stepFunctions: stepFunctions as never, cloudFormation: cloudFormation as never, sleep: () => Promise.resolve() });
    expect(summary.rows).toBe(10);
    const start = sent.find((c) => c instanceof StartExecutionCommand) as StartExecutionCommand;
    expect(start.input).toEqual({ stateMachineArn: 'arn:sm', input: JSON.stringify({ input: 's3://b/batch/input/x.csv', output: 's3://b/batch/output/r1' }) });
    expect(ctx.err.join('\n')).toMatch(/batch dev: 100 % \(2\/2 parts\)/);
    expect(ctx.out[0]).toBe('scored 10 rows (1 rejected) in 2 parts; 0 parts failed');
  });

  test('When the execution fails, then the error names its status, error and cause', async () => {
    const stepFunctions = {
      // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
      send: jest.fn(async (command: unknown) => {
        if (command instanceof StartExecutionCommand) return { executionArn: 'arn:exec' };
        if (command instanceof DescribeExecutionCommand) return { status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: 'too many parts failed' };
        return { mapRuns: [] };
      }),
    };
    // eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from the SDK's send
    const cloudFormation = { send: jest.fn(async () => ({ Stacks: [{ Outputs: [{ OutputKey: 'BatchStateMachineArn', OutputValue: 'arn:sm' }] }] })) };
    await expect(runRemoteBatch(context(), { environment: 'dev', input: 's3://b/i/', output: 's3://b/o/' }, { stepFunctions: stepFunctions as never, cloudFormation: cloudFormation as never })).rejects.toThrow(/ended FAILED: States.ExceedToleratedFailureThreshold too many parts failed/);
  });
});
