/**
 * The Open Inference Protocol's binary tensor extension, which tritonclient uses by default: the request's
 * `Inference-Header-Content-Length` header gives the length of a JSON header at the start of the body; the bytes
 * after it are the tensors that declare `parameters.binary_data_size`, in the order they are listed, raw and
 * little-endian (BYTES: each element a 4-byte little-endian length, then its bytes). Answers put the outputs asked
 * for in binary (`binary_data_output`, or an output's `binary_data`) after their JSON header the same way.
 */
import { formatValue } from '../core/issues';
import { InvalidInputError } from '../core/invalid-input';
import type { InputProblem } from '../core/types';
import { isJsonObject, parseJson } from './bodies';
import { JSON_CONTENT_TYPE } from './contract';
import type { HttpRequest, HttpResponse } from './contract';
import { HttpError } from './errors';

/** The request and response header that gives the JSON header's length, in bytes. */
export const BINARY_HEADER_LENGTH = 'inference-header-content-length';
/** The name `GET /v2` lists the extension under, as Triton does. */
export const BINARY_EXTENSION = 'binary_tensor_data';
const BINARY_CONTENT_TYPE = 'application/octet-stream';

/** Bytes per element of each fixed-size datatype. */
const ELEMENT_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, UINT32: 4, INT32: 4, FP32: 4, UINT64: 8, INT64: 8, FP64: 8,
};

/** An output tensor with its values, as the JSON answer would list them. */
export interface OutputTensor {
  readonly name: string;
  readonly datatype: 'BYTES' | 'FP32';
  readonly shape: readonly number[];
  readonly data: ReadonlyArray<string | number>;
}


/**
 * The JSON header's length when the request uses the binary extension, else undefined.
 * @throws HttpError 400 when the header is not a whole number of bytes within the body
 */
export function binaryHeaderLength(request: HttpRequest): number | undefined {
  const header = request.headers[BINARY_HEADER_LENGTH];
  const raw = typeof header === 'string' ? header : header?.[0];
  if (raw === undefined) return undefined;
  const size = typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.length;
  const length = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!(length >= 1 && length <= size)) {
    throw new HttpError(
      400,
      'bad_json',
      `header Inference-Header-Content-Length is ${formatValue(raw)}; expected the length in bytes of the JSON header at the start of the body, 1 to ${size} (the body's length)`,
    );
  }
  return length;
}

/** The media types a binary request may declare: none, JSON (the header) or octet-stream. */
export function checkBinaryMediaType(request: HttpRequest): void {
  const header = request.headers['content-type'];
  const raw = typeof header === 'string' ? header : header?.[0];
  const type = raw?.split(';')[0].trim().toLowerCase() ?? '';
  if (type !== '' && type !== JSON_CONTENT_TYPE && type !== BINARY_CONTENT_TYPE) {
    throw new HttpError(415, 'unsupported_media_type', `content type ${formatValue(type)} is not supported with Inference-Header-Content-Length; use ${BINARY_CONTENT_TYPE} or ${JSON_CONTENT_TYPE}`);
  }
}

/**
 * The body's JSON header with each binary input's `data` filled from the bytes after it: a Float32Array for FP32,
 * arrays of numbers for the other numeric types (BOOL as true/false, INT64/UINT64 as numbers), strings for BYTES.
 * @throws HttpError 400 for a JSON header that is not JSON; InvalidInputError naming the tensor for sizes that do
 * not add up
 */
export function readBinaryRequest(request: HttpRequest, headerLength: number): unknown {
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  const header = parseJson(body.toString('utf8', 0, headerLength));
  if (!isJsonObject(header) || !Array.isArray(header.inputs)) return header;
  let offset = headerLength;
  const problems: InputProblem[] = [];
  const inputs = header.inputs.map((input: unknown, i: number): unknown => {
    if (!isJsonObject(input) || input.parameters === undefined) return input;
    const size = isJsonObject(input.parameters) ? input.parameters.binary_data_size : undefined;
    if (size === undefined) return input;
    const at = `inputs[${i}]`;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || offset + size > body.length) {
      const left = body.length - offset;
      problems.push({ instance: -1, field: `${at}.parameters.binary_data_size`, value: formatValue(size), allowed: `the byte length of this tensor's data, at most the ${left} bytes left in the body` });
      offset = body.length;
      return input;
    }
    if (input.data !== undefined) {
      problems.push({ instance: -1, field: `${at}.data`, value: 'present', allowed: 'no "data" on a tensor sent in binary (binary_data_size)' });
    }
    const bytes = body.subarray(offset, offset + size);
    offset += size;
    const data = decodeTensor(bytes, input.datatype, input.shape, at, problems);
    return data === undefined ? input : { ...input, data };
  });
  if (problems.length === 0 && offset !== body.length) {
    problems.push({ instance: -1, field: '(body)', value: `${body.length - offset} bytes after the last tensor`, allowed: 'a body that ends with the last binary tensor (binary_data_size of the inputs adds up to the bytes after the JSON header)' });
  }
  if (problems.length > 0) throw new InvalidInputError(problems);
  return { ...header, inputs };
}

/** Number of elements a shape holds; NaN when the shape is not an array of whole numbers. */
function elementCount(shape: unknown): number {
  if (!Array.isArray(shape)) return NaN;
  let count = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return NaN;
    count *= d;
  }
  return count;
}

function decodeTensor(bytes: Buffer, datatype: unknown, shape: unknown, at: string, problems: InputProblem[]): unknown[] | Float32Array | undefined {
  const count = elementCount(shape);
  // The envelope check that follows names a bad shape or datatype; nothing to decode here.
  if (Number.isNaN(count) || typeof datatype !== 'string') return undefined;
  if (datatype === 'BYTES') return decodeBytes(bytes, count, at, problems);
  const width = ELEMENT_BYTES[datatype];
  if (width === undefined) return undefined;
  if (bytes.length !== count * width) {
    problems.push({ instance: -1, field: `${at}.parameters.binary_data_size`, value: String(bytes.length), allowed: `${count * width} bytes: ${count} ${datatype} elements (shape ${formatValue(shape)}) of ${width} bytes` });
    return undefined;
  }
  if (datatype === 'FP32') {
    // One aligned copy, read in place from then on: the model's tensor is filled from this array, with no
    // intermediate array of numbers.
    const view = new Float32Array(count);
    new Uint8Array(view.buffer).set(bytes);
    return view;
  }
  const out = new Array<number | boolean>(count);
  for (let i = 0; i < count; i++) out[i] = readElement(bytes, i * width, datatype);
  return out;
}

function readElement(bytes: Buffer, at: number, datatype: string): number | boolean {
  switch (datatype) {
    case 'FP32': return bytes.readFloatLE(at);
    case 'FP64': return bytes.readDoubleLE(at);
    case 'FP16': return halfToNumber(bytes.readUInt16LE(at));
    case 'INT64': return Number(bytes.readBigInt64LE(at));
    case 'UINT64': return Number(bytes.readBigUInt64LE(at));
    case 'INT32': return bytes.readInt32LE(at);
    case 'UINT32': return bytes.readUInt32LE(at);
    case 'INT16': return bytes.readInt16LE(at);
    case 'UINT16': return bytes.readUInt16LE(at);
    case 'INT8': return bytes.readInt8(at);
    case 'BOOL': return bytes[at] !== 0;
    default: return bytes[at];
  }
}

/** IEEE 754 half precision to a number. */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function decodeBytes(bytes: Buffer, count: number, at: string, problems: InputProblem[]): string[] | undefined {
  const out: string[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (out.length === count || offset + 4 > bytes.length) break;
    const length = bytes.readUInt32LE(offset);
    if (offset + 4 + length > bytes.length) break;
    out.push(bytes.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  if (out.length !== count || offset !== bytes.length) {
    problems.push({ instance: -1, field: `${at}.parameters.binary_data_size`, value: String(bytes.length), allowed: `${count} BYTES elements, each a 4-byte little-endian length then that many bytes, filling exactly binary_data_size bytes (${out.length} whole elements found)` });
    return undefined;
  }
  return out;
}

/**
 * Which outputs go back in binary: all when the request's `parameters.binary_data_output` is true, else those
 * whose entry in `outputs` has `parameters.binary_data` true.
 */
export function binaryOutputNames(body: Readonly<Record<string, unknown>>): ReadonlySet<string> | 'all' | undefined {
  const parameters = body.parameters;
  if (isJsonObject(parameters) && parameters.binary_data_output === true) return 'all';
  if (!Array.isArray(body.outputs)) return undefined;
  const names = new Set<string>();
  for (const output of body.outputs as unknown[]) {
    if (isJsonObject(output) && isJsonObject(output.parameters) && output.parameters.binary_data === true && typeof output.name === 'string') {
      names.add(output.name);
    }
  }
  return names.size === 0 ? undefined : names;
}

function encodeTensor(tensor: OutputTensor): Buffer {
  const data = tensor.data;
  if (tensor.datatype === 'FP32') {
    const view = new Float32Array(data as readonly number[]);
    return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  }
  // Each element: its UTF-8 length (4 bytes, little-endian), then the bytes; one allocation for the tensor.
  let size = 0;
  for (const value of data) size += 4 + Buffer.byteLength(String(value));
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const value of data) {
    const length = out.write(String(value), at + 4, 'utf8');
    out.writeUInt32LE(length, at);
    at += 4 + length;
  }
  return out;
}

/**
 * The answer with the outputs in `binary` sent as bytes after the JSON header (`prefix` the JSON fields before
 * `outputs`), with the `Inference-Header-Content-Length` response header.
 */
export function binaryResponse(prefix: string, outputs: readonly OutputTensor[], binary: ReadonlySet<string> | 'all'): HttpResponse {
  const chunks: Buffer[] = [];
  const listed = outputs.map((output) => {
    if (binary !== 'all' && !binary.has(output.name)) return output;
    const bytes = encodeTensor(output);
    chunks.push(bytes);
    return { name: output.name, datatype: output.datatype, shape: output.shape, parameters: { binary_data_size: bytes.length } };
  });
  const header = Buffer.from(`{${prefix},"outputs":${JSON.stringify(listed)}}`, 'utf8');
  return {
    status: 200,
    headers: { 'content-type': BINARY_CONTENT_TYPE, [BINARY_HEADER_LENGTH]: String(header.length) },
    body: Buffer.concat([header, ...chunks]),
  };
}
