import { Command } from 'commander';
import { CheckFailedError, describeFailure, EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, exitCodeOf, type CliContext } from '../../bin/cli-contract';
import { main } from '../../bin/modelstack';
import { ConfigError } from '../../config/load';
import { ManifestError } from '../../lambda/core/manifest';
import { ModelFileError } from '../../lib/model-file';

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: '/', env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

/** A command whose action does `act`, to drive main() through each exit path. */
const commandThat = (act: () => void | Promise<void>) => () => new Command('probe').action(act);

describe('Given the exit code contract', () => {
  test.each([
    ['a failed check or gate', new CheckFailedError('evaluation failed: recall of "malignant" 0.91 is below 0.95')],
    ['an invalid config', new ConfigError(['dev.region: must be an AWS region'])],
    ['a manifest that does not validate', new ManifestError('/m/model.json', ['input.features: is required'])],
    ['an unusable model file', new ModelFileError('/m/model.onnx', 'a non-empty ONNX file')],
  ])('When a command fails with %s, then the exit code is 1 and the message is printed without a stack', (_case, error) => {
    expect(exitCodeOf(error)).toBe(EXIT_CHECK_FAILED);
    const lines = describeFailure(error);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^modelstack: error: /);
    expect(lines[0]).toContain(error.message);
  });

  test('When a port is in use, then the message names --port and PORT (exit code 1)', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 8080 });
    expect(exitCodeOf(error)).toBe(EXIT_CHECK_FAILED);
    expect(describeFailure(error)).toEqual([
      'modelstack: error: cannot listen on 127.0.0.1:8080: the port is in use; choose another with --port <n> or the PORT environment variable (0 picks a free one)',
    ]);
  });

  test('When a file is missing, then the message names the file, not ENOENT (exit code 1)', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'data/test.csv'"), { code: 'ENOENT', syscall: 'open', path: 'data/test.csv' });
    expect(exitCodeOf(error)).toBe(EXIT_CHECK_FAILED);
    expect(describeFailure(error)).toEqual(['modelstack: error: data/test.csv does not exist']);
  });

  test.each([
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a plain Error', new Error('something nobody expected')],
    ['a thrown string', 'not even an Error'],
  ])('When a command fails with %s, then the exit code is 3 and it says it is unexpected', (_case, error) => {
    expect(exitCodeOf(error)).toBe(EXIT_UNEXPECTED);
    expect(describeFailure(error)[0]).toMatch(/^modelstack: unexpected error/);
  });

  test('When an unexpected Error is described, then its stack follows the message for the bug report', () => {
    const lines = describeFailure(new RangeError('index out of range'));
    expect(lines[0]).toContain('index out of range');
    expect(lines.slice(1).some((line) => /^\s+at /.test(line))).toBe(true);
  });
});

describe('Given main() running a command in process', () => {
  test.each([
    ['succeeds', () => undefined, EXIT_OK],
    ['fails a check', () => { throw new CheckFailedError('estimate $612.40/month is over the budget of $500'); }, EXIT_CHECK_FAILED],
    ['crashes', () => { throw new TypeError('undefined is not a function'); }, EXIT_UNEXPECTED],
  ])('When the command %s, then main resolves with its exit code', async (_case, act, code) => {
    const c = context();
    expect(await main(['probe'], c, [commandThat(act)])).toBe(code);
  });

  test('When the command is misused, then the exit code is 2', async () => {
    expect(await main(['probe', '--nope'], context(), [commandThat(() => undefined)])).toBe(EXIT_USAGE);
  });
});
