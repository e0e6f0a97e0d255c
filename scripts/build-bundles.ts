/**
 * Prebuilds the runtime's hosts into `dist/bundles/<name>/` (after `tsc -p tsconfig.build.json`), so a user's
 * synth copies them instead of bundling TypeScript the package does not ship (`lib/bundling/prebuilt-bundle.ts`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntry } from '../lib/bundling/esbuild-entry';
import { hostEntry, PREBUILT_BUNDLES_FOLDER, prebuiltBundleVariants, PROJECT_ROOT } from '../lib/bundling/prebuilt-bundle';

const out = join(PROJECT_ROOT, 'dist', PREBUILT_BUNDLES_FOLDER);
rmSync(out, { recursive: true, force: true });
for (const variant of prebuiltBundleVariants()) {
  bundleEntry(hostEntry(variant.host), join(out, variant.name), PROJECT_ROOT, variant.bundleAwsSdk);
  process.stdout.write(`bundled ${variant.name}\n`);
}
