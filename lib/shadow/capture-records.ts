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
import { parseCaptureLines } from '../../lambda/records/record-reader';
import type { CaptureRecord, CapturedPayload } from '../../lambda/records/record-format';

// The one reader of prediction records lives in the runtime tree (the quality job uses it too).
export { CaptureFormatError, parseCaptureLines, payloadText } from '../../lambda/records/record-reader';
export type { CaptureRecord, CapturedPayload };

/** A record with the variant it was captured from and where it was read. */
export interface VariantRecord {
  readonly variant: string;
  readonly source: string;
  readonly record: CaptureRecord;
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
