/**
 * The quality job's bundle as CDK builds it (local esbuild, no Docker): `index.js` with the handler, the manifest
 * and the training profile beside it, no onnxruntime; and the bundled handler loads and runs in a fresh Node.js
 * process, refusing a missing setting by name.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib';
import { TrainingProfileSchema } from '../../../lambda/records/training-profile';
import { QualityJobBundling } from '../../../lib/quality/quality-job-bundling';
import { exampleManifest } from '../../support/endpoints';
import { PROJECT_ROOT } from '../../support/app';

describe('Given the quality job bundled for the breast-cancer model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-quality-bundle-'));
  const manifest = exampleManifest('breast-cancer');
  const profile = TrainingProfileSchema.parse(JSON.parse(readFileSync(join(PROJECT_ROOT, 'examples', 'breast-cancer', 'profile.json'), 'utf8')));
  beforeAll(() => {
    new QualityJobBundling(manifest, profile).tryBundle(dir, {} as BundlingOptions);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('Then it holds index.js, model.json and profile.json, and no onnxruntime', () => {
    expect(existsSync(join(dir, 'index.js'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(manifest)));
    expect(TrainingProfileSchema.parse(JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')))).toEqual(profile);
    expect(existsSync(join(dir, 'node_modules', 'onnxruntime-node'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'onnxruntime-common'))).toBe(false);
  });

  test('When the bundled handler runs without RECORDS_BUCKET, then it fails naming the variable', () => {
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the quality job needs the environment variable RECORDS_BUCKET; it is not set');
  });
});
