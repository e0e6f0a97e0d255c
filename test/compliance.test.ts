import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { compliancePacks } from '../lib/compliance';
import { shippedAssembly, shippedStackName } from './support/shipped';
import { buildTestStacks } from './support/stacks';

interface ValidationReport {
  pluginReports: Array<{ pluginName: string; conclusion: string; violations: Array<{ ruleName: string }> }>;
}

/** Every acknowledgement (rule id and reason) recorded on `scope` and its children. */
function acknowledgements(scope: IConstruct): Array<{ path: string; rule: string; reason: string }> {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          rule: key.replace(/^annotation::/i, ''), // aws-cdk-lib prefixes the stored rule ids
          reason,
        })),
      ),
  );
}

describe.each(['dev', 'staging', 'sandbox', 'prod'])('Given the %s stack', (environment) => {
  let app: App;
  let stack: Stack;
  beforeAll(async () => {
    const built = await buildTestStacks({ only: environment });
    app = built.app;
    stack = built.stacks[0];
  });

  test('When the AwsSolutions and HIPAA Security packs check it, then every finding is fixed or acknowledged', () => {
    for (const pack of compliancePacks(app)) {
      const { violations } = pack.validateScope(stack);
      const findings = violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings).toEqual([]);
    }
  });

  test('When synthesized like `cdk synth` (compliance plugins, CloudFormation validation as errors), then the report is clean', () => {
    // The run's shipped synthesis (test/support/global-setup.ts) is `cdk synth`'s: compliance applied, validation on.
    const reportPath = join(shippedAssembly(), 'validation-report.json');
    // The report is written whenever a plugin ran; a clean run may omit it. Either way, no plugin may report a violation.
    const report: ValidationReport = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : { pluginReports: [] };
    expect(existsSync(join(shippedAssembly(), `${shippedStackName(environment)}.template.json`))).toBe(true);
    for (const plugin of report.pluginReports) {
      expect({ plugin: plugin.pluginName, violations: plugin.violations.map((v) => v.ruleName) }).toEqual({ plugin: plugin.pluginName, violations: [] });
    }
  });

  test('When findings are acknowledged, then each acknowledgement names its rule and gives a specific reason', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.rule).toMatch(/^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321|Serverless)-[A-Za-z0-9]+/);
      // A reason must explain this resource, not just restate the rule: at least a sentence.
      expect({ ...ack, long: ack.reason.length >= 40 }).toEqual({ ...ack, long: true });
    }
  });
});
