/**
 * The runtime's hosts bundled once, when the package is built (`npm run build`), into `dist/bundles/<name>/`. A
 * user's synth copies them instead of running esbuild on TypeScript sources the package does not ship. From the
 * sources (this repository, tests) there is no prebuilt folder, and the same bundle is built by esbuild instead:
 * the files are byte-identical either way, so the asset hashes are too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The compiled tree's root: `lib/bundling/../..` (the repository from the sources, `dist/` when installed). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The runtime's hosts that are prebuilt. */
export const RUNTIME_HOSTS = ['lambda-handler', 'container', 'batch-handler', 'quality-handler'] as const;

/** One of {@link RUNTIME_HOSTS}. */
export type RuntimeHost = (typeof RUNTIME_HOSTS)[number];

/** Where prebuilt bundles live under a compiled tree's root. */
export const PREBUILT_BUNDLES_FOLDER = 'bundles';

/**
 * A prebuilt bundle's `node_modules/` (the packages bundled apart from `index.js`) is shipped under this name: npm
 * leaves every `node_modules` folder out of a published package. Copying a prebuilt bundle restores the name.
 */
export const PREBUILT_PACKAGES_FOLDER = 'packages';

/** The TypeScript entry of `host` under `projectRoot` (a path that exists only in the sources). */
export function hostEntry(host: RuntimeHost, projectRoot: string = PROJECT_ROOT): string {
  return path.join(projectRoot, 'lambda', 'hosts', `${host}.ts`);
}

/** The folder name of a prebuilt bundle: the host, and whether the AWS SDK is left to the Lambda runtime. */
export function prebuiltBundleName(host: RuntimeHost, bundleAwsSdk: boolean): string {
  return bundleAwsSdk ? host : `${host}-external-sdk`;
}

/**
 * Every prebuilt bundle the package ships: the Lambda handler with and without the AWS SDK, the container, the batch
 * function's handler, the quality job's handler.
 */
export function prebuiltBundleVariants(): Array<{ readonly name: string; readonly host: RuntimeHost; readonly bundleAwsSdk: boolean }> {
  const variants: Array<{ host: RuntimeHost; bundleAwsSdk: boolean }> = [
    { host: 'lambda-handler', bundleAwsSdk: true },
    { host: 'lambda-handler', bundleAwsSdk: false },
    { host: 'container', bundleAwsSdk: true },
    { host: 'batch-handler', bundleAwsSdk: true },
    { host: 'quality-handler', bundleAwsSdk: true },
  ];
  return variants.map((variant) => ({ ...variant, name: prebuiltBundleName(variant.host, variant.bundleAwsSdk) }));
}

/**
 * The prebuilt folder for `entry` when it is one of the package's hosts and the package was built; `undefined`
 * for a custom entry or when running from the sources.
 */
export function findPrebuiltBundle(entry: string, bundleAwsSdk: boolean, projectRoot: string = PROJECT_ROOT): string | undefined {
  const host = RUNTIME_HOSTS.find((candidate) => path.resolve(entry) === hostEntry(candidate, projectRoot));
  if (host === undefined) return undefined;
  const dir = path.join(projectRoot, PREBUILT_BUNDLES_FOLDER, prebuiltBundleName(host, bundleAwsSdk));
  return fs.existsSync(dir) ? dir : undefined;
}

/** Copies a prebuilt host (`index.js`, its source map, the packages bundled apart) into `outputDir`. */
export function copyPrebuiltBundle(prebuilt: string, outputDir: string): void {
  for (const entry of fs.readdirSync(prebuilt)) {
    const target = entry === PREBUILT_PACKAGES_FOLDER ? 'node_modules' : entry;
    fs.cpSync(path.join(prebuilt, entry), path.join(outputDir, target), { recursive: true });
  }
}
