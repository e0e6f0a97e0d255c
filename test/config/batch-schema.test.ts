/** The batch block of an environment: defaults, and each validation branch with its message. */
import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('batch');

const valid = { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' } };

function load(extra: Record<string, unknown>) {
  return loadEnvironments({ dev: { ...valid, ...extra } }, { projectRoot: PROJECT_ROOT })[0].config;
}

const problemsOf = (extra: Record<string, unknown>): string =>
  configProblems({ dev: { ...valid, ...extra } }).join('\n');

test('Given no batch block, then the environment has no batch scoring', () => {
  expect(load({}).batch).toBeUndefined();
});

test('Given an empty batch block, then the defaults apply', () => {
  expect(load({ batch: {} }).batch).toEqual({
    maxConcurrency: 10,
    accountConcurrencyLimit: 1000,
    toleratedFailurePercent: 0,
    rowsPerChild: 100_000,
    memorySizeMiB: 2048,
    timeoutSeconds: 900,
    inputPrefix: 'batch/input/',
    outputPrefix: 'batch/output/',
    engine: 'lambda',
    transform: { instanceType: 'ml.c6i.large', instanceCount: 1, maxPayloadMiB: 6 },
  });
});

describe('Given invalid batch settings', () => {
  test.each([
    [{ maxConcurrency: 0 }, /batch.maxConcurrency/],
    [{ maxConcurrency: 10_001 }, /batch.maxConcurrency/],
    [{ toleratedFailurePercent: 150 }, /batch.toleratedFailurePercent/],
    [{ rowsPerChild: 10 }, /batch.rowsPerChild/],
    [{ timeoutSeconds: 901 }, /batch.timeoutSeconds/],
    [{ inputPrefix: 'no-slash' }, /batch.inputPrefix.*each ending with \//],
    [{ transform: { instanceType: 'c6i.large' } }, /batch.transform.instanceType.*ml.c6i.large/],
    [{ transform: { maxPayloadMiB: 7 } }, /batch.transform.maxPayloadMiB/],
    [{ unknown: 1 }, /batch/],
  ])('When batch is %p, then it is refused naming the field', (batch, message) => {
    expect(problemsOf({ batch })).toMatch(message);
  });

  test('When the transform engine is asked for on the lambda platform, then it is refused with what to use instead', () => {
    expect(problemsOf({ batch: { engine: 'sagemaker-transform' } })).toMatch(/batch.engine.*"sagemaker-transform" needs platform.type "sagemaker".*use "lambda" on platform "lambda"/);
  });
});
