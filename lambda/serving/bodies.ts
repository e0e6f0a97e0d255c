/**
 * Request bodies: the media type and charset (415 otherwise), the size limits (413), the body as text (UTF-8, a
 * byte order mark dropped) and as JSON (400 otherwise).
 */
import { formatValue } from '../core/issues';
import { JSON_CONTENT_TYPE } from './contract';
import type { HttpRequest } from './contract';
import { batchTooLargeMessage, bodyTooLargeMessage, HttpError } from './errors';

export type MediaKind = 'json' | 'csv';

/** Quotes around a parameter value. */
const QUOTES = /^"|"$/g;
const UTF8_CHARSETS: ReadonlySet<string> = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * The body's media type: JSON, or CSV where `allowCsv` (no content type: JSON).
 * @throws HttpError 415 for another type or a charset other than UTF-8
 */
export function mediaKind(headers: HttpRequest['headers'], allowCsv: boolean): MediaKind {
  const header = headers['content-type'];
  const raw = typeof header === 'string' ? header : header?.[0];
  if (raw === undefined || raw === JSON_CONTENT_TYPE) return 'json';
  const semicolon = raw.indexOf(';');
  const type = (semicolon === -1 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  if (type === '') return 'json';
  const allowed = allowCsv ? 'application/json or text/csv' : 'application/json';
  let kind: MediaKind;
  if (type === JSON_CONTENT_TYPE) kind = 'json';
  else if (allowCsv && type === 'text/csv') kind = 'csv';
  else {
    throw new HttpError(415, 'unsupported_media_type', `content type ${formatValue(type)} is not supported; use ${allowed}`);
  }
  if (semicolon !== -1) {
    for (const parameter of raw.slice(semicolon + 1).split(';')) {
      const equals = parameter.indexOf('=');
      if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
      const charset = parameter.slice(equals + 1).trim().replace(QUOTES, '').toLowerCase();
      if (!UTF8_CHARSETS.has(charset)) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          `charset ${formatValue(charset)} is not supported; send UTF-8 (${allowed}; charset=utf-8)`,
        );
      }
    }
  }
  return kind;
}

function byteLength(body: Buffer | string, limit: number): number {
  if (typeof body !== 'string') return body.length;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short strings need no exact count.
  return body.length * 3 <= limit ? body.length : Buffer.byteLength(body);
}

/** @throws HttpError 413 when the body has more than `limit` bytes */
export function checkBodySize(body: Buffer | string, limit: number): void {
  const size = byteLength(body, limit);
  if (size > limit) throw new HttpError(413, 'too_large', bodyTooLargeMessage(size, limit));
}

/** @throws HttpError 413 when the batch has more than `limit` instances */
export function checkBatchSize(count: number, limit: number): void {
  if (count > limit) throw new HttpError(413, 'too_large', batchTooLargeMessage(count, limit));
}

/** The body as text: UTF-8, without a leading byte order mark. */
export function bodyText(body: Buffer | string): string {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** @throws HttpError 400 for an empty body or invalid JSON, naming the parse error */
export function parseJson(text: string): unknown {
  if (text.length === 0) throw new HttpError(400, 'bad_json', 'request body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'bad_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
