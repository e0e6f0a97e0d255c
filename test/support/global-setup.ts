/**
 * Jest global setup: gives the run its own folder (and points `TMPDIR` at it), then synthesizes the shipped
 * environments once, exactly as `cdk synth` does (compliance packs, CloudFormation validation), for every test that
 * reads a shipped template or cloud assembly ({@link shippedTemplate}, {@link shippedAssembly}).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyCompliance } from '../../lib/compliance';
import { PROJECT_ROOT } from './app';
import { buildTestStacks } from './stacks';
import { SHIPPED_ASSEMBLY_ENV, SUITE_OUTPUT_ENV, suiteOutputRoot } from './suite-output';

export default async function globalSetup(): Promise<void> {
  const run = join(suiteOutputRoot(PROJECT_ROOT), `run-${process.pid}`);
  rmSync(run, { recursive: true, force: true });
  const tmp = join(run, 'tmp');
  mkdirSync(tmp, { recursive: true });
  process.env[SUITE_OUTPUT_ENV] = run;
  process.env.TMPDIR = tmp;
  const shipped = join(run, 'shipped.out');
  const { app } = await buildTestStacks({ outdir: shipped, validate: true, stageAssets: true });
  applyCompliance(app);
  app.synth();
  process.env[SHIPPED_ASSEMBLY_ENV] = shipped;
}
