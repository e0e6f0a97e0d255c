/**
 * Errors that carry their HTTP status, and the client-facing texts more than one part of the serving layer (or a
 * host) sends: each written once here. Texts only one route sends stay with that route.
 */
import { formatValue } from '../core/issues';
import { InvalidInputError } from '../core/invalid-input';
import type { ModelStatus } from './contract';
import type { RejectReason } from './metric-names';

/** A response other than 200, thrown inside the app and turned into JSON `{"error": message}` by `app.ts`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Client-facing message of a 503 while the model is loading. */
export const LOADING_MESSAGE = 'the model is still loading; retry shortly';
/** Client-facing message of a 503 after the model failed to load for good (the cause is logged, never sent). */
export const FAILED_MESSAGE = 'the model failed to load and is not available; the cause is in the server logs';
/** Client-facing message of a 503 after a load attempt failed in a way a later attempt may not (S3 down, slow). */
export const RETRYING_MESSAGE =
  'the model could not be loaded yet (reading it failed in a way that may pass, such as S3 being unavailable or ' +
  'slow); it is retried automatically: retry after the number of seconds in Retry-After';

/**
 * The rejection of a model promise whose failure a later attempt may fix: the app answers 503 with
 * {@link RETRYING_MESSAGE} and a `Retry-After` of {@link retryAfterSeconds} rather than {@link FAILED_MESSAGE}.
 */
export class RetryableLoadFailure extends Error {
  constructor(
    /** What failed (logged by the host; never sent to clients). */
    override readonly cause: unknown,
    /** Whole seconds until the next attempt, at least 1. */
    readonly retryAfterSeconds: () => number,
  ) {
    super(`the model load will be retried: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'RetryableLoadFailure';
  }
}
/** What a 500 is called where no more may be said (the request record, a host's last-resort answer). */
export const INTERNAL_ERROR = 'internal error';
/** Client-facing message of a 500; the body adds the request id. */
export const INTERNAL_ERROR_MESSAGE = `${INTERNAL_ERROR}; the details are in the server logs under this request id`;

/** Message of the 413 for a body over the limit; `size` may be a description (`more than N (M received so far)`). */
export function bodyTooLargeMessage(size: number | string, limit: number): string {
  return `request body is ${size} bytes; the limit is ${limit} bytes`;
}

/** Message of the 413 for a batch over the limit. */
export function batchTooLargeMessage(count: number, limit: number): string {
  return `batch has ${count} instances; the limit is ${limit} per request`;
}

/**
 * The 503 for a model that is not loaded: retry shortly while loading; after a failure, retry after the next
 * attempt when there will be one (`retry`), else for good.
 */
export function notReadyError(status: ModelStatus, retry?: RetryableLoadFailure): HttpError {
  if (status !== 'failed') return new HttpError(503, 'not_ready', LOADING_MESSAGE, { 'retry-after': '1' });
  if (retry === undefined) return new HttpError(503, 'not_ready', FAILED_MESSAGE);
  return new HttpError(503, 'not_ready', RETRYING_MESSAGE, { 'retry-after': String(Math.max(1, retry.retryAfterSeconds())) });
}

/** One problem with the request's envelope (not with an instance): a 400 like any invalid input. */
export function envelopeError(field: string, value: unknown, allowed: string): InvalidInputError {
  return new InvalidInputError([{ instance: -1, field, value: formatValue(value), allowed }]);
}
