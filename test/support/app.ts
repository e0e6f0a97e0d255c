import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { DISABLE_ASSET_STAGING_CONTEXT } from 'aws-cdk-lib/cx-api';
import { newOutdir } from './suite-output';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The feature flags of `cdk.json`, so tests synthesize exactly as `cdk synth` does (CloudFormation validation as errors included). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * The context of an app whose tests read only its templates: no asset bundling (esbuild, onnxruntime copies), and
 * no copy of each asset's source into the cloud assembly (`cdk synth --no-staging`): every ModelStore alone would
 * copy the AWS CLI layer (22 MB) of its BucketDeployment. Templates are the same (asset hashes come from the
 * sources either way); only the assets manifest then names the sources instead of copies.
 */
export const TEMPLATE_ONLY_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:bundling-stacks': [],
  [DISABLE_ASSET_STAGING_CONTEXT]: true,
};

export interface TestAppOptions extends AppProps {
  /**
   * Run the real asset bundling (esbuild + onnxruntime copy) and stage every asset into the cloud assembly, as
   * `cdk synth` does. Off by default ({@link TEMPLATE_ONLY_CONTEXT}): most tests only need the template.
   */
  readonly bundle?: boolean;
  /** Copy every asset into the cloud assembly (as `cdk synth` does), even without bundling. @default - as `bundle` */
  readonly stageAssets?: boolean;
  /**
   * Run CDK's built-in CloudFormation validation at synth, as `cdk synth` does. It costs 10 s or more per
   * synthesis, so it runs once per run on the shipped environments (the global setup, checked by
   * `compliance.test.ts`) and where a test asks for it. @default false
   */
  readonly validate?: boolean;
}

/**
 * An App configured like the real one (the feature flags of `cdk.json`), writing into a folder of the test run
 * ({@link newOutdir}) rather than the machine's temporary folder.
 */
export function testApp(options: TestAppOptions = {}): App {
  const { bundle = false, stageAssets = bundle, validate = false, context, ...rest } = options;
  return new App({
    outdir: newOutdir(),
    builtinCloudFormationValidation: validate,
    ...rest,
    context: {
      ...cdkJsonContext(),
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...(stageAssets ? {} : { [DISABLE_ASSET_STAGING_CONTEXT]: true }),
      ...context,
    },
  });
}
