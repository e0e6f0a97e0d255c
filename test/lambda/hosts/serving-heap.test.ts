/**
 * The V8 heap settings of a serving process (lambda/hosts/serving-heap.ts): the old generation's growth set at run
 * time unless the process was started with one, and the start-time flags on every command line that starts a
 * serving process as shipped (`npm start`, the container's ENTRYPOINT; the pool's workers are in worker-pool.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyServingHeapSettings,
  flagGiven,
  SERVING_HEAP_GROWING_PERCENT,
  SERVING_V8_FLAGS,
} from '../../../lambda/hosts/serving-heap';
import { PROJECT_ROOT } from '../../support/app';

describe('the old generation growth, set at run time', () => {
  test('is set to SERVING_HEAP_GROWING_PERCENT', () => {
    const set: string[] = [];
    expect(applyServingHeapSettings(['--enable-source-maps'], (flags) => set.push(flags))).toBe(true);
    expect(set).toEqual([`--heap-growing-percent=${SERVING_HEAP_GROWING_PERCENT}`]);
    expect(SERVING_HEAP_GROWING_PERCENT).toBe(30);
  });

  test.each([['--heap-growing-percent=100'], ['--heap_growing_percent=50'], ['--heap-growing-percent']])(
    'is left as it is when the process was started with %s',
    (flag) => {
      const set: string[] = [];
      expect(applyServingHeapSettings([flag], (flags) => set.push(flags))).toBe(false);
      expect(set).toEqual([]);
    },
  );
});

describe('flagGiven', () => {
  test('finds a flag in the Node.js flags or NODE_OPTIONS, with dashes or underscores, with or without a value', () => {
    expect(flagGiven('--max-semi-space-size', ['--max-semi-space-size=8'])).toBe(true);
    expect(flagGiven('--max-semi-space-size', [], '--inspect --max_semi_space_size=16')).toBe(true);
    expect(flagGiven('--max-semi-space-size', ['--max-semi-space-size'])).toBe(true);
  });

  test('does not take a longer flag, or another one, for it', () => {
    expect(flagGiven('--max-semi-space-size', ['--max-semi-space-size-extra=1', '--min-semi-space-size=1'])).toBe(false);
    expect(flagGiven('--max-semi-space-size', [], '')).toBe(false);
  });
});

describe('the start-time flags on the command lines that start a serving process', () => {
  test("the container's ENTRYPOINT starts node with SERVING_V8_FLAGS", () => {
    const dockerfile = readFileSync(join(PROJECT_ROOT, 'container', 'Dockerfile'), 'utf8');
    const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
    expect(entrypoint).not.toBeNull();
    expect(JSON.parse((entrypoint as RegExpExecArray)[1])).toEqual(['node', ...SERVING_V8_FLAGS, '/opt/program/index.js']);
  });

  test('npm start runs node with SERVING_V8_FLAGS', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start.split(' ').slice(0, SERVING_V8_FLAGS.length + 1)).toEqual(['node', ...SERVING_V8_FLAGS]);
  });
});
