/**
 * The settings every modelstack bucket gets, written once (cited by the README's "Default settings"):
 * versioning, all four public-access blocks, TLS-only with TLS 1.2 at least, ACLs disabled. Encryption differs
 * per bucket (SSE-KMS for data, SSE-S3 where S3 server access logging must deliver), so callers add it.
 */
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Secure settings shared by every bucket. */
export const SECURE_BUCKET_DEFAULTS = {
  versioned: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const satisfies Partial<s3.BucketProps>;

/** A bucket holding data: SSE-KMS with `key` and an S3 Bucket Key (fewer KMS requests), plus the secure defaults. */
export function dataBucketProps(key: s3.BucketProps['encryptionKey']): s3.BucketProps {
  return { ...SECURE_BUCKET_DEFAULTS, encryption: s3.BucketEncryption.KMS, encryptionKey: key, bucketKeyEnabled: true };
}

/**
 * A bucket receiving S3 server access logs: SSE-S3, because server access logging only delivers to target
 * buckets encrypted with S3-managed keys, plus the secure defaults.
 */
export function accessLogBucketProps(): s3.BucketProps {
  return { ...SECURE_BUCKET_DEFAULTS, encryption: s3.BucketEncryption.S3_MANAGED };
}
