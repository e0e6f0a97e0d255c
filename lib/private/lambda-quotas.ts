/**
 * Lambda's account quotas that a configuration can outgrow, checked at synth so that a deploy does not fail with
 * "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its
 * minimum value". Findings are synth warnings (a quota can be raised), naming the quota to request.
 */
import { Annotations, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Concurrent executions of a new account, which AWS raises with usage (the documented default is 1,000). */
export const NEW_ACCOUNT_CONCURRENCY = 10;
/** Unreserved concurrency Lambda keeps for functions without a reservation: 100, or the whole quota below that. */
export const MIN_UNRESERVED_CONCURRENCY = 100;
/** The Service Quotas code of "Concurrent executions". */
export const CONCURRENCY_QUOTA_CODE = 'L-B99A9384';

/** Unreserved concurrency Lambda keeps in an account whose quota is `quota`. */
export function minUnreserved(quota: number): number {
  return Math.min(MIN_UNRESERVED_CONCURRENCY, quota);
}

/** Warns on `scope` when `executions` (reserved, or provisioned without a reservation) do not fit `quota`. */
export function warnIfQuotaTooLow(scope: IConstruct, setting: string, executions: number | undefined, quota: number): void {
  if (executions === undefined || Token.isUnresolved(executions) || Token.isUnresolved(quota)) return;
  const keep = minUnreserved(quota);
  if (executions + keep <= quota) return;
  Annotations.of(scope).addWarningV2(
    'modelstack:concurrencyQuota',
    `${setting} ${executions} leaves fewer than ${keep} unreserved concurrent executions in an account whose quota is ${quota}` +
      ` (Lambda refuses that at deploy): request "Concurrent executions" (Service Quotas ${CONCURRENCY_QUOTA_CODE}) of at least ${executions + MIN_UNRESERVED_CONCURRENCY},` +
      ' then set accountConcurrencyQuota to it; see docs/account-quotas.md',
  );
}
