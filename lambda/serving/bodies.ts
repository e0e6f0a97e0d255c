/**
 * Request bodies: the media type and charset (415 otherwise), the size limits (413), the body as text (UTF-8, a
 * byte order mark dropped) and as JSON (400 otherwise, also for JSON nested too deep or with too many keys).
 */
import { isUtf8 } from 'node:buffer';
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

/**
 * The body as text: UTF-8, without a leading byte order mark.
 * @throws HttpError 400 naming the byte offset of the first byte that is not valid UTF-8 (decoding would replace
 *   it silently, and the request would then fail for a reason that hides the real one)
 */
export function bodyText(body: Buffer | string): string {
  let text: string;
  if (typeof body === 'string') {
    text = body;
  } else {
    if (!isUtf8(body)) {
      const offset = firstInvalidUtf8Offset(body);
      throw new HttpError(
        400,
        'bad_json',
        `request body is not valid UTF-8: byte 0x${body[offset].toString(16).padStart(2, '0')} at byte offset ${offset} ` +
          'starts, continues or ends a sequence that UTF-8 does not allow; send the body encoded as UTF-8',
      );
    }
    text = body.toString('utf8');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Bytes a UTF-8 sequence has after its lead byte, and the range its first continuation byte must be in. */
function utf8Sequence(lead: number): { length: number; min: number; max: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 1, min: 0x80, max: 0xbf };
  if (lead === 0xe0) return { length: 2, min: 0xa0, max: 0xbf };
  if (lead === 0xed) return { length: 2, min: 0x80, max: 0x9f };
  if (lead >= 0xe1 && lead <= 0xef) return { length: 2, min: 0x80, max: 0xbf };
  if (lead === 0xf0) return { length: 3, min: 0x90, max: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 3, min: 0x80, max: 0xbf };
  if (lead === 0xf4) return { length: 3, min: 0x80, max: 0x8f };
  return undefined;
}

/**
 * Offset of the first byte that breaks UTF-8 (RFC 3629: no overlong forms, surrogates or code points over
 * U+10FFFF); a sequence cut short by the end of the body is reported at its last byte. Only called once `isUtf8`
 * said no (a valid body gives `bytes.length`).
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const sequence = utf8Sequence(lead);
    if (sequence === undefined) return i;
    for (let k = 1; k <= sequence.length; k++) {
      const at = i + k;
      if (at >= bytes.length) return bytes.length - 1;
      const min = k === 1 ? sequence.min : 0x80;
      const max = k === 1 ? sequence.max : 0xbf;
      if (bytes[at] < min || bytes[at] > max) return at;
    }
    i += sequence.length + 1;
  }
  return bytes.length;
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. A prediction request is 3 deep
 * (`{"instances": [{...}]}`, a v2 tensor with nested `data` a few more); deeper bodies are refused before anything
 * walks them, since code that recurses over a value (formatting it into an error, `JSON.stringify`) would overflow
 * the stack on 100,000 levels and answer 500.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;
/** Most keys one JSON object of a body may have; a request names at most its features and a few envelope fields. */
export const DEFAULT_MAX_JSON_OBJECT_KEYS = 10_000;

export interface JsonLimits {
  /** @default DEFAULT_MAX_JSON_DEPTH */
  readonly maxJsonDepth?: number;
  /** @default DEFAULT_MAX_JSON_OBJECT_KEYS */
  readonly maxJsonObjectKeys?: number;
}

/**
 * The first way `value` breaks the limits, or undefined. Iterative (an explicit stack), so a deep value cannot
 * overflow the call stack here. Run after `JSON.parse`, which V8 implements without recursion: parsing and then
 * walking costs a fraction of a character-by-character pre-scan (measured in README, "Broken requests").
 *
 * Only containers are counted. An array whose first element is not a container (a tensor's `data`, an instance in
 * feature order, a column) is taken at its length and its elements are not visited: a request's numbers are the
 * bulk of its body, and every one of them is read by the feature rules anyway, which refuse anything but a value
 * (and `formatValue` renders even a value too deep to stringify). The limits guard the containers the code walks
 * as containers: the envelope, the instances, the rows.
 */
function exceededLimit(value: unknown, maxDepth: number, maxKeys: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const container = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return `nests arrays and objects more than ${maxDepth} deep; at most ${maxDepth} levels are allowed`;
    if (Array.isArray(container)) {
      const head: unknown = container[0];
      if (typeof head !== 'object' || head === null) continue;
      for (let i = 0; i < container.length; i++) {
        const element: unknown = container[i];
        if (typeof element === 'object' && element !== null) {
          stack.push(element);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    let keys = 0;
    const record = container as Record<string, unknown>;
    for (const key in record) {
      if (++keys > maxKeys) return `has an object with more than ${maxKeys} keys; at most ${maxKeys} are allowed`;
      const element = record[key];
      if (typeof element === 'object' && element !== null) {
        stack.push(element);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}

/**
 * @throws HttpError 400 for an empty body, invalid JSON (naming the parse error), or JSON nested deeper than
 * `maxJsonDepth` or with an object of more than `maxJsonObjectKeys` keys
 */
export function parseJson(text: string, limits: JsonLimits = {}): unknown {
  if (text.length === 0) throw new HttpError(400, 'bad_json', 'request body is empty; send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpError(400, 'bad_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
  const exceeded = exceededLimit(value, limits.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH, limits.maxJsonObjectKeys ?? DEFAULT_MAX_JSON_OBJECT_KEYS);
  if (exceeded !== undefined) throw new HttpError(400, 'bad_json', `request body ${exceeded}`);
  return value;
}

/** A JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
