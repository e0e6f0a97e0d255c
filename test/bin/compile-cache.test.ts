/**
 * The CLI turns V8's compile cache on (Node.js 22.1 and later), before its own modules and packages load.
 * This machine's Node.js may predate the API, so the child process below provides it and records the call.
 */
import { join } from 'node:path';
import { enableCompileCache } from '../../bin/compile-cache';
import { PROJECT_ROOT } from '../support/app';
import { runInFreshProcess } from '../support/fresh-process';

describe('Given the compile cache', () => {
  test('When node:module has enableCompileCache, then it is called once, with the default directory', () => {
    const enable = jest.fn();
    expect(enableCompileCache({ enableCompileCache: enable })).toBe(true);
    expect(enable).toHaveBeenCalledTimes(1);
    expect(enable).toHaveBeenCalledWith();
  });

  test('When the Node.js version has no enableCompileCache, then nothing happens', () => {
    expect(enableCompileCache({})).toBe(false);
  });

  test('When the cache cannot be set up, then the CLI still starts', () => {
    const enable = jest.fn(() => {
      throw new Error('EROFS: read-only file system');
    });
    expect(enableCompileCache({ enableCompileCache: enable })).toBe(true);
  });

  test('When the CLI entry loads, then the cache is turned on before commander or any command loads', () => {
    const script = [
      "const m = require('node:module');",
      'const seen = [];',
      'm.enableCompileCache = () => seen.push(Object.keys(require.cache).filter((k) => /commander|cli-contract|lambda/.test(k)).length);',
      `require(${JSON.stringify(join(PROJECT_ROOT, 'bin', 'modelstack.ts'))});`,
      'process.stdout.write(JSON.stringify(seen));',
    ].join('\n');
    // Called once, when none of the CLI's other modules was loaded yet.
    expect(JSON.parse(runInFreshProcess(script))).toEqual([0]);
  });
});
