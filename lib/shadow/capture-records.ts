/**
 * SageMaker data capture files, read offline: JSON Lines, one record per request, as SageMaker writes them under
 * `<destination>/<endpoint>/<variant>/<yyyy>/<mm>/<dd>/<hh>/<file>.jsonl`:
 *
 * `{"captureData": {"endpointInput": {"observedContentType", "mode": "INPUT", "data", "encoding"},
 *   "endpointOutput": {...}}, "eventMetadata": {"eventId", "inferenceTime", "inferenceId"?}, "eventVersion": "0"}`
 *
 * `encoding` is `JSON` or `CSV` (data is the text) or `BASE64` (data is base64 of the bytes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import type { CaptureRecord, CapturedPayload } from '../../lambda/records/record-format';

export type { CaptureRecord, CapturedPayload };

/** A record with the variant it was captured from and where it was read. */
export interface VariantRecord {
  readonly variant: string;
  readonly source: string;
  readonly record: CaptureRecord;
}

/** Raised for a file or line that is not SageMaker capture data; names the file and line. */
export class CaptureFormatError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}

/** The text of a captured payload. */
export function payloadText(payload: CapturedPayload): string {
  return payload.encoding === 'BASE64' ? Buffer.from(payload.data, 'base64').toString('utf8') : payload.data;
}

function isPayload(value: unknown): value is CapturedPayload {
  const p = value as CapturedPayload | undefined;
  return typeof p === 'object' && p !== null && typeof p.data === 'string' && ['JSON', 'CSV', 'BASE64'].includes(p.encoding);
}

/** Parses one JSON Lines file. */
export function parseCaptureLines(text: string, source: string): CaptureRecord[] {
  const records: CaptureRecord[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CaptureFormatError(`${source}:${index + 1}: not JSON`);
    }
    const record = value as CaptureRecord;
    const data = record?.captureData;
    if (typeof record?.eventMetadata?.eventId !== 'string' || typeof data !== 'object' || data === null) {
      throw new CaptureFormatError(`${source}:${index + 1}: not a SageMaker capture record (captureData and eventMetadata.eventId are required)`);
    }
    for (const side of ['endpointInput', 'endpointOutput'] as const) {
      if (data[side] !== undefined && !isPayload(data[side])) {
        throw new CaptureFormatError(`${source}:${index + 1}: captureData.${side} must have data and encoding JSON, CSV or BASE64`);
      }
    }
    records.push(record);
  });
  return records;
}

/** Every `.jsonl` file under `paths` (files or directories), sorted. */
export function captureFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (entry: string): void => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry).sort()) walk(path.join(entry, child));
    } else if (entry.endsWith('.jsonl') || paths.includes(entry)) {
      files.push(entry);
    }
  };
  for (const entry of paths) walk(entry);
  return files;
}

/**
 * Reads the records of `files`, each assigned to the variant named by a directory of its path (SageMaker's
 * layout); files under neither variant are skipped.
 */
export function readVariantRecords(files: readonly string[], variants: readonly string[]): VariantRecord[] {
  const out: VariantRecord[] = [];
  for (const file of files) {
    const segments = path.resolve(file).split(path.sep);
    const variant = [...segments].reverse().find((segment) => variants.includes(segment));
    if (variant === undefined) continue;
    for (const record of parseCaptureLines(fs.readFileSync(file, 'utf8'), file)) out.push({ variant, source: file, record });
  }
  return out;
}
