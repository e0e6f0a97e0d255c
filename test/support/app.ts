import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { newOutdir } from './suite-output';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The feature flags of `cdk.json`, so tests synthesize exactly as `cdk synth` does (CloudFormation validation as errors included). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface TestAppOptions extends AppProps {
  /** Run the real asset bundling (esbuild + onnxruntime copy). Off by default: most tests only need the template. */
  readonly bundle?: boolean;
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
  const { bundle = false, validate = false, context, ...rest } = options;
  return new App({
    outdir: newOutdir(),
    builtinCloudFormationValidation: validate,
    ...rest,
    context: { ...cdkJsonContext(), ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
}
