/**
 * The shipped environments (config/environments.ts), synthesized once per test run by the global setup, as
 * `cdk synth` does: tests that only read a template or the cloud assembly share it instead of synthesizing again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { SHIPPED_ASSEMBLY_ENV } from './suite-output';

/** Stack name of a shipped environment. */
export function shippedStackName(environment: string): string {
  return `modelstack-breast-cancer-${environment}`;
}

/** The folder of the shipped cloud assembly (`cdk.out`). */
export function shippedAssembly(): string {
  const directory = process.env[SHIPPED_ASSEMBLY_ENV];
  if (directory === undefined || directory === '') {
    throw new Error(`${SHIPPED_ASSEMBLY_ENV} is not set: run the tests through jest (its global setup synthesizes the shipped environments)`);
  }
  return directory;
}

/** The CloudFormation template of a shipped environment, as JSON. */
export function shippedTemplateJson(environment: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(shippedAssembly(), `${shippedStackName(environment)}.template.json`), 'utf8')) as Record<string, unknown>;
}

/** The template of a shipped environment, for assertions. */
export function shippedTemplate(environment: string): Template {
  return Template.fromJSON(shippedTemplateJson(environment));
}
