/**
 * Where the modelstack package lives, the same from the sources (`lib/`) and from the compiled package
 * (`dist/lib/`): the nearest folder above this file whose `package.json` is named `modelstack`. Files shipped
 * beside the code (the price table, the Dockerfile) are found from it, never from the user's working directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'modelstack';

function nameAt(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME ? PACKAGE_NAME : undefined;
}

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (nameAt(dir) !== undefined) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named '${PACKAGE_NAME}' above ${start}: the modelstack installation is incomplete`);
  }
}

/** The package's root folder (holds `package.json`, `pricing/`, `container/`). */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** The package's version, from its `package.json`. */
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
