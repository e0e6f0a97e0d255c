/**
 * The requests tritonclient's HTTP client sent with its default settings (binary tensors), as recorded by
 * examples/make_tritonclient_fixtures.py, replayed as the runtime's requests; and a reader of binary answers that
 * follows the extension's layout (the Python check script decodes them with tritonclient's own parser too).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HttpRequest, HttpResponse } from '../../lambda/serving/contract';

const FIXTURES = join(__dirname, '..', 'fixtures', 'tritonclient');

export interface Recorded {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly header: Record<string, unknown>;
  readonly body: Buffer;
}

export function recorded(name: string): Recorded {
  const meta = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Omit<Recorded, 'body'>;
  return { ...meta, body: readFileSync(join(FIXTURES, `${name}.bin`)) };
}

/** The recording as a request, with `body` (and the header length) replaced when given. */
export function replay(fixture: Recorded, body: Buffer = fixture.body, headerLength?: number): HttpRequest {
  const length = headerLength ?? Number(fixture.headers['inference-header-content-length']);
  return { method: 'POST', path: fixture.path, headers: { 'inference-header-content-length': String(length) }, body };
}

/** A body made of a JSON header and raw bytes; returns it with the header's length. */
export function binaryBody(header: unknown, ...tensors: Buffer[]): { body: Buffer; length: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...tensors]), length: json.length };
}

export interface DecodedOutput {
  readonly name: string;
  readonly datatype: string;
  readonly shape: number[];
  readonly data: Array<string | number>;
}

/** The outputs of a binary answer, the binary ones decoded (FP32, BYTES). */
export function decodeAnswer(response: HttpResponse): { header: Record<string, unknown>; outputs: DecodedOutput[] } {
  const body = response.body as Buffer;
  const length = Number(response.headers['inference-header-content-length']);
  const header = JSON.parse(body.toString('utf8', 0, length)) as Record<string, unknown>;
  let offset = length;
  const outputs = (header.outputs as Array<DecodedOutput & { parameters?: { binary_data_size: number } }>).map((o) => {
    if (o.parameters === undefined) return o;
    const bytes = body.subarray(offset, offset + o.parameters.binary_data_size);
    offset += bytes.length;
    const data: Array<string | number> = [];
    if (o.datatype === 'FP32') for (let i = 0; i < bytes.length; i += 4) data.push(bytes.readFloatLE(i));
    else for (let i = 0; i < bytes.length; ) {
      const n = bytes.readUInt32LE(i);
      data.push(bytes.toString('utf8', i + 4, i + 4 + n));
      i += 4 + n;
    }
    return { name: o.name, datatype: o.datatype, shape: o.shape, data };
  });
  expect(offset).toBe(body.length);
  return { header, outputs };
}
