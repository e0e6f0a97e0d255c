/**
 * The one reader of prediction records (`record-format.ts`): captures and ground truth as JSON Lines, from a
 * local folder or an S3 bucket behind the same {@link RecordSource}. The quality job, `modelstack quality-report`
 * and `modelstack shadow-report` all read through it. No CDK, and the S3 SDK is loaded only by the S3 source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as S3 from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { CheckFailure } from '../core/modelstack-error';
import type { CaptureRecord, CapturedPayload, GroundTruthRecord } from './record-format';

/** Raised for a line that is not a prediction record; names the file (or key) and line. */
export class CaptureFormatError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'CaptureFormatError';
  }
}

/** Where records are read from: keys (local paths relative to a root, or S3 keys) and their text. */
export interface RecordSource {
  /** What the source is, for messages (`s3://bucket`, a folder). */
  readonly description: string;
  /** Every `.jsonl` key under `prefix` (`''` for all), sorted. */
  list(prefix: string): Promise<string[]>;
  /** The text of one key. */
  read(key: string): Promise<string>;
}

/** The text of a captured payload. */
export function payloadText(payload: CapturedPayload): string {
  return payload.encoding === 'BASE64' ? Buffer.from(payload.data, 'base64').toString('utf8') : payload.data;
}

function isPayload(value: unknown): value is CapturedPayload {
  const p = value as CapturedPayload | undefined;
  return typeof p === 'object' && p !== null && typeof p.data === 'string' && ['JSON', 'CSV', 'BASE64'].includes(p.encoding);
}

function jsonLines(text: string, source: string, each: (value: unknown, where: string) => void): void {
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CaptureFormatError(`${where}: not JSON`);
    }
    each(value, where);
  });
}

/** Where each parsed capture record was read from (`<file>:<line>`), for messages about its contents. */
const locations = new WeakMap<CaptureRecord, string>();

/** The `<file>:<line>` a capture record was read from, when it was read by {@link parseCaptureLines}. */
export function recordLocation(record: CaptureRecord): string | undefined {
  return locations.get(record);
}

/** Parses one JSON Lines file of captured predictions. */
export function parseCaptureLines(text: string, source: string): CaptureRecord[] {
  const records: CaptureRecord[] = [];
  jsonLines(text, source, (value, where) => {
    const record = value as CaptureRecord;
    const data = record?.captureData;
    if (typeof record?.eventMetadata?.eventId !== 'string' || typeof data !== 'object' || data === null) {
      throw new CaptureFormatError(`${where}: not a SageMaker capture record (captureData and eventMetadata.eventId are required)`);
    }
    for (const side of ['endpointInput', 'endpointOutput'] as const) {
      if (data[side] !== undefined && !isPayload(data[side])) {
        throw new CaptureFormatError(`${where}: captureData.${side} must have data and encoding JSON, CSV or BASE64`);
      }
    }
    locations.set(record, where);
    records.push(record);
  });
  return records;
}

/** Parses one JSON Lines file of ground-truth labels. */
export function parseGroundTruthLines(text: string, source: string): GroundTruthRecord[] {
  const records: GroundTruthRecord[] = [];
  jsonLines(text, source, (value, where) => {
    const record = value as GroundTruthRecord;
    const data = record?.groundTruthData;
    if (typeof record?.eventMetadata?.eventId !== 'string' || typeof data?.data !== 'string' || !['CSV', 'JSON'].includes(data.encoding)) {
      throw new CaptureFormatError(
        `${where}: not a SageMaker ground-truth record (groundTruthData.data as text, groundTruthData.encoding CSV or JSON, and eventMetadata.eventId are required)`,
      );
    }
    records.push(record);
  });
  return records;
}

/** A folder (or one file) on disk; keys are paths relative to `root` with `/`. */
export function localRecordSource(root: string): RecordSource {
  const base = path.resolve(root);
  const walk = (dir: string, out: string[]): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, out);
      else if (entry.name.endsWith('.jsonl')) out.push(path.relative(base, full).split(path.sep).join('/'));
    }
  };
  return {
    description: base,
    list: async (prefix) => {
      if ((await fs.promises.stat(base)).isFile()) return [''];
      const keys: string[] = [];
      walk(base, keys);
      return keys.filter((key) => key.startsWith(prefix)).sort();
    },
    read: (key) => fs.promises.readFile(key === '' ? base : path.join(base, key), 'utf8'),
  };
}

/** A bucket, read with `client` (made with timeouts, e.g. by `createModelS3Client`). */
export function s3RecordSource(client: S3Client, bucket: string): RecordSource {
  // Loaded here only, so the local readers (CLI) never load the SDK.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GetObjectCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3') as typeof S3;
  return {
    description: `s3://${bucket}`,
    list: async (prefix) => {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key?.endsWith('.jsonl') === true) keys.push(object.Key);
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
      return keys.sort();
    },
    read: async (key) => {
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (object.Body === undefined) throw new CaptureFormatError(`s3://${bucket}/${key}: empty response body`);
      return object.Body.transformToString('utf8');
    },
  };
}

/** Every capture record under `prefix`, with the key it was read from. */
export async function readCaptures(source: RecordSource, prefix = ''): Promise<Array<{ readonly key: string; readonly record: CaptureRecord }>> {
  const out: Array<{ key: string; record: CaptureRecord }> = [];
  for (const key of await source.list(prefix)) {
    for (const record of parseCaptureLines(await source.read(key), `${source.description}/${key}`)) out.push({ key, record });
  }
  return out;
}

/** Every ground-truth record under `prefix`. */
export async function readGroundTruth(source: RecordSource, prefix = ''): Promise<GroundTruthRecord[]> {
  const out: GroundTruthRecord[] = [];
  for (const key of await source.list(prefix)) out.push(...parseGroundTruthLines(await source.read(key), `${source.description}/${key}`));
  return out;
}
