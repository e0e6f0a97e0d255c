import { Annotations as CdkAnnotations, type Stack } from 'aws-cdk-lib';
import { Annotations } from 'aws-cdk-lib/assertions';
import { environments } from '../../config/environments';
import { lambdaEndpoint } from '../support/endpoints';
import { buildTestStacks } from '../support/stacks';

/**
 * The quota warnings of `stack`. This repository's cdk.json turns annotations into validation findings
 * (`annotationsInValidationReport`), so an unacknowledged warning fails synth: return its report's text.
 */
function warnings(stack: Stack): string[] {
  try {
    Annotations.fromStack(stack);
    return [];
  } catch (error) {
    return String(error).split('\n').filter((line) => line.includes('Concurrent executions'));
  }
}

describe('Given a function and the account\'s concurrency quota', () => {
  test('When 5 executions are reserved in a new account (quota 10), then synth warns naming the quota to request', () => {
    const { stack } = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions: 5, accountConcurrencyQuota: undefined });
    expect(warnings(stack)).toEqual([expect.stringMatching(/reservedConcurrentExecutions 5 leaves fewer than 10 unreserved .* quota is 10 .*L-B99A9384\) of at least 105/)]);
  });

  test('When the account has the default quota of 1000, then reserving 100 fits and nothing is said', () => {
    const { stack } = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions: 100, accountConcurrencyQuota: 1000 });
    expect(warnings(stack)).toEqual([]);
  });

  test('When 901 are reserved against a quota of 1000, then synth warns: Lambda keeps 100 unreserved', () => {
    const { stack } = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions: 901, accountConcurrencyQuota: 1000 });
    expect(warnings(stack)).toEqual([expect.stringMatching(/leaves fewer than 100 unreserved/)]);
  });

  test('When nothing is reserved, then nothing is said', () => {
    expect(warnings(lambdaEndpoint('breast-cancer').stack)).toEqual([]);
  });

  test('When provisioned concurrency has no reservation, then its maximum is checked against the unreserved pool', () => {
    const { stack, endpoint } = lambdaEndpoint('breast-cancer', { accountConcurrencyQuota: undefined });
    endpoint.autoScaleProvisionedConcurrency({ minCapacity: 1, maxCapacity: 5 });
    expect(warnings(stack)).toEqual([expect.stringMatching(/provisioned concurrency \(maxCapacity\) 5 leaves fewer than 10 unreserved/)]);
  });
});

describe('Given a quota warning the team accepts', () => {
  test('When it is acknowledged on the function with a reason, then synth succeeds', () => {
    const { stack, endpoint } = lambdaEndpoint('breast-cancer', { reservedConcurrentExecutions: 5, accountConcurrencyQuota: undefined });
    CdkAnnotations.of(endpoint).acknowledgeWarning('modelstack:concurrencyQuota', 'The account quota was raised to 1000 before the first deploy.');
    expect(warnings(stack)).toEqual([]);
  });
});

describe.each(Object.keys(environments))('Given the shipped %s environment', (name) => {
  test('When synthesized, then it needs no quota beyond what its config declares: no quota warning', async () => {
    const { stacks } = await buildTestStacks({ only: name });
    expect(warnings(stacks[0])).toEqual([]);
  });
});
