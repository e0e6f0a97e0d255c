/**
 * Reading `model.json`, and the stamp that lets a host skip validating it again.
 *
 * The stack validates the manifest at synth and writes it into the function's bundle with a stamp next to it
 * (`model.json.sha256`): the SHA-256 of the validated text, bound to this runtime's schema. The Lambda function
 * reads it with {@link readStampedManifest}: parsed as it is when the stamp matches, without loading the schema (zod
 * and the manifest's rules were most of a cold start), and refused when it does not (the file was changed after
 * synth, or comes from another version of modelstack): the function's bundle holds no schema to check it with.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Manifest } from './manifest';
import { ManifestError } from './manifest-error';

/** The stamp's file name next to the manifest: `model.json.sha256`. */
export const MANIFEST_STAMP_SUFFIX = '.sha256';
/**
 * Bound into every stamp: a stamp written against another revision of the manifest schema does not match, and the
 * manifest is validated in full. Bump it whenever the schema or its defaults change.
 */
const STAMP_CONTEXT = 'modelstack manifest validated against schema revision 1\n';

/** The stamp of a manifest's text, validated: hex SHA-256 of the schema revision and the text. */
export function manifestStamp(text: string): string {
  return createHash('sha256').update(STAMP_CONTEXT).update(text).digest('hex');
}

/** Why the manifest cannot be read, saying what to do when it is simply not there. */
function manifestUnreadable(path: string, error: unknown): string {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot be read: ${(error as Error).message}`;
  const model = join(dirname(path), 'model.onnx');
  return existsSync(model)
    ? `does not exist, but ${model} does: write the manifest with "modelstack init ${model} --data <train.csv> --target <column>", review it, then try again`
    : 'does not exist: a model directory holds model.json (the manifest) and model.onnx';
}

/**
 * The manifest file's text.
 * @throws ManifestError when it cannot be read, saying what to do when it does not exist
 */
export async function readManifestText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestError(path, [manifestUnreadable(path, error)]);
  }
}

/** The stamp next to `path`, or `undefined` when there is none. */
function readStamp(path: string): string | undefined {
  try {
    return readFileSync(`${path}${MANIFEST_STAMP_SUFFIX}`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Reads a manifest the stack validated at synth, vouched for by its stamp.
 * @returns a promise rejected with a ManifestError when it cannot be read, has no stamp, or no longer matches its stamp
 */
export function readStampedManifest(path: string): Promise<Manifest> {
  return new Promise((resolve) => resolve(stampedManifest(path)));
}

/**
 * The two small files are read synchronously: at a cold start an asynchronous read waited for libuv's thread pool to
 * start, and loaded `node:fs/promises`, while nothing else was left to do.
 */
function stampedManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ManifestError(path, [manifestUnreadable(path, error)]);
  }
  const stamp = readStamp(path);
  if (stamp === undefined) {
    throw new ManifestError(path, [
      `has no stamp (${path}${MANIFEST_STAMP_SUFFIX}): the function reads only a manifest the stack validated at synth; deploy the model through the stack (or bundleRuntime), which validates and stamps it`,
    ]);
  }
  if (stamp !== manifestStamp(text)) {
    throw new ManifestError(path, [
      `does not match its stamp (${path}${MANIFEST_STAMP_SUFFIX}): it was changed after the stack validated it, or was stamped by another version of modelstack; deploy it again through the stack, which validates it`,
    ]);
  }
  return JSON.parse(text) as Manifest;
}
