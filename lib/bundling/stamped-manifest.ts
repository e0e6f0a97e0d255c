/**
 * The manifest as a runtime bundle carries it: `model.json`, validated here, and its stamp (`model.json.sha256`), by
 * which the Lambda function reads it at cold start without the schema (lambda/core/manifest-file.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifest, type Manifest } from '../../lambda/core/manifest';
import { MANIFEST_STAMP_SUFFIX, manifestStamp } from '../../lambda/core/manifest-file';
import { MANIFEST_FILE_NAME } from '../../lambda/core/runtime-config';

/**
 * Validates `manifest` (however it was built) and writes it with its stamp into `dir`.
 * @returns the path of `model.json`
 * @throws ManifestError when the schema refuses it
 */
export function writeStampedManifest(dir: string, manifest: Manifest): string {
  const text = `${JSON.stringify(parseManifest(manifest), null, 2)}\n`;
  const file = path.join(dir, MANIFEST_FILE_NAME);
  fs.writeFileSync(file, text);
  fs.writeFileSync(`${file}${MANIFEST_STAMP_SUFFIX}`, `${manifestStamp(text)}\n`);
  return file;
}
