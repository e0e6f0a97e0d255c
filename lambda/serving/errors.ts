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
/** Client-facing message of a 503 after the model failed to load (the cause is logged, never sent). */
export const FAILED_MESSAGE = 'the model failed to load and is not available; the cause is in the server logs';
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

/** The 503 for a model that is not loaded: retry shortly while loading, for good once it failed. */
export function notReadyError(status: ModelStatus): HttpError {
  return status === 'failed'
    ? new HttpError(503, 'not_ready', FAILED_MESSAGE)
    : new HttpError(503, 'not_ready', LOADING_MESSAGE, { 'retry-after': '1' });
}

/** One problem with the request's envelope (not with an instance): a 400 like any invalid input. */
export function envelopeError(field: string, value: unknown, allowed: string): InvalidInputError {
  return new InvalidInputError([{ instance: -1, field, value: formatValue(value), allowed }]);
}
