import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { applyCompliance, COMPLIANCE_PACK_PREFIXES, compliancePacks } from '../lib/compliance';
import { ALL_ENVIRONMENTS, SHIPPED_ENVIRONMENT_NAMES } from './support/configurations';
import { shippedAssembly, shippedStackName } from './support/shipped';
import { isSharedRule, ruleIds } from '../lib/private/nag-rules';
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

describe.each(Object.keys(ALL_ENVIRONMENTS))('Given the %s stack', (environment) => {
  let app: App;
  let stack: Stack;
  beforeAll(async () => {
    const built = await buildTestStacks({ environments: ALL_ENVIRONMENTS, only: environment });
    app = built.app;
    stack = built.stacks[0];
  });

  test('When the five packs (AwsSolutions, HIPAA Security, NIST 800-53 r5, PCI DSS 3.2.1, Serverless) check it, then every finding is fixed or acknowledged', () => {
    const packs = compliancePacks(app);
    expect(packs.map((pack) => pack.readPackName)).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless']);
    for (const pack of packs) {
      const { violations } = pack.validateScope(stack);
      const findings = violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect({ pack: pack.readPackName, findings }).toEqual({ pack: pack.readPackName, findings: [] });
    }
  });

  test('When synthesized like `cdk synth` (compliance plugins, CloudFormation validation as errors), then the report is clean', () => {
    // A shipped environment is read from the run's shipped synthesis (test/support/global-setup.ts), which is `cdk
    // synth`'s: compliance applied, validation on. The extra configurations are synthesized here the same way.
    const shipped = SHIPPED_ENVIRONMENT_NAMES.includes(environment);
    const directory = shipped ? shippedAssembly() : (applyCompliance(app), app.synth()).directory;
    if (shipped) expect(existsSync(join(directory, `${shippedStackName(environment)}.template.json`))).toBe(true);
    const reportPath = join(directory, 'validation-report.json');
    // The report is written whenever a plugin ran; a clean run may omit it. Either way, no plugin may report a violation.
    const report: ValidationReport = existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, 'utf8')) : { pluginReports: [] };
    for (const plugin of report.pluginReports) {
      expect({ plugin: plugin.pluginName, violations: plugin.violations.map((v) => v.ruleName) }).toEqual({ plugin: plugin.pluginName, violations: [] });
    }
  });

  test('When findings are acknowledged, then each acknowledgement names its rule and gives a specific reason', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(COMPLIANCE_PACK_PREFIXES.some((prefix) => ack.rule.startsWith(`${prefix}-`))).toBe(true);
      // A reason must explain this resource, not just restate the rule: at least a sentence.
      expect({ ...ack, long: ack.reason.length >= 40 }).toEqual({ ...ack, long: true });
    }
  });

  test('When a finding is acknowledged under one pack, then the same check is acknowledged under every pack that has it, with the same reason', () => {
    const acks = acknowledgements(stack);
    for (const ack of acks) {
      const rule = ack.rule.replace(/^[A-Za-z0-9.]+-/, '');
      if (!isSharedRule(rule)) continue;
      const siblings = ruleIds(rule).map((id) => acks.find((other) => other.path === ack.path && other.rule === id)?.reason);
      expect({ path: ack.path, rule, reasons: siblings }).toEqual({ path: ack.path, rule, reasons: ruleIds(rule).map(() => ack.reason) });
    }
  });
});
