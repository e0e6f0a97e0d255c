/**
 * The CLI as users run it (`tsx bin/modelstack.ts ...`, spawned), plus its argument handling in-process.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { commandsFor, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext, type LazyCommand } from '../../bin/modelstack';

const ROOT = join(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tsx bin/modelstack.ts ...args` (what `npx tsx` runs), without a PORT from the outer environment. */
function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const { PORT: _ignored, ...inherited } = process.env;
  return spawn(process.execPath, [TSX_CLI, 'bin/modelstack.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, POWERTOOLS_LOG_LEVEL: 'WARN', ...env },
  });
}

function run(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('serve --port 0 prints the actual URL, answers a prediction, and exits 0 on SIGTERM', async () => {
  const child = spawnCli(['serve', 'examples/iris', '--port', '0']);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /modelstack: serving iris 1\.0\.0 on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on('close', (code) => reject(new Error(`exited ${code} before listening: ${stderr}`)));
    });
    expect(url).not.toMatch(/:0$/);
    // curl -s $url/invocations -H 'content-type: application/json' -d '{"instances": [...]}'
    const json = await fetch(`${url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [{ sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 }] }),
    });
    expect(json.status).toBe(200);
    expect(((await json.json()) as { predictions: Array<{ label: string }> }).predictions[0].label).toBe('setosa');
    // curl -s $url/invocations -H 'content-type: text/csv' --data-binary $'6.9,3.1,5.1,2.3\n'
    const csv = await fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: '6.9,3.1,5.1,2.3\n' });
    expect(((await csv.json()) as { predictions: Array<{ label: string }> }).predictions[0].label).toBe('virginica');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('modelstack: SIGTERM: finishing in-flight requests, then exiting');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

test('a model directory whose manifest does not fit its model exits 1 with the message, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-mismatch-'));
  try {
    copyFileSync(join(ROOT, 'examples', 'iris', 'model.json'), join(dir, 'model.json'));
    copyFileSync(join(ROOT, 'examples', 'breast-cancer', 'model.onnx'), join(dir, 'model.onnx'));
    const result = await run(['serve', dir, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`modelstack: error: The manifest does not fit the model ${join(dir, 'model.onnx')}:`);
    expect(result.stderr).toContain("4 features listed but the model's input \"input\" takes 30");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad usage exits 2', async () => {
  const badPort = await run(['serve', 'examples/iris', '--port', 'eighty']);
  expect(badPort.code).toBe(2);
  expect(badPort.stderr).toContain("error: option '-p, --port <port>' argument 'eighty' is invalid.");
  const badEnv = await run(['serve', 'examples/iris'], { PORT: 'http' });
  expect(badEnv.code).toBe(2);
  expect(badEnv.stderr).toContain('error: the PORT environment variable is "http"');
});

describe('commandsFor: only the command that runs is loaded', () => {
  function lazy(names: readonly string[], loaded: string[]): LazyCommand[] {
    return names.map((name) => ({
      name,
      load: () => {
        loaded.push(name);
        return Promise.resolve(() => new Command(name));
      },
    }));
  }

  test('a named command loads that command alone', async () => {
    const loaded: string[] = [];
    expect(await commandsFor(['serve', 'examples/iris', '--port', '0'], lazy(['init', 'serve', 'estimate'], loaded))).toHaveLength(1);
    expect(loaded).toEqual(['serve']);
  });

  test('help, no command or an unknown one loads them all, so that the listing names every command', async () => {
    for (const argv of [['--help'], [], ['frobnicate']]) {
      const loaded: string[] = [];
      await commandsFor(argv, lazy(['init', 'serve'], loaded));
      expect(loaded).toEqual(['init', 'serve']);
    }
  });
});

describe('main() in-process', () => {
  function context(env: NodeJS.ProcessEnv = {}): CliContext & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { cwd: ROOT, env, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
  }

  test.each([
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['serve', '--nope'], "error: unknown option '--nope'"],
    [['serve', 'a', 'b'], 'error: too many arguments'],
    [['serve', '--max-batch-size', '0'], "argument '0' is invalid. must be a positive whole number."],
    [['serve', '--max-payload-bytes', '1.5'], "argument '1.5' is invalid."],
    [['serve', '--request-timeout-ms', '0'], "argument '0' is invalid. must be a positive whole number."],
    [['serve', '--workers', '0'], "argument '0' is invalid. must be a whole number of workers from 1 to 256."],
    [[], 'Usage: modelstack'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const c = context();
    expect(await main(argv, c)).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toContain(message);
  });

  test('a SAGEMAKER_MODEL_SERVER_WORKERS that is not a number of workers is a usage error (exit 2) naming it', async () => {
    const c = context({ SAGEMAKER_MODEL_SERVER_WORKERS: 'all' });
    expect(await main(['serve', join(ROOT, 'examples', 'iris')], c)).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toContain('error: the SAGEMAKER_MODEL_SERVER_WORKERS environment variable is "all"; it must be a whole number from 1 to 256');
  });

  test('--help exits 0 and lists serve and its options', async () => {
    const c = context();
    expect(await main(['serve', '--help'], c)).toBe(EXIT_OK);
    const help = c.out.join('\n');
    for (const option of ['--port', '--host', '--workers', '--max-batch-size', '--max-payload-bytes', '--request-timeout-ms', '--metrics', '--no-dynamic-batching', 'examples/breast-cancer']) {
      expect(help).toContain(option);
    }
    expect(await main(['--help'], context())).toBe(EXIT_OK);
  });

  test('--help lists init beside serve', async () => {
    const c = context();
    expect(await main(['--help'], c)).toBe(EXIT_OK);
    expect(c.out.join('\n')).toMatch(/init \[options\] <model\.onnx>/);
  });

  test('a missing model directory is a failed check (exit 1) naming the file', async () => {
    const c = context();
    expect(await main(['serve', join(ROOT, 'examples', 'nowhere'), '--port', '0'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(/^modelstack: error: .*nowhere\/model\.(json|onnx)/);
  });
});
