/**
 * Policy hangs off an environment's `protection`, never its name: no environment-name literal may decide anything
 * in the stack, the app or the config loader (config/environments.ts is where names are defined).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../support/app';

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(PROJECT_ROOT, path.join(entry.parentPath, entry.name)));
}

test('No file in lib/, bin/ or config/load.ts compares against an environment name literal', () => {
  const files = [...sources('lib'), ...sources('bin'), 'config/load.ts', 'config/schema.ts'];
  const offenders = files.flatMap((file) =>
    fs
      .readFileSync(path.join(PROJECT_ROOT, file), 'utf8')
      .split('\n')
      .map((line, index) => ({ file, line: index + 1, text: line.trim() }))
      .filter(({ text }) => /(['"`])(prod|staging|dev)\1/.test(text) && !/^(\/\*|\*|\/\/)/.test(text)),
  );
  expect(offenders).toEqual([]);
});
