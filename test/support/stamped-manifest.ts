/** A model's manifest as the Lambda bundle carries it (validated and stamped), in a temp dir, for handler tests. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest } from '../../lambda/core/manifest';
import { writeStampedManifest } from '../../lib/bundling/stamped-manifest';

/** Writes `modelDir/model.json`, validated and stamped, into a new temp dir; returns its path (the caller removes it). */
export function stampedManifestOf(modelDir: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-stamped-manifest-'));
  return writeStampedManifest(dir, parseManifest(JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8'))));
}
