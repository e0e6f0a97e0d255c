/**
 * The shadow phase's two commands run as the pipeline runs them, on the two committed examples: the build's
 * `modelstack shadow-baseline` (production model found in a real git history through a stubbed CloudFormation edge),
 * then the report step's `modelstack shadow-report --plan ... --min-paired ... --min-agreement ...` over capture files
 * made by running production (breast-cancer-degraded) and the candidate (breast-cancer) through the runtime.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shadowBaselineCommand } from '../../bin/commands/shadow-baseline';
import { EXIT_CHECK_FAILED, EXIT_OK, main, type CliContext } from '../../bin/modelstack';
import { loadModelFromDirectory, type OnnxModel } from '../../lambda/core/model';
import type { StackReader } from '../../lib/pipeline/production-model';
import { agreementOf, writeShadowCapture } from '../support/shadow-capture';
import { stackMissing, stackReader } from '../support/stack-reader';

const EXAMPLES = join(__dirname, '..', '..', 'examples');
const CANDIDATE = join(EXAMPLES, 'breast-cancer');
const PRODUCTION = join(EXAMPLES, 'breast-cancer-degraded');
const PRODUCTION_SHA256 = '50e3fe67bc28bcde6f1afaf7b17ac03fa78586e96b30182a555ebdbd88e0b9af';
const NOW = new Date(Date.UTC(2026, 11, 5, 4, 0, 0));
const ENDPOINT = 'pipeline-staging-modelstack-breast-cancer-staging-inference-1a2b3c4d';
const rows = readFileSync(join(CANDIDATE, 'test.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 30).join(','));

function context(cwd: string): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l), out, err };
}

const baseline = (reader: StackReader) => [(c: CliContext) => shadowBaselineCommand(c, { cloudFormation: () => reader, now: () => NOW })];
const BASELINE_ARGS = ['shadow-baseline', 'models/cancer', '--production-stack', 'Pipeline-prod-modelstack-breast-cancer-prod', '--region', 'eu-west-1'];

let repo: string;
const models: OnnxModel[] = [];
let agreement: number;
beforeAll(async () => {
  // The repository: the model now in production committed first, then the retrained candidate in the same folder.
  repo = mkdtempSync(join(tmpdir(), 'modelstack-shadow-phase-'));
  const model = join(repo, 'models', 'cancer');
  mkdirSync(model, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args]);
  git('init', '-q');
  for (const file of ['model.onnx', 'model.json', 'test.csv']) cpSync(join(PRODUCTION, file), join(model, file));
  git('add', '.');
  git('commit', '-q', '-m', 'the model now in production');
  for (const file of ['model.onnx', 'model.json', 'test.csv']) cpSync(join(CANDIDATE, file), join(model, file));
  git('commit', '-q', '-am', 'a retrained model');
  // What SageMaker captured during the phase (after the plan), and a stale capture of an earlier run before it.
  models.push(await loadModelFromDirectory(PRODUCTION), await loadModelFromDirectory(CANDIDATE));
  const answers = await writeShadowCapture({ directory: join(repo, 'sync'), endpoint: ENDPOINT, production: models[0], shadow: models[1], rows, start: new Date(NOW.getTime() + 600_000) });
  await writeShadowCapture({ directory: join(repo, 'sync'), endpoint: ENDPOINT, production: models[0], shadow: models[0], rows: rows.slice(0, 20), start: new Date(NOW.getTime() - 86_400_000) });
  agreement = agreementOf(answers);
  // `aws s3 sync s3://<bucket>/capture/<endpoint>/ shadow-capture/` leaves the variants' folders there.
  cpSync(join(repo, 'sync', 'capture', ENDPOINT), join(repo, 'shadow-capture'), { recursive: true });
});

afterAll(async () => {
  for (const model of models) await model.close();
  rmSync(repo, { recursive: true, force: true });
});

describe('Given the build of a run with a shadow phase', () => {
  test("When production serves the older model, then shadow-baseline restores it from history and plans a shadow phase since now", async () => {
    const reader = stackReader({ sha256: PRODUCTION_SHA256 });
    const c = context(repo);
    expect(await main([...BASELINE_ARGS, '--out', 'shadow-baseline'], c, baseline(reader))).toBe(EXIT_OK);
    expect(reader.calls).toEqual(['Pipeline-prod-modelstack-breast-cancer-prod']);
    expect(readFileSync(join(repo, 'shadow-baseline', 'model.onnx'))).toEqual(readFileSync(join(PRODUCTION, 'model.onnx')));
    expect(readFileSync(join(repo, 'shadow-baseline', 'model.json'), 'utf8')).toContain('0.9.0-degraded');
    const plan = JSON.parse(readFileSync(join(repo, 'shadow-baseline', 'shadow-plan.json'), 'utf8')) as Record<string, unknown>;
    expect(plan).toMatchObject({ shadowing: true, since: NOW.toISOString(), productionSha256: PRODUCTION_SHA256 });
    expect(c.out[0]).toMatch(/^shadow phase: on: candidate [0-9a-f]{12} shadows production 50e3fe67bc28 \(model\.onnx of commit [0-9a-f]{12}\)$/);
  });

  test('When the production stack does not exist yet, then the plan says there is nothing to shadow and no model is written', async () => {
    const c = context(repo);
    expect(await main([...BASELINE_ARGS, '--out', 'first-release'], c, baseline(stackReader({ error: stackMissing('Pipeline-prod-modelstack-breast-cancer-prod') })))).toBe(EXIT_OK);
    expect(existsSync(join(repo, 'first-release', 'model.onnx'))).toBe(false);
    expect(JSON.parse(readFileSync(join(repo, 'first-release', 'shadow-plan.json'), 'utf8'))).toMatchObject({ shadowing: false, reason: expect.stringMatching(/does not exist yet: a first release/) });
  });

  test('When production already serves the candidate, then the plan says there is nothing to shadow', async () => {
    const candidateSha = JSON.parse(readFileSync(join(repo, 'shadow-baseline', 'shadow-plan.json'), 'utf8')).candidateSha256 as string;
    const c = context(repo);
    expect(await main([...BASELINE_ARGS, '--out', 'same'], c, baseline(stackReader({ sha256: candidateSha })))).toBe(EXIT_OK);
    expect(existsSync(join(repo, 'same', 'model.onnx'))).toBe(false);
    expect(c.out[0]).toBe(`shadow phase: off: production already serves the candidate (sha256 ${candidateSha.slice(0, 12)}): nothing to shadow`);
  });
});

describe("Given the phase's captures, as the report step runs shadow-report", () => {
  const report = (plan: string, gate: string[]) => ['shadow-report', 'shadow-capture', '--plan', plan, ...gate, '--json', 'shadow-report.json', '--markdown', 'shadow-report.md'];

  test('When the candidate agrees with production above the minimum, then the gate passes over the phase\'s captures only', async () => {
    // The degraded production model and the candidate disagree on a few rows of the test set.
    expect(agreement).toBeGreaterThan(0.9);
    expect(agreement).toBeLessThan(0.99);
    const c = context(repo);
    expect(await main(report('shadow-baseline/shadow-plan.json', ['--min-paired', '100', '--min-agreement', '0.9']), c)).toBe(EXIT_OK);
    const json = JSON.parse(readFileSync(join(repo, 'shadow-report.json'), 'utf8')) as { requests: unknown; pairedRequests: number; agreementRate: number };
    // The stale capture of an earlier run (before the plan's time) is left out.
    expect(json.requests).toEqual({ production: rows.length, shadow: rows.length });
    expect(json.pairedRequests).toBe(rows.length);
    expect(json.agreementRate).toBeCloseTo(agreement, 10);
  });

  test('When agreement is below the minimum, then the gate fails (exit 1) saying by how much', async () => {
    const c = context(repo);
    expect(await main(report('shadow-baseline/shadow-plan.json', ['--min-paired', '100', '--min-agreement', '0.99']), c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(`label agreement ${agreement.toFixed(3)} is below --min-agreement 0.99`);
  });

  test('When fewer requests were paired than the minimum, then the gate fails (exit 1): too little evidence', async () => {
    const c = context(repo);
    expect(await main(report('shadow-baseline/shadow-plan.json', ['--min-paired', '1000', '--min-agreement', '0.5']), c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain(`${rows.length} requests were captured on both primary and shadow; --min-paired is 1000: too little to compare`);
  });

  test('When a regression threshold is applied to a classifier, then the gate fails saying it does not apply', async () => {
    const c = context(repo);
    expect(await main(report('shadow-baseline/shadow-plan.json', ['--max-mean-difference', '0.1']), c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toContain('value differences are not available (task classification); --max-mean-difference applies to regression');
  });

  test('When the plan shadowed nothing, then the report says why and passes without reading captures', async () => {
    const c = context(repo);
    expect(await main(['shadow-report', 'no-such-folder', '--plan', 'first-release/shadow-plan.json', '--min-agreement', '0.99', '--markdown', 'skipped.md'], c)).toBe(EXIT_OK);
    expect(c.out[0]).toMatch(/^no shadow phase in this run: stack Pipeline-prod-modelstack-breast-cancer-prod does not exist yet/);
    expect(readFileSync(join(repo, 'skipped.md'), 'utf8')).toMatch(/^# Shadow report\n\nNo shadow phase in this run: /);
  });

  test('When the plan is not a plan, then the report fails naming the file', async () => {
    writeFileSync(join(repo, 'bad-plan.json'), '{"shadowing": "yes"}');
    const c = context(repo);
    expect(await main(['shadow-report', 'shadow-capture', '--plan', 'bad-plan.json'], c)).toBe(EXIT_CHECK_FAILED);
    expect(c.err.join('\n')).toMatch(/bad-plan\.json: a shadow plan needs "shadowing" \(true or false\), "since" \(an ISO 8601 time\) and "reason"/);
  });
});
