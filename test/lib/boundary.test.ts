/**
 * The construct library's import boundary: nothing under lib/ imports the config format (config/) or the CLI
 * (bin/), so the constructs work from typed props in any app. The one exception is lib/index.ts, the package's
 * entry, which re-exports the config's types for apps that keep environments the way this repository does.
 */
import { join } from 'node:path';
import { checkImportBoundary, formatViolations } from '../support/import-boundary';

const PROJECT_ROOT = join(__dirname, '..', '..');
/** The entry point, allowed to re-export the config (and nothing else is). */
const PACKAGE_ENTRY = 'lib/index.ts';

describe('Given the construct library under lib/', () => {
  const report = checkImportBoundary({ root: PROJECT_ROOT, folder: 'lib', forbiddenPackages: [], forbiddenFolders: ['config', 'bin'] });

  test('When its import graph is read, then no file but the package entry imports config/ or bin/', () => {
    expect(formatViolations(report.violations.filter((violation) => violation.file !== PACKAGE_ENTRY))).toEqual([]);
  });

  test("When the package entry is read, then it takes only the config's public modules", () => {
    const fromConfig = report.violations.filter((violation) => violation.file === PACKAGE_ENTRY).map((violation) => violation.specifier);
    expect(new Set(fromConfig)).toEqual(new Set(['../config/schema', '../config/sagemaker-schema', '../config/load', '../config/endpoint-props']));
  });

  test('When its import graph is read, then the constructs and their imports are seen (the check is not vacuous)', () => {
    expect(report.files).toEqual(expect.arrayContaining(['lib/model-stack.ts', 'lib/model-endpoint.ts', 'lib/lambda-inference.ts', 'lib/cost/traffic-profile.ts']));
    const specifiers = new Set(report.edges.map((edge) => edge.specifier));
    expect(specifiers).toContain('./model-endpoint');
  });
});
