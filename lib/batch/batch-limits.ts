/**
 * The service limits a batch run lives within, written once (docs/batch.md explains what each means for the
 * largest file) and the synth-time check that batch cannot starve the live endpoint.
 */

/** Lambda keeps this much of an account's concurrency unreserved; no reservation may eat into it. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** Lambda's default concurrent executions quota per account and region (raise it with a quota request). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;
/** Lambda's longest timeout. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/** A Distributed Map runs at most this many child executions at once. */
export const DISTRIBUTED_MAP_MAX_CONCURRENCY = 10_000;
/** Step Functions' largest state input or output (and Map item). */
export const STEP_FUNCTIONS_MAX_PAYLOAD_BYTES = 256 * 1024;
/** Default child executions at once. */
export const DEFAULT_BATCH_MAX_CONCURRENCY = 10;

/** What the live endpoint takes of the account's Lambda concurrency. */
export interface LiveConcurrency {
  /** The live function's reserved concurrency; undefined when it shares the unreserved pool (or is not on Lambda). */
  readonly reserved?: number;
  /** The account's concurrency quota in the region. */
  readonly accountLimit: number;
}

/**
 * Problems with a batch concurrency of `maxConcurrency` beside `live`: the batch function reserves exactly its
 * map concurrency, so it can never take more; the two reservations together must leave Lambda's unreserved
 * minimum. Returns the reasons, empty when it fits.
 */
export function concurrencyProblems(maxConcurrency: number, live: LiveConcurrency): string[] {
  const reservable = live.accountLimit - LAMBDA_UNRESERVED_MINIMUM - (live.reserved ?? 0);
  if (maxConcurrency <= reservable) return [];
  const liveText = live.reserved === undefined ? '' : ` minus the live endpoint's reserved ${live.reserved}`;
  return [`at most ${reservable} (the account's concurrency ${live.accountLimit}${liveText} minus the ${LAMBDA_UNRESERVED_MINIMUM} Lambda keeps unreserved), so a batch run cannot take the live endpoint's concurrency`];
}
