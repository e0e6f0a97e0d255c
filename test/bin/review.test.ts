/** `modelstack review` in process, on two synths of dev that differ in memory size. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reviewCommand } from '../../bin/commands/review';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { environments } from '../../config/environments';
import { PROJECT_ROOT } from '../support/app';
import { removeAssembly, synthesizeAssembly } from '../support/assembly';

function context(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

async function run(argv: string[]) {
  const c = context();
  const code = await main(argv, c, [(ctx) => reviewCommand(ctx)]);
  return { code, out: c.out.join('\n'), err: c.err.join('\n') };
}

describe('Given two synths of dev, the second with 2048 MB', () => {
  let base: string;
  let head: string;
  beforeAll(async () => {
    base = await synthesizeAssembly({ only: 'dev' });
    head = await synthesizeAssembly({ environments: { dev: { ...environments.dev, platform: { ...environments.dev.platform, memorySizeMiB: 2048 } } } });
  });
  afterAll(() => {
    removeAssembly(base);
    removeAssembly(head);
  });

  test('When review runs, then it prints one Markdown report naming the change and its cost', async () => {
    const { code, out } = await run(['review', base, head]);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^# Infrastructure review/);
    expect(out).toContain('MemorySize: 1024 → 2048');
    expect(out).toMatch(/\| changed \| `InferenceD1035463` \| compute \(x86_64, on demand\) \|/);
  });

  test('When --output is given, then the report is written to the file and its path printed', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'modelstack-review-')), 'review.md');
    const { code, out, err } = await run(['review', base, head, '--output', file]);
    expect(code).toBe(EXIT_OK);
    expect(out).toBe('');
    expect(err).toContain('modelstack: review written to');
    expect(readFileSync(file, 'utf8')).toContain('## modelstack-breast-cancer-dev (dev)');
  });

  test('When the base is missing, then it exits 1 saying to synthesize it; without arguments it is a usage error', async () => {
    const missing = await run(['review', join(tmpdir(), 'modelstack-no-base'), head]);
    expect(missing.code).toBe(EXIT_CHECK_FAILED);
    expect(missing.err).toContain('does not exist: synthesize first');
    const usage = await run(['review']);
    expect(usage.code).toBe(EXIT_USAGE);
    expect(usage.err).toContain("error: missing required argument 'base-cdk-out'");
  });
});
