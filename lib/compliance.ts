import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * The cdk-nag rule packs every modelstack stack must pass. Findings are acknowledged only on the construct that
 * causes them, each with a written reason (`Validations.of(construct).acknowledge(...)`).
 */
export function compliancePacks(scope: IConstruct): NagPack[] {
  // Acknowledgements are written into the template metadata so reviewers see them in `cdk diff`.
  const props = { verbose: true, writeSuppressionsToCloudFormation: true };
  return [new AwsSolutionsChecks(scope, props), new HIPAASecurityChecks(scope, props)];
}

/** Runs the compliance packs on every stack of `app` at synth: any unacknowledged finding fails the synth. */
export function applyCompliance(app: App): void {
  Validations.of(app).addPlugins(...compliancePacks(app));
}
