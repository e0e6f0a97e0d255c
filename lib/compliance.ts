import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** The rule-id prefixes of the packs in {@link compliancePacks}, in the same order. */
export const COMPLIANCE_PACK_PREFIXES = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless'] as const;

/**
 * The cdk-nag rule packs every modelstack stack must pass: AwsSolutions, HIPAA Security, NIST 800-53 rev 5,
 * PCI DSS 3.2.1 and Serverless. Findings are acknowledged only on the construct that causes them, each with a
 * written reason, under every pack's rule id (`lib/private/nag-rules.ts`). docs/compliance.md lists them.
 */
export function compliancePacks(scope: IConstruct): NagPack[] {
  // Acknowledgements are written into the template metadata so reviewers see them in `cdk diff`.
  const props = { verbose: true, writeSuppressionsToCloudFormation: true };
  return [
    new AwsSolutionsChecks(scope, props),
    new HIPAASecurityChecks(scope, props),
    new NIST80053R5Checks(scope, props),
    new PCIDSS321Checks(scope, props),
    new ServerlessChecks(scope, props),
  ];
}

/** Runs the compliance packs on every stack of `app` at synth: any unacknowledged finding fails the synth. */
export function applyCompliance(app: App): void {
  Validations.of(app).addPlugins(...compliancePacks(app));
}
