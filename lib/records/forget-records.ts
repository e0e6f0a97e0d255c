/**
 * Deleting a person's prediction records by id (`modelstack forget`): every object under `capture/` and
 * `ground-truth/` is read, the lines whose id is one of the given ones are left out, and an object that changed is
 * written back (an object left empty is deleted). In a versioned bucket the version that held the data is deleted
 * too, so nothing waits for the noncurrent-version expiry. A capture record matches by `eventMetadata.inferenceId`,
 * a ground-truth record by `eventMetadata.eventId`; a batch instance's id `<id>#<i>` matches `<id>`, whose record
 * holds the whole batch.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PREDICTION_INDEX_SEPARATOR, RECORD_PREFIXES } from '../../lambda/records/record-format';

/** What was removed. */
export interface ForgetResult {
  /** Objects read. */
  readonly scanned: number;
  /** Objects rewritten without the matching lines, or deleted when nothing was left. */
  readonly changed: readonly string[];
  /** Lines removed. */
  readonly removedLines: number;
}

function requestIdOf(id: string): string {
  const at = id.indexOf(PREDICTION_INDEX_SEPARATOR);
  return at < 0 ? id : id.slice(0, at);
}

/** Whether a record line belongs to one of `ids` (request-level ids); lines that are not JSON are kept. */
function matches(line: string, ids: ReadonlySet<string>): boolean {
  try {
    const record = JSON.parse(line) as { eventMetadata?: { inferenceId?: unknown; eventId?: unknown } };
    const id = record.eventMetadata?.inferenceId ?? record.eventMetadata?.eventId;
    return typeof id === 'string' && ids.has(requestIdOf(id));
  } catch {
    return false;
  }
}

async function keysUnder(client: Pick<S3Client, 'send'>, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

/** Removes the records of `ids` (prediction or inference ids) from the bucket's captures and ground truth. */
export async function forgetRecords(client: Pick<S3Client, 'send'>, bucket: string, ids: readonly string[]): Promise<ForgetResult> {
  const wanted = new Set(ids.map(requestIdOf));
  const changed: string[] = [];
  let scanned = 0;
  let removedLines = 0;
  for (const prefix of [RECORD_PREFIXES.capture, RECORD_PREFIXES.groundTruth]) {
    for (const key of await keysUnder(client, bucket, prefix)) {
      scanned++;
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = (await object.Body?.transformToString()) ?? '';
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      const kept = lines.filter((line) => !matches(line, wanted));
      if (kept.length === lines.length) continue;
      removedLines += lines.length - kept.length;
      changed.push(key);
      if (kept.length === 0) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      else await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${kept.join('\n')}\n`, ContentType: object.ContentType }));
      // The version that held the data, when the bucket keeps versions.
      if (object.VersionId !== undefined && object.VersionId !== 'null') {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: object.VersionId }));
      }
    }
  }
  return { scanned, changed, removedLines };
}
