import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

export const PROJECT_ROOT = join(__dirname, '..', '..');

/** The feature flags of `cdk.json`, so tests synthesize exactly as `cdk synth` does (CloudFormation validation as errors included). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface TestAppOptions extends AppProps {
  /** Run the real asset bundling (esbuild + onnxruntime copy). Off by default: most tests only need the template. */
  readonly bundle?: boolean;
}

/** An App configured like the real one. */
export function testApp(options: TestAppOptions = {}): App {
  const { bundle = false, context, ...rest } = options;
  return new App({
    ...rest,
    context: { ...cdkJsonContext(), ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...context },
  });
}
