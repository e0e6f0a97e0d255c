/** Writes ground truth into a records bucket: one JSON Lines object under `ground-truth/<yyyy>/<mm>/<dd>/<hh>/`. */
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { hourFolder, RECORD_PREFIXES, type GroundTruthRecord } from '../../lambda/records/record-format';
import { groundTruthJsonLines } from './ground-truth-labels';

/** Where an upload went. */
export interface GroundTruthUpload {
  readonly bucket: string;
  readonly key: string;
  readonly count: number;
}

/** The key of an upload made at `at` (the hour of the upload: labels arrive late, the reader joins by id). */
export function groundTruthKey(at: Date): string {
  const stamp = at.toISOString().replace(/[-:.]/g, '');
  return `${RECORD_PREFIXES.groundTruth}${hourFolder(at)}labels-${stamp}-${randomBytes(4).toString('hex')}.jsonl`;
}

/** Puts `records` as one object; the bucket's default encryption (the records key) applies. */
export async function uploadGroundTruth(
  client: Pick<S3Client, 'send'>,
  bucket: string,
  records: readonly GroundTruthRecord[],
  at: Date = new Date(),
): Promise<GroundTruthUpload> {
  const key = groundTruthKey(at);
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: groundTruthJsonLines(records), ContentType: 'application/jsonl' }));
  return { bucket, key, count: records.length };
}
