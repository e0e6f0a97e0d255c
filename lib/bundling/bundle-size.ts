/**
 * Measuring a bundle (unzipped bytes, and the zip size estimated by deflating each file) and checking it against a
 * target's limits: Lambda's for a function, none for a container image.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BundleError } from './bundle-error';

/**
 * Largest deployment package Lambda accepts once unzipped (code and layers together): 250 MB = 262,144,000 bytes.
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html ("Deployment package (.zip file archive) size")
 */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 262_144_000;

/**
 * Largest zipped deployment package Lambda accepts when uploaded directly: 50 MB = 52,428,800 bytes (same page).
 * CDK uploads the zip to S3, where Lambda takes larger archives as long as they unzip within
 * {@link LAMBDA_UNZIPPED_LIMIT_BYTES}; the project still keeps the bundle under 50 MB so it can be uploaded by
 * any tool (console, `aws lambda update-function-code --zip-file`) in an incident.
 */
export const LAMBDA_ZIPPED_LIMIT_BYTES = 52_428_800;

/** The size limits of a deployment target; unset limits are not checked. */
export interface BundleSizeLimits {
  /** Largest total size of the files, in bytes. @default - no limit */
  readonly unzippedBytes?: number;
  /** Largest estimated zip size, in bytes. @default - no limit */
  readonly zippedBytes?: number;
}

/** Lambda's limits for a .zip deployment package. */
export const LAMBDA_SIZE_LIMITS: BundleSizeLimits = { unzippedBytes: LAMBDA_UNZIPPED_LIMIT_BYTES, zippedBytes: LAMBDA_ZIPPED_LIMIT_BYTES };

/** Per-file overhead of a zip archive without extra fields: local header (30) + central directory entry (46). */
const ZIP_FILE_OVERHEAD_BYTES = 30 + 46;
/** End of central directory record. */
const ZIP_END_RECORD_BYTES = 22;
/** How many of the largest files a size report lists. */
const LARGEST_FILES_REPORTED = 5;

/** One file of the bundle and its size. */
export interface BundleFileSize {
  /** Path relative to the bundle root, with `/` separators. */
  readonly path: string;
  /** Size on disk (unzipped), in bytes. */
  readonly bytes: number;
  /** Size once deflated (level 6, as zip tools do), in bytes. */
  readonly deflatedBytes: number;
}

/** Measured size of a bundle. */
export interface BundleReport {
  /** Total of the files' sizes, unzipped, in bytes. */
  readonly unzippedBytes: number;
  /** Estimated zip size: every file deflated plus zip headers, in bytes. */
  readonly zippedBytes: number;
  /** Number of files in the bundle. */
  readonly fileCount: number;
  /** The largest files, largest first. */
  readonly largestFiles: readonly BundleFileSize[];
  /** Architecture the bundle was built for (`x86_64` or `arm64`). */
  readonly architecture: string;
}


/** Lists the files under `dir` (relative, `/`-separated, sorted). */
export function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(dir, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** Files from this size up have their deflated size remembered by content ({@link deflatedSize}). */
const REMEMBERED_FROM_BYTES = 1_048_576;
/** Deflated sizes of large files by the SHA-256 of their bytes. */
const deflatedSizes = new Map<string, number>();

/**
 * The size of `bytes` deflated at level 6. One synth copies the same onnxruntime library (46 MB) into each bundle
 * that runs a model (Lambda, batch, container context): it is deflated once (1.4 s of CPU) and each further copy costs
 * a hash (0.03 s). The size depends on the bytes alone, so the result is the same.
 */
function deflatedSize(bytes: Buffer): number {
  if (bytes.byteLength < REMEMBERED_FROM_BYTES) return zlib.deflateRawSync(bytes, { level: 6 }).byteLength;
  const key = createHash('sha256').update(bytes).digest('hex');
  const known = deflatedSizes.get(key);
  if (known !== undefined) return known;
  const size = zlib.deflateRawSync(bytes, { level: 6 }).byteLength;
  deflatedSizes.set(key, size);
  return size;
}

/**
 * Measures a bundle directory: unzipped bytes, and the zip size estimated by deflating every file at level 6
 * (what zip tools and CDK's asset packaging use) plus the zip headers.
 */
export function measureBundle(dir: string, architecture: string): BundleReport {
  const sizes: BundleFileSize[] = listFiles(dir).map((file) => {
    const bytes = fs.readFileSync(path.join(dir, file));
    const deflated = deflatedSize(bytes);
    // Zip stores a file instead of deflating it when deflating does not help.
    return { path: file, bytes: bytes.byteLength, deflatedBytes: Math.min(deflated, bytes.byteLength) };
  });
  const unzippedBytes = sizes.reduce((sum, f) => sum + f.bytes, 0);
  const zippedBytes =
    sizes.reduce((sum, f) => sum + f.deflatedBytes + ZIP_FILE_OVERHEAD_BYTES + 2 * Buffer.byteLength(f.path), 0) +
    ZIP_END_RECORD_BYTES;
  const largestFiles = [...sizes].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)).slice(0, LARGEST_FILES_REPORTED);
  return { unzippedBytes, zippedBytes, fileCount: sizes.length, largestFiles, architecture };
}

/** Formats bytes as MB (10^6) with two decimals and the exact count. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(2)} MB (${bytes.toLocaleString('en-US')} bytes)`;
}


/**
 * Throws a {@link BundleError} naming the measured size, the limit and the largest files when `report` is over one
 * of `limits`; `target` names what the limits are (`Lambda`).
 */
export function assertWithinLimits(report: BundleReport, limits: BundleSizeLimits, target: string): void {
  const problems: string[] = [];
  if (limits.unzippedBytes !== undefined && report.unzippedBytes > limits.unzippedBytes) {
    problems.push(`unzipped size ${formatBytes(report.unzippedBytes)} is over ${target}'s limit of ${formatBytes(limits.unzippedBytes)}`);
  }
  if (limits.zippedBytes !== undefined && report.zippedBytes > limits.zippedBytes) {
    problems.push(`zipped size ${formatBytes(report.zippedBytes)} is over ${target}'s limit of ${formatBytes(limits.zippedBytes)}`);
  }
  if (problems.length > 0) {
    const largest = report.largestFiles.map((f) => `    ${f.path}: ${formatBytes(f.bytes)}`).join('\n');
    throw new BundleError(
      `The ${target} bundle (${report.architecture}) is too large:\n${problems.map((p) => `  - ${p}`).join('\n')}\n  Largest files:\n${largest}`,
    );
  }
}

/** {@link assertWithinLimits} with Lambda's limits. */
export function assertWithinLambdaLimits(report: BundleReport): void {
  assertWithinLimits(report, LAMBDA_SIZE_LIMITS, 'Lambda');
}
