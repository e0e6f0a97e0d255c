/**
 * Prebuilds the runtime's hosts into `dist/bundles/<name>/` (after `tsc -p tsconfig.build.json`), so a user's
 * synth copies them instead of bundling TypeScript the package does not ship (`lib/bundling/prebuilt-bundle.ts`).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleEntry } from '../lib/bundling/esbuild-entry';
import { hostEntry, PREBUILT_BUNDLES_FOLDER, PREBUILT_PACKAGES_FOLDER, prebuiltBundleVariants, PROJECT_ROOT } from '../lib/bundling/prebuilt-bundle';

const out = join(PROJECT_ROOT, 'dist', PREBUILT_BUNDLES_FOLDER);
rmSync(out, { recursive: true, force: true });
for (const variant of prebuiltBundleVariants()) {
  const dir = join(out, variant.name);
  bundleEntry(hostEntry(variant.host), dir, PROJECT_ROOT, variant.bundleAwsSdk);
  if (existsSync(join(dir, 'node_modules'))) renameSync(join(dir, 'node_modules'), join(dir, PREBUILT_PACKAGES_FOLDER));
  process.stdout.write(`bundled ${variant.name}\n`);
}
