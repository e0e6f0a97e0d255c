/**
 * What `modelstack serve` loads at start-up (start-up time: see docs/performance.md): a fresh process (tsx) loads
 * the serve command's module and lists the modules it loaded. The configuration's schemas (zod/mini and
 * `lambda/core/runtime-config`, which the Lambda function and the container read) are not among them: a server
 * needs only the runtime's limits and names (`lambda/core/runtime-defaults`).
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/app';
import { runInFreshProcess } from '../support/fresh-process';


/** The modules, relative to the repository, that requiring `modulePath` (relative to it) loads in a fresh process. */
function modulesLoadedBy(modulePath: string): string[] {
  const script =
    `require(${JSON.stringify(join(PROJECT_ROOT, modulePath))});` +
    `process.stdout.write(JSON.stringify(Object.keys(require.cache).map((k) => require('node:path').relative(${JSON.stringify(PROJECT_ROOT)}, k))));`;
  return JSON.parse(runInFreshProcess(script)) as string[];
}

describe('Given the serve command', () => {
  const loaded = modulesLoadedBy('bin/commands/serve.ts');

  test('when its module loads, then the local server and the manifest schema load with it (the list is not vacuous)', () => {
    expect(loaded).toEqual(expect.arrayContaining(['lambda/hosts/local-server.ts', 'lambda/core/manifest.ts', 'lambda/core/runtime-defaults.ts']));
  });

  test('when its module loads, then neither the configuration schemas nor zod/mini do', () => {
    expect(loaded.filter((file) => file.endsWith('lambda/core/runtime-config.ts') || file.includes('zod/v4/mini/'))).toEqual([]);
  });
});
