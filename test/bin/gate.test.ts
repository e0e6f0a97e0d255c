/**
 * `modelstack gate` run as the pipeline runs it, on two committed examples: breast-cancer and
 * breast-cancer-degraded (the same network with noisy weights: it passes its own minimums, but trails).
 * The production stack is read through a stubbed CloudFormation edge; the model is found in a real git history.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateCommand } from '../../bin/commands/gate';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import type { StackReader } from '../../lib/pipeline/production-model';
import { stackReader } from '../support/stack-reader';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const BETTER = join(EXAMPLES, 'breast-cancer');
const WORSE = join(EXAMPLES, 'breast-cancer-degraded');
const WORSE_SHA256 = '50e3fe67bc28bcde6f1afaf7b17ac03fa78586e96b30182a555ebdbd88e0b9af';
const MODEL_FILES = ['model.onnx', 'model.json', 'test.csv', 'train.csv'];

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-gate-'));
  dirs.push(dir);
  return dir;
}

const gate = (reader: StackReader) => [(c: CliContext) => gateCommand(c, { cloudFormation: () => reader })];

describe('Given the production model as a folder', () => {
  test('When the worse candidate is gated against the better production model, then it is refused (exit 1) for trailing it', async () => {
    const out = tempDir();
    const c = context(out);
    expect(await main(['gate', WORSE, '--production', BETTER, '--out', out], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/the gate refused breast-cancer 0\.9\.0-degraded/);
    expect(readFileSync(join(out, 'verdict.txt'), 'utf8')).toMatch(/^FAILED: macroF1 0\.9409 \(production 0\.9629\)/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/\| FAIL \| macroF1 vs the previous model/);
  });

  test('When the better candidate is gated against the worse production model, then it passes (exit 0) and writes the reports', async () => {
    const out = tempDir();
    const c = context(out);
    expect(await main(['gate', BETTER, '--production', WORSE, '--out', out], c)).toBe(EXIT_OK);
    expect(c.out.join('\n')).toMatch(/passed: macroF1 0\.9629 \(production 0\.9409\)/);
    expect(JSON.parse(readFileSync(join(out, 'evaluation.json'), 'utf8'))).toMatchObject({ baselines: { previous: { modelSha256: WORSE_SHA256 } } });
    expect(readFileSync(join(out, 'evaluation.html'), 'utf8')).toContain('<html');
  });
});

describe('Given the production stack, as the pipeline runs the gate', () => {
  let repo: string;
  beforeAll(() => {
    // A repository whose history holds the worse model first, then the better one in the same folder.
    repo = tempDir();
    const model = join(repo, 'models', 'cancer');
    mkdirSync(model, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args]);
    git('init', '-q');
    for (const file of MODEL_FILES) cpSync(join(WORSE, file), join(model, file));
    git('add', '.');
    git('commit', '-q', '-m', 'the model now in production');
    for (const file of MODEL_FILES) cpSync(join(BETTER, file), join(model, file));
    git('commit', '-q', '-am', 'a retrained model');
  });

  test('When the stack serves the worse model, then the gate finds it in the history and passes the better candidate', async () => {
    const reader = stackReader({ sha256: WORSE_SHA256 });
    const c = context(repo);
    const code = await main(['gate', 'models/cancer', '--production-stack', 'modelstack-breast-cancer-prod', '--region', 'eu-west-1', '--out', 'gate-report'], c, gate(reader));
    expect(code).toBe(EXIT_OK);
    expect(reader.calls).toEqual(['modelstack-breast-cancer-prod']);
    expect(c.out.join('\n')).toMatch(/production serves 50e3fe67bc28, model\.onnx of commit [0-9a-f]{12}/);
    expect(readFileSync(join(repo, 'gate-report', 'production-model', 'model.json'), 'utf8')).toContain('0.9.0-degraded');
  });

  test('When the stack does not exist yet, then the candidate is judged on its own minimums (a first release)', async () => {
    const missing = Object.assign(new Error('Stack with id modelstack-breast-cancer-prod does not exist'), { name: 'ValidationError' });
    const c = context(repo);
    const code = await main(['gate', 'models/cancer', '--production-stack', 'modelstack-breast-cancer-prod', '--region', 'eu-west-1', '--out', 'first'], c, gate(stackReader({ error: missing })));
    expect(code).toBe(EXIT_OK);
    expect(c.out.join('\n')).toMatch(/does not exist yet: a first release/);
  });

  test('When the stack serves a model that is in no commit, then the gate fails naming the SHA-256', async () => {
    const c = context(repo);
    const code = await main(['gate', 'models/cancer', '--production-stack', 'p', '--region', 'eu-west-1'], c, gate(stackReader({ sha256: 'a'.repeat(64) })));
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/no commit of this repository's history \(2 touch it\) holds a model\.onnx with SHA-256 a{64}/);
  });

  test('When the stack has no ModelSha256 output, then the gate fails saying so', async () => {
    const c = context(repo);
    const code = await main(['gate', 'models/cancer', '--production-stack', 'p', '--region', 'eu-west-1'], c, gate(stackReader({ sha256: 'not-a-sha' })));
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/stack p: has no ModelSha256 output holding a SHA-256 \(got "not-a-sha"\)/);
  });
});

describe('Given conflicting options', () => {
  test.each([
    [['--production', 'x', '--production-stack', 'p', '--region', 'eu-west-1'], /cannot be used together/],
    [['--production-stack', 'p'], /--production-stack and --region go together/],
  ])('When %p, then it is a usage error (exit 2)', async (args, message) => {
    const c = context(tempDir());
    expect(await main(['gate', BETTER, ...args], c)).toBe(EXIT_USAGE);
    expect(c.err.join('\n')).toMatch(message);
  });
});
