/**
 * A user's own CDK app: no cdk.json, so no feature flag of this repository, and `cdk synth --strict` rules
 * (a warning fails the synth) plus this repository's compliance packs.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { compliancePacks } from '../../lib/compliance';
import { TEMPLATE_ONLY_CONTEXT } from './app';

/**
 * A fresh App without any context but the one the CLI sets to skip bundling and staging
 * ({@link TEMPLATE_ONLY_CONTEXT}), which keeps esbuild and asset copies out of tests that only read templates.
 * CloudFormation validation is off, as in `testApp()`: without cdk.json's flag it would only downgrade its findings
 * to warnings in a report no test reads (and `--strict` does not count), and its engine costs seconds of CPU in
 * each suite. It runs, as errors, on the shipped environments (`compliance.test.ts`).
 */
export function standaloneApp(options: { readonly bundle?: boolean } = {}): App {
  return new App({ builtinCloudFormationValidation: false, ...(options.bundle === true ? {} : { context: { ...TEMPLATE_ONLY_CONTEXT } }) });
}

/** A stack in a fresh {@link standaloneApp}. */
export function standaloneStack(options: { readonly bundle?: boolean } = {}): Stack {
  return new Stack(standaloneApp(options), 'UserStack');
}

/**
 * What would fail `cdk synth --strict` with the compliance packs on: every warning and error annotation of the
 * stack, and every unacknowledged finding of the compliance packs (AwsSolutions, HIPAA, NIST 800-53 r5, PCI DSS 3.2.1,
 * Serverless).
 */
export function strictSynthProblems(stack: Stack): string[] {
  const app = stack.node.root as App;
  const annotations = Annotations.fromStack(stack);
  const messages = [...annotations.findWarning('*', Match.anyValue()), ...annotations.findError('*', Match.anyValue())].map(
    (entry) => `${entry.level} at ${entry.id}: ${typeof entry.entry.data === 'string' ? entry.entry.data : JSON.stringify(entry.entry.data)}`,
  );
  const findings = compliancePacks(app).flatMap((pack) =>
    pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
  );
  return [...messages, ...findings];
}

