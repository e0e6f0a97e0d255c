/**
 * The runtime's import boundary, as a test instead of a banner in every file: nothing under lambda/ imports the
 * CDK (aws-cdk-lib and its subpaths, constructs, cdk-nag, the aws-cdk CLI, @aws-cdk/*) or anything in the stack's
 * folders (lib/, config/, bin/). The runtime ships in the Lambda bundle and the container, without them. And its
 * layers depend one way only: hosts -> serving -> core.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImportBoundary, formatViolations, runtimeBoundary } from '../support/import-boundary';

const PROJECT_ROOT = join(__dirname, '..', '..');

const FIXTURES = join(__dirname, '..', 'fixtures', 'boundary');

describe('Given the runtime under lambda/', () => {
  const report = checkImportBoundary(runtimeBoundary(PROJECT_ROOT));

  test('when its import graph is read, then no file crosses the boundary', () => {
    expect(formatViolations(report.violations)).toEqual([]);
  });

  test('when its import graph is read, then every file and its imports are seen (the check is not vacuous)', () => {
    expect(report.files).toEqual(expect.arrayContaining(['lambda/hosts/lambda-handler.ts', 'lambda/serving/app.ts', 'lambda/core/model.ts']));
    expect(report.files.length).toBeGreaterThanOrEqual(25);
    const specifiers = new Set(report.edges.map((edge) => edge.specifier));
    for (const specifier of ['onnxruntime-node', '@aws-lambda-powertools/metrics', '../serving/app', './feature-rules']) {
      expect(specifiers).toContain(specifier);
    }
  });
});

describe('Given the runtime layers (hosts -> serving -> core)', () => {
  test.each([
    ['lambda/core', ['lambda/serving', 'lambda/hosts']],
    ['lambda/serving', ['lambda/hosts']],
  ])('when the import graph of %s is read, then it imports nothing from %j', (folder, above) => {
    const report = checkImportBoundary({ root: PROJECT_ROOT, folder, forbiddenPackages: [], forbiddenFolders: above });
    expect(report.edges.length).toBeGreaterThan(0);
    expect(formatViolations(report.violations)).toEqual([]);
  });
});

describe('Given a runtime file that crosses the boundary (test/fixtures/boundary)', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'modelstack-boundary-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** The boundary check of a project whose runtime is the one fixture, as `lambda/core/<name>.ts`. */
  function check(fixture: string): string[] {
    const project = join(root, fixture);
    mkdirSync(join(project, 'lambda', 'core'), { recursive: true });
    copyFileSync(join(FIXTURES, `${fixture}.txt`), join(project, 'lambda', 'core', `${fixture}.ts`));
    return formatViolations(checkImportBoundary(runtimeBoundary(project)).violations);
  }

  test.each([
    ['cdk-subpath', 'lambda/core/cdk-subpath.ts:1 imports "aws-cdk-lib/aws-s3": imports the package aws-cdk-lib'],
    ['stack-folder', 'lambda/core/stack-folder.ts:1 imports "../../lib/x": resolves into lib/ (lib/x)'],
    ['require-constructs', 'lambda/core/require-constructs.ts:2 imports "constructs": imports the package constructs'],
    ['dynamic-import', 'lambda/core/dynamic-import.ts:2 imports "cdk-nag": imports the package cdk-nag'],
    ['export-from-config', 'lambda/core/export-from-config.ts:1 imports "../../config/environments": resolves into config/ (config/environments)'],
    [
      'type-import-scope',
      'lambda/core/type-import-scope.ts:1 imports "@aws-cdk/cloudformation-diff": imports the package @aws-cdk/cloudformation-diff (scope @aws-cdk)',
    ],
    ['computed-require', 'lambda/core/computed-require.ts:3 imports (computed): the specifier is not a string literal, so the import cannot be checked'],
  ])('when it is %s, then the check fails naming the file, the line and the import', (fixture, violation) => {
    expect(check(fixture)).toEqual([violation]);
  });

  test('when it imports only node built-ins, runtime packages and runtime files, then the check passes', () => {
    expect(check('clean')).toEqual([]);
  });

  test('every fixture is checked above', () => {
    const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'));
    expect(fixtures.sort()).toEqual(
      ['cdk-subpath', 'clean', 'computed-require', 'dynamic-import', 'export-from-config', 'require-constructs', 'stack-folder', 'type-import-scope'].map((f) => `${f}.txt`),
    );
  });
});
