/** `modelstack estimate` in process, on cloud assemblies synthesized from the shipped and a changed config. */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { environments } from '../../config/environments';
import { estimateCommand } from '../../bin/commands/estimate';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { PROJECT_ROOT } from '../support/app';
import { removeAssembly, synthesizeAssembly } from '../support/assembly';
import { shippedAssembly } from '../support/shipped';

/** dev with 3008 MB and a $1 budget: over budget, and more expensive per request. */
const CHANGED = { dev: { ...environments.dev, platform: { ...environments.dev.platform, memorySizeMiB: 3008 }, budget: { monthlyLimitUsd: 1 } } };

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

async function run(argv: string[], raw?: Record<string, unknown>) {
  const c = context();
  const code = await main(argv, c, [(ctx) => estimateCommand(ctx, raw === undefined ? {} : { environments: raw })]);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('Given the shipped environments synthesized', () => {
  let shipped: string;
  let changed: string;
  beforeAll(async () => {
    shipped = shippedAssembly();
    changed = await synthesizeAssembly({ environments: CHANGED });
  });
  afterAll(() => removeAssembly(changed));

  test('When estimate runs, then it prints every environment with its totals and budget, and exits 0', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', shipped]);
    expect(code).toBe(EXIT_OK);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(out).toContain(`modelstack-breast-cancer-${env} (environment ${env}, eu-west-1)`);
    }
    expect(out).toMatch(/expected \$[\d.,]+ a month \(fixed \$[\d.,]+ \+ traffic-driven \$[\d.,]+\); worst case \$[\d.,]+/);
    expect(out).toContain('budget $500.00 a month (template)');
    expect(out).toContain('prices: pricing/prices.json of ');
    expect(out).toContain('free tier not applied');
  });

  test('When no config is given, then each stack is priced with the traffic, budget and model its app recorded in the assembly', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', shipped, '--env', 'prod']);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/traffic \(config: prod\.traffic\): 30M requests a month, 4 instance\(s\) per request/);
    expect(out).not.toContain('no traffic profile');
  });

  test('When no config is given and --env names no stack of the assembly, then it exits 1 naming the environment', async () => {
    const { code, err } = await run(['estimate', '--cdk-out', shipped, '--env', 'qa']);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('holds no stack of environment qa');
  });

  test('When --env prod is given, then only prod is printed', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', shipped, '--env', 'prod']);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('modelstack-breast-cancer-prod');
    expect(out).not.toContain('modelstack-breast-cancer-dev');
  });

  test('When --json is given, then the output is one JSON document with every line item', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', shipped, '--json']);
    expect(code).toBe(EXIT_OK);
    const report = JSON.parse(out) as { schemaVersion: number; environments: Array<{ stackName: string; total: { expected: number }; lineItems: unknown[]; complete: boolean; unpriced: Array<{ resourceType: string }> }> };
    expect(report.schemaVersion).toBe(1);
    expect(report.environments.map((e) => e.stackName)).toEqual(['modelstack-breast-cancer-dev', 'modelstack-breast-cancer-staging', 'modelstack-breast-cancer-sandbox', 'modelstack-breast-cancer-prod']);
    for (const env of report.environments) {
      expect(env.complete).toBe(true);
      expect(env.unpriced).toEqual([]);
      expect(env.total.expected).toBeGreaterThan(0);
      expect(env.lineItems.length).toBeGreaterThan(5);
    }
  });

  test('When --markdown is given, then the output is Markdown for a pull-request comment', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', shipped, '--markdown', '--env', 'dev']);
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('## Cost estimate');
    expect(out).toContain('| Resource | Type | Line item | Quantity | Unit price | Fixed/month | Traffic/month | Worst case |');
    expect(out).toContain('<details><summary>How each line was derived</summary>');
  });

  test('When --free-tier is given, then the output says the free tier was applied', async () => {
    const { out } = await run(['estimate', '--cdk-out', shipped, '--env', 'dev', '--free-tier']);
    expect(out).toContain('free tier applied');
  });

  test('When an expected total exceeds its budget, then it exits 1 naming the stack, unless --allow-over-budget', async () => {
    const over = await run(['estimate', '--cdk-out', changed], CHANGED);
    expect(over.code).toBe(EXIT_CHECK_FAILED);
    expect(over.out).toContain('OVER BUDGET by');
    expect(over.err).toMatch(/modelstack: error: over budget:\n {2}- modelstack-breast-cancer-dev: expected \$[\d.]+ a month exceeds its budget of \$1\.00\n\(pass --allow-over-budget to accept\)/);
    expect((await run(['estimate', '--cdk-out', changed, '--allow-over-budget'], CHANGED)).code).toBe(EXIT_OK);
  });

  test('When --compare names another synth, then the difference is shown line by line', async () => {
    const { code, out } = await run(['estimate', '--cdk-out', changed, '--compare', shipped, '--env', 'dev', '--allow-over-budget'], { ...environments, ...CHANGED });
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/modelstack-breast-cancer-dev: changed; expected \$[\d.]+ → \$[\d.]+ a month \(\+\$[\d.]+\)/);
    expect(out).toMatch(/changed\s+InferenceD1035463\s+compute \(x86_64, on demand\)/);
    expect(out).toMatch(/changed\s+InferenceD1035463\s+INIT phase of cold starts/);
  });
});

describe('Given bad usage or a missing synth', () => {
  test.each([
    [['estimate', '--json', '--markdown'], "error: option '--json' cannot be used with option '--markdown'"],
    [['estimate', '--env', 'qa'], "error: option '--env <name>' argument 'qa' is not a known environment; known: dev, staging, sandbox, prod"],
    [['estimate', '--frobnicate'], "error: unknown option '--frobnicate'"],
  ])('When %j runs with the config given, then it is a usage error (exit 2)', async (argv, message) => {
    const { code, err } = await run(argv, environments);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain(message);
  });

  test('When cdk.out does not exist, then it exits 1 saying to synthesize first', async () => {
    const missing = join(tmpdir(), 'modelstack-no-cdk-out');
    const { code, err } = await run(['estimate', '--cdk-out', missing]);
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toBe(`modelstack: error: ${missing} does not exist: synthesize first (npx cdk synth), or pass the folder of a cloud assembly`);
  });
});
