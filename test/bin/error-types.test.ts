/**
 * Every error class the sources declare carries its exit code in its type: it extends ModelstackError (directly
 * or through CheckFailure), so none can fall through to "exit 3, a bug" unless it is one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { exitCodeOf, EXIT_CHECK_FAILED } from '../../bin/cli-contract';
import { DriftBaselineError } from '../../lib/evaluation/drift-baseline';
import { PromotionGateError } from '../../lib/evaluation/promotion-gate';
import { CaptureFormatError } from '../../lib/shadow/capture-records';
import { PROJECT_ROOT } from '../support/app';

/**
 * Errors that never reach the CLI: an HTTP error is answered with its status by the router; a retryable model load is
 * answered 503 by the app; the plain configuration reader's signal to leave the environment to the schemas is caught
 * where it is thrown.
 */
const NOT_CLI_ERRORS = ['HttpError', 'RetryableLoadFailure', 'NotPlain'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

test('Given the sources, when their classes extending Error are listed, then only the ModelstackError base and errors that never reach the CLI extend it directly', () => {
  const direct = ['bin', 'lib', 'lambda', 'config'].flatMap((dir) => sources(join(PROJECT_ROOT, dir))).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((match) => `${relative(PROJECT_ROOT, file)}: ${match[1]}`),
  );
  expect(direct.filter((entry) => !NOT_CLI_ERRORS.some((name) => entry.endsWith(`: ${name}`)))).toEqual(['lambda/core/modelstack-error.ts: ModelstackError']);
});

test.each([
  ['PromotionGateError', new PromotionGateError('prod', ['evaluation.json does not exist'])],
  ['DriftBaselineError', new DriftBaselineError('evaluation.json', ['predictionDistribution is not an object'])],
  ['CaptureFormatError', new CaptureFormatError('capture.jsonl:1: not JSON')],
])('Given a %s, when a command fails with it, then it exits 1 (a failed check), not 3', (_name, error) => {
  expect(exitCodeOf(error)).toBe(EXIT_CHECK_FAILED);
});
