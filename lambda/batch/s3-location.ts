/** `s3://bucket/key` locations of a batch run, and the check that a run stays inside the locations it was given. */
import { BatchInputError } from './batch-layout';

export interface S3Location {
  readonly bucket: string;
  /** Key, or key prefix (may be empty). */
  readonly key: string;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.*)$/;

/** @throws BatchInputError naming `what` and the value when it is not `s3://bucket/key` */
export function parseS3Uri(uri: string, what: string): S3Location {
  const match = S3_URI.exec(uri);
  if (match === null) throw new BatchInputError(`${what}: ${JSON.stringify(uri)} is not allowed; expected s3://<bucket>/<key or prefix>`);
  return { bucket: match[1], key: match[2] };
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}

/**
 * @throws BatchInputError when `location` is not inside `allowed` (the prefix the function's role may use: IAM
 * would refuse it anyway, with a less helpful AccessDenied)
 */
export function checkInside(location: S3Location, allowed: S3Location | undefined, what: string): void {
  if (allowed === undefined) return;
  if (location.bucket !== allowed.bucket || !location.key.startsWith(allowed.key)) {
    throw new BatchInputError(`${what}: ${formatS3Uri(location)} is not allowed; expected a location under ${formatS3Uri(allowed)}`);
  }
}

/** The output prefix with exactly one trailing slash (an empty prefix stays empty). */
export function asPrefix(key: string): string {
  return key === '' || key.endsWith('/') ? key : `${key}/`;
}
