/**
 * The same check under each compliance pack's name. cdk-nag's HIPAA Security, NIST 800-53 rev 5, PCI DSS 3.2.1 and
 * Serverless packs report one root cause under their own rule ids; an acknowledgement must name every one of them,
 * or the finding reappears under the pack that was forgotten. Only the packs that have the rule are listed.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const HIPAA = 'HIPAA.Security';
const NIST = 'NIST.800.53.R5';
const PCI = 'PCI.DSS.321';
const SERVERLESS = 'Serverless';

/** Checks that several packs share, with the packs that have each. */
const SHARED_RULES = {
  LambdaDLQ: [HIPAA, NIST, SERVERLESS],
  LambdaInsideVPC: [HIPAA, NIST, PCI],
  LambdaConcurrency: [HIPAA, NIST],
  LambdaTracing: [SERVERLESS],
  LambdaLatestVersion: [SERVERLESS],
  S3BucketReplicationEnabled: [HIPAA, NIST, PCI],
  S3DefaultEncryptionKMS: [HIPAA, NIST, PCI],
  CloudWatchAlarmAction: [HIPAA, NIST],
  VPCFlowLogsEnabled: [HIPAA, NIST, PCI],
  SNSRedrivePolicy: [SERVERLESS],
} as const;

/** A check that several compliance packs make, by its rule name without the pack prefix. */
export type SharedRule = keyof typeof SHARED_RULES;

/** The rule ids of `rule` in every pack that has it, e.g. `HIPAA.Security-LambdaDLQ`, `NIST.800.53.R5-LambdaDLQ`, ... */
export function ruleIds(rule: SharedRule): string[] {
  return SHARED_RULES[rule].map((pack) => `${pack}-${rule}`);
}

/** Acknowledges `rule` on `scope` under every pack's id, with the one reason that applies to this resource. */
export function acknowledgeRule(scope: IConstruct, rule: SharedRule, reason: string): void {
  Validations.of(scope).acknowledge(...ruleIds(rule).map((id) => ({ id, reason })));
}

/** Whether `rule` (without pack prefix) is one that several packs share. */
export function isSharedRule(rule: string): rule is SharedRule {
  return Object.prototype.hasOwnProperty.call(SHARED_RULES, rule);
}
