import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/app';
import { offlineEnv } from '../support/packed-package';

/** Runs the project's pinned CDK CLI as a user would, with no AWS credentials and no network. */
function cdk(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk'), args, { cwd: PROJECT_ROOT, env: offlineEnv(), encoding: 'utf8', timeout: 180_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Given the app and the pinned CDK CLI, with no AWS credentials', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'modelstack-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test('When `cdk synth` runs, then it writes one template per environment and the validation passes', () => {
    const { status, output } = cdk(['synth', '-q', '-o', outdir]);
    expect({ status, output }).toEqual({ status: 0, output: expect.any(String) });
    const templates = readdirSync(outdir).filter((file) => file.endsWith('.template.json')).sort();
    expect(templates).toEqual([
      'modelstack-breast-cancer-dev.template.json',
      'modelstack-breast-cancer-prod.template.json',
      'modelstack-breast-cancer-sandbox.template.json',
      'modelstack-breast-cancer-staging.template.json',
    ]);
    // The CLI reports the bundle it measured; the bundle stays inside Lambda's limits.
    expect(output).toMatch(/Lambda bundle \(x86_64\): [\d.]+ MB \([\d,]+ bytes\) unzipped, about [\d.]+ MB \([\d,]+ bytes\) zipped/);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { environment?: string }> };
    expect(manifest.artifacts['modelstack-breast-cancer-prod'].environment).toBe('aws://unknown-account/eu-west-1');
  });

  test('When an unknown environment is asked for, then synth fails naming the known ones', () => {
    const { status, output } = cdk(['synth', '-q', '-c', 'env=qa', '-o', join(outdir, 'qa')]);
    expect(status).not.toBe(0);
    expect(output).toContain('env: "qa" is not a known environment; known: dev, staging, sandbox, prod');
  });
});
