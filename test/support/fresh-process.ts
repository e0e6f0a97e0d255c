/**
 * Runs a script in a fresh Node.js process with TypeScript loaded through tsx, from the repository's root, with
 * only PATH and HOME in its environment: what a module loads at start, seen from outside the test's own registry.
 */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from './app';

/** The script's standard output; fails the test when the process writes to standard error. */
export function runInFreshProcess(script: string): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  return result.stdout;
}
