/**
 * `modelstack deploy` with the process-spawn seam stubbed: the stub "synthesizes" by copying a cloud assembly
 * synthesized in the test, and records every call; no real synth or deploy ever runs. The verification after the
 * deploy runs against the local server, with only the AWS API calls stubbed (test/support/verify-edge.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deployCommand } from '../../bin/commands/deploy';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { environments } from '../../config/environments';
import type { ProcessRunner } from '../../lib/deploy/process-runner';
import { startServer, type RunningServer } from '../../lambda/hosts/local-server';
import { createObservability } from '../../lambda/serving/observability';
import { PROJECT_ROOT } from '../support/app';
import { removeAssembly, synthesizeAssembly } from '../support/assembly';
import { BREAST_CANCER, fakeAws, type FakeDeployment } from '../support/verify-edge';

const TINY = { dev: { ...environments.dev, budget: { monthlyLimitUsd: 1 } } };

interface Call {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** A runner that answers `cdk synth` by copying `assembly` to its --output, and `cdk deploy` with `deployExit`. */
function stub(assembly: string, { synthExit = 0, deployExit = 0 } = {}): { run: ProcessRunner; calls: Call[] } {
  const calls: Call[] = [];
  // eslint-disable-next-line @typescript-eslint/require-await -- a ProcessRunner returns a promise; the stub has nothing to await
  const run: ProcessRunner = async (command, args, options) => {
    calls.push({ command, args, env: options.env });
    if (args[0] === 'synth') {
      if (synthExit === 0) cpSync(assembly, args[args.indexOf('--output') + 1], { recursive: true });
      return synthExit;
    }
    return deployExit;
  };
  return { run, calls };
}

/** The function URL the stubbed stack output names: the local server serving the deployed model. */
let endpoint: RunningServer;
beforeAll(async () => {
  const observability = createObservability({ serviceName: 'breast-cancer', metrics: false, logLevel: 'SILENT' });
  endpoint = await startServer({ model: BREAST_CANCER, port: 0, announce: () => undefined, observability });
});
afterAll(() => endpoint.close());

async function deploy(argv: string[], run: ProcessRunner, raw?: Record<string, unknown>, world: Partial<FakeDeployment> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = { cwd: PROJECT_ROOT, env: { PATH: process.env.PATH }, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const { aws, sent } = fakeAws({ url: `${endpoint.url}/`, ...world });
  const code = await main(argv, context, [(c) => deployCommand(c, { run, aws: () => aws, ...(raw === undefined ? {} : { environments: raw }) })]);
  return { code, out: out.join('\n'), err: err.join('\n'), sent };
}

describe('Given an environment synthesized by a stubbed CDK CLI', () => {
  let dev: string;
  let tiny: string;
  let work: string;
  beforeAll(async () => {
    dev = await synthesizeAssembly({ only: 'dev' });
    tiny = await synthesizeAssembly({ environments: TINY });
  });
  afterAll(() => {
    removeAssembly(dev);
    removeAssembly(tiny);
  });
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'modelstack-deploy-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  test('When it is within budget, then the pinned cdk synthesizes it, the estimate is printed and that synth is deployed', async () => {
    const { run, calls } = stub(dev);
    const cdkOut = join(work, 'cdk.out');
    const { code, out, err } = await deploy(['deploy', '--env', 'dev', '--cdk-out', cdkOut], run);
    expect(code).toBe(EXIT_OK);
    expect(calls.map((call) => [call.command, ...call.args])).toEqual([
      [join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'), 'synth', '--quiet', '--context', 'env=dev', '--output', cdkOut],
      [join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'), 'deploy', '--app', cdkOut, 'modelstack-breast-cancer-dev'],
    ]);
    for (const call of calls) expect(call.env).toMatchObject({ CDK_DISABLE_CLI_TELEMETRY: '1', CDK_DISABLE_VERSION_CHECK: '1' });
    expect(out).toContain('modelstack-breast-cancer-dev (environment dev, eu-west-1)');
    expect(out).toContain('within budget');
    expect(err).toContain('modelstack: deploying modelstack-breast-cancer-dev');
    expect(err).toContain('modelstack: verifying dev (modelstack verify --env dev)');
    expect(out).toContain('verified: 6 checks passed');
  });

  test('When the deployed endpoint does not serve the deployed model, then deploy fails (exit 1) after cdk deploy, listing what differs', async () => {
    const { run, calls } = stub(dev);
    const { code, err } = await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'out')], run, undefined, { modelSha256: 'b'.repeat(64) });
    expect(calls.map((call) => call.args[0])).toEqual(['synth', 'deploy']);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('modelstack: error: modelstack-breast-cancer-dev does not serve what was deployed:');
    expect(err).toContain(`GET /v2/models/breast-cancer: model SHA-256: expected ${'b'.repeat(64)}`);
  });

  test('When --no-verify is given, then nothing is checked after cdk deploy', async () => {
    const { run } = stub(dev);
    const { code, err, sent } = await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'out'), '--no-verify'], run, undefined, { cloudFormationError: new Error('AWS must not be called') });
    expect(code).toBe(EXIT_OK);
    expect(err).not.toContain('verifying');
    expect(sent).toEqual([]);
  });

  test('When arguments follow --, then they are passed to cdk deploy', async () => {
    const { run, calls } = stub(dev);
    await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'out'), '--', '--require-approval', 'never'], run);
    expect(calls[1].args.slice(-2)).toEqual(['--require-approval', 'never']);
  });

  test('When cdk deploy fails, then its exit code is passed through and nothing is verified', async () => {
    const { run } = stub(dev, { deployExit: 5 });
    const { code, err, sent } = await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'out')], run);
    expect(code).toBe(5);
    expect(err).toContain('modelstack: error: cdk deploy exited with code 5');
    expect(sent).toEqual([]);
  });

  test('When the estimate is over budget, then it refuses (exit 1) without deploying, unless --allow-over-budget', async () => {
    const refused = stub(tiny);
    const { code, out, err } = await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'a')], refused.run, TINY);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(out).toContain('OVER BUDGET');
    expect(err).toContain('modelstack: error: not deploying, over budget:');
    expect(refused.calls.map((call) => call.args[0])).toEqual(['synth']);

    const allowed = stub(tiny);
    expect((await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'b'), '--allow-over-budget'], allowed.run, TINY)).code).toBe(EXIT_OK);
    expect(allowed.calls.map((call) => call.args[0])).toEqual(['synth', 'deploy']);
  });

  test('When cdk synth fails, then nothing is deployed and its exit code is passed through', async () => {
    const { run, calls } = stub(dev, { synthExit: 1 });
    const { code, err } = await deploy(['deploy', '--env', 'dev', '--cdk-out', join(work, 'out')], run);
    expect(code).toBe(1);
    expect(err).toContain('cdk synth exited with code 1');
    expect(calls).toHaveLength(1);
  });
});

describe('Given the config and bad usage', () => {
  test.each([
    [['deploy'], "error: required option '--env <name>' not specified"],
    [['deploy', '--env', 'qa'], "argument 'qa' is not a known environment; known: dev, staging, sandbox, prod"],
    [['deploy', '--env', 'dev', '--require-approval', 'never'], "error: unknown option '--require-approval'"],
  ])('When %j runs, then it is a usage error (exit 2) and nothing is run', async (argv, message) => {
    const { run, calls } = stub('unused');
    const { code, err } = await deploy(argv, run, environments);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain(message);
    expect(calls).toEqual([]);
  });

  test('When run outside a project (no cdk.json), then it exits 1 saying where to run it', async () => {
    const { run } = stub('unused');
    const out: string[] = [];
    const err: string[] = [];
    const elsewhere = mkdtempSync(join(tmpdir(), 'modelstack-elsewhere-'));
    const context: CliContext = { cwd: elsewhere, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
    expect(await main(['deploy', '--env', 'dev'], context, [(c) => deployCommand(c, { run })])).toBe(EXIT_CHECK_FAILED);
    expect(err.join('\n')).toContain(`${elsewhere} has no cdk.json: run modelstack deploy from the project root`);
    rmSync(elsewhere, { recursive: true, force: true });
  });
});
