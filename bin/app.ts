/**
 * The CDK app: `npx cdk synth` builds every environment; `npx cdk synth -c env=prod` builds one.
 * The only place (with config/load.ts) that reads the outside world: CDK context and the config files.
 */
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { applyCompliance } from '../lib/compliance';
import { buildStacks } from './build';
import { buildPipelineStack } from './build-pipeline';

async function main(): Promise<void> {
  const app = new App();
  const only: unknown = app.node.tryGetContext('env');
  if (only !== undefined && typeof only !== 'string') {
    throw new Error(`-c env: expected an environment name, got ${JSON.stringify(only)}`);
  }
  await buildStacks(app, { projectRoot: join(__dirname, '..'), only });
  // The delivery pipeline (config/pipeline.ts) needs every stage it deploys, so `-c env=` leaves it out.
  if (only === undefined) await buildPipelineStack(app, { projectRoot: join(__dirname, '..') });
  applyCompliance(app);
  app.synth();
}

main().catch((error: unknown) => {
  // Config and manifest errors are complete sentences; a stack trace would only bury them.
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
