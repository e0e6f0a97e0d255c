import type { App } from 'aws-cdk-lib';
import { buildStacks, type BuildOptions } from '../../bin/build';
import { environments } from '../../config/environments';
import type { ModelStack } from '../../lib/model-stack';
import { PROJECT_ROOT, testApp } from './app';

export interface SynthOptions extends Partial<BuildOptions> {
  /** Run the real asset bundling. @default false */
  readonly bundle?: boolean;
  /** Copy every asset into the cloud assembly, as `cdk synth` does. @default - as `bundle` */
  readonly stageAssets?: boolean;
  /** Run CDK's CloudFormation validation at synth. @default false */
  readonly validate?: boolean;
  /** Where the cloud assembly is written. @default a new folder of the test run */
  readonly outdir?: string;
}

/** Builds the environments of `config/environments.ts` (or `environments`) exactly as `bin/app.ts` does. */
export async function buildTestStacks(options: SynthOptions = {}): Promise<{ app: App; stacks: ModelStack[] }> {
  const { bundle, stageAssets, validate, outdir, ...build } = options;
  const app = testApp({ bundle, stageAssets, validate, ...(outdir === undefined ? {} : { outdir }) });
  const stacks = await buildStacks(app, { projectRoot: PROJECT_ROOT, environments, ...build });
  return { app, stacks };
}
