/**
 * Lambda priced from templates synthesized from real constructs; every expectation is computed here from the
 * price table's unit prices and the traffic profile, never pasted.
 */
import { Duration, Size, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { BYTES_PER_GB, DAYS_PER_RETENTION_MONTH, INIT_LOG_BYTES, LAMBDA_PLATFORM_LOG_BYTES, LOG_COMPRESSION_RATIO, SECONDS_PER_MONTH } from '../../../lib/cost/assumptions';
import { estimateStack } from '../../../lib/cost/estimate';
import { sampledTraces } from '../../../lib/cost/pricers/lambda';
import { expectWithinOnePercent, lineOf, PRICES, synthesized, traffic, unitPrice } from '../../support/cost';

const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })');

/** CDK's managed log group keeps logs 731 days: steady-state storage of `gb` ingested a month. */
function logCost(gb: number, retentionDays = 731): number {
  return gb * unitPrice('logs.ingestion') + gb * LOG_COMPRESSION_RATIO * (retentionDays / DAYS_PER_RETENTION_MONTH) * unitPrice('logs.storage');
}

describe('Given a Lambda endpoint without provisioned concurrency (x86_64, 2048 MB, 2 GB ephemeral storage, active tracing)', () => {
  const profile = traffic({
    requestsPerMonth: 5_000_000,
    meanDurationMs: 50,
    meanInstancesPerRequest: 2,
    meanPayloadBytes: 1000,
    coldStartsPerMonth: 20_000,
    meanInitDurationMs: 800,
  });
  const build = (stack: Stack) => {
    const fn = new lambda.Function(stack, 'Inference', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: CODE,
      memorySize: 2048,
      ephemeralStorageSize: Size.mebibytes(2048),
      timeout: Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
    });
    new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion }).addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
  };

  test('When estimated, then the monthly total matches the hand computation from unit prices within 1%', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    const requests = 5_000_000;
    const memoryGb = 2;
    const computeGbSeconds = requests * 0.05 * memoryGb;
    const initGbSeconds = 20_000 * 0.8 * memoryGb;
    const ephemeralGbSeconds = 1.5 * (requests * 0.05 + 20_000 * 0.8);
    const reservoir = SECONDS_PER_MONTH;
    const traces = reservoir + 0.05 * (requests - reservoir);
    const outGb = (requests * 200) / BYTES_PER_GB;
    const logGb = (requests * LAMBDA_PLATFORM_LOG_BYTES + 20_000 * INIT_LOG_BYTES) / BYTES_PER_GB;
    const expected =
      requests * unitPrice('lambda.requests') +
      (computeGbSeconds + initGbSeconds) * unitPrice('lambda.x86_64.duration') +
      ephemeralGbSeconds * unitPrice('lambda.ephemeralStorage') +
      traces * unitPrice('xray.tracesRecorded') +
      outGb * unitPrice('dataTransfer.outToInternet') +
      logCost(logGb);
    expectWithinOnePercent(estimate.total.expected, expected);
    expect(estimate.fixed.expected).toBe(0);
    expect(estimate.complete).toBe(true);
  });

  test('When estimated, then the INIT phase of cold starts is its own line at the on-demand rate', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    const init = lineOf(estimate, 'Inference', 'init');
    expect(init).toMatchObject({ priceKey: 'lambda.x86_64.duration', kind: 'traffic' });
    expectWithinOnePercent(init.usd.expected, 20_000 * 0.8 * 2 * unitPrice('lambda.x86_64.duration'));
  });

  test('When estimated, then X-Ray traces follow the default sampling rule (1 a second, then 5%)', () => {
    expect(sampledTraces(1000)).toBe(1000);
    expect(sampledTraces(SECONDS_PER_MONTH + 1000)).toBeCloseTo(SECONDS_PER_MONTH + 50);
  });

  test('When the function is arm64, then compute is priced at the arm64 rate', () => {
    const estimate = estimateStack(
      synthesized((stack) => {
        const fn = new lambda.Function(stack, 'Inference', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, architecture: lambda.Architecture.ARM_64 });
        fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
      }),
      { prices: PRICES, traffic: traffic({ requestsPerMonth: 1_000_000, meanDurationMs: 10 }) },
    );
    const compute = lineOf(estimate, 'Inference', 'compute');
    expect(compute.priceKey).toBe('lambda.arm64.duration');
    expectWithinOnePercent(compute.usd.expected, 1_000_000 * 0.01 * (128 / 1024) * unitPrice('lambda.arm64.duration'));
  });

  test('When there is no traffic profile, then only the idle cost remains and the function costs nothing', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES });
    expect(estimate.total.expected).toBe(0);
  });
});

describe('Given a Lambda endpoint with provisioned concurrency auto-scaled from 2 to 10 (arm64, 1024 MB)', () => {
  const requests = 100_000_000;
  const durationSeconds = 0.1;
  const coldStarts = 50_000;
  const profile = traffic({ requestsPerMonth: requests, meanDurationMs: 100, coldStartsPerMonth: coldStarts, meanInitDurationMs: 1000 });
  const build = (stack: Stack) => {
    const fn = new lambda.Function(stack, 'Inference', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: CODE,
      memorySize: 1024,
      architecture: lambda.Architecture.ARM_64,
    });
    const alias = new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 5 });
    alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    alias.addAutoScaling({ minCapacity: 2, maxCapacity: 10 }).scaleOnUtilization({ utilizationTarget: 0.7 });
  };
  // Mean concurrency: requests × duration / seconds in the month; provisioned environments serve up to that many.
  const meanConcurrency = (requests * durationSeconds) / SECONDS_PER_MONTH;

  function handComputed(provisioned: number): number {
    const share = Math.min(1, provisioned / meanConcurrency);
    const outGb = (requests * 100) / BYTES_PER_GB;
    const logGb = (requests * LAMBDA_PLATFORM_LOG_BYTES + coldStarts * INIT_LOG_BYTES) / BYTES_PER_GB;
    return (
      requests * unitPrice('lambda.requests') +
      provisioned * 1 * SECONDS_PER_MONTH * unitPrice('lambda.arm64.provisioned') +
      requests * (1 - share) * durationSeconds * 1 * unitPrice('lambda.arm64.duration') +
      requests * share * durationSeconds * 1 * unitPrice('lambda.arm64.provisionedDuration') +
      coldStarts * (1 - share) * 1 * 1 * unitPrice('lambda.arm64.duration') +
      outGb * unitPrice('dataTransfer.outToInternet') +
      logCost(logGb) +
      2 * unitPrice('cloudwatch.alarm.standard')
    );
  }

  test('When estimated, then the expected total (minimum capacity) matches the hand computation within 1%', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    expect(meanConcurrency).toBeGreaterThan(2);
    expectWithinOnePercent(estimate.total.expected, handComputed(2));
  });

  test('When estimated, then the worst case (maximum capacity) matches the hand computation within 1%', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    expectWithinOnePercent(estimate.total.worstCase, handComputed(10));
  });

  test('When estimated, then provisioned concurrency is a fixed cost on the alias and its two target-tracking alarms are priced', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    const provisioned = lineOf(estimate, 'Live', 'provisioned-concurrency');
    expect(provisioned).toMatchObject({ kind: 'fixed', priceKey: 'lambda.arm64.provisioned', resourceType: 'AWS::Lambda::Alias' });
    expect(provisioned.quantity).toEqual({ expected: 2 * SECONDS_PER_MONTH, worstCase: 10 * SECONDS_PER_MONTH });
    expect(lineOf(estimate, 'LiveAliasScalingTargetTracking', 'target-tracking-alarms').quantity.expected).toBe(2);
    expect(estimate.free.map((resource) => resource.resourceType)).toContain('AWS::ApplicationAutoScaling::ScalableTarget');
  });

  test('When the alias is not auto-scaled, then its configured concurrency is both the expected and the worst case', () => {
    const estimate = estimateStack(
      synthesized((stack) => {
        const fn = new lambda.Function(stack, 'Inference', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: CODE, ephemeralStorageSize: Size.mebibytes(1024) });
        new lambda.Alias(stack, 'Live', { aliasName: 'live', version: fn.currentVersion, provisionedConcurrentExecutions: 3 }).addFunctionUrl();
      }),
      { prices: PRICES, traffic: traffic({ requestsPerMonth: 1000 }) },
    );
    expect(lineOf(estimate, 'Live', 'provisioned-concurrency').quantity).toEqual({ expected: 3 * 0.125 * SECONDS_PER_MONTH, worstCase: 3 * 0.125 * SECONDS_PER_MONTH });
    // Ephemeral storage above 512 MB is billed for the whole provisioned time.
    expectWithinOnePercent(lineOf(estimate, 'Live', 'provisioned-ephemeral-storage').usd.expected, 3 * 0.5 * SECONDS_PER_MONTH * unitPrice('lambda.ephemeralStorage'));
    // Mean concurrency is far below 3: every request runs on provisioned environments, so no cold start is billed.
    expect(lineOf(estimate, 'Inference', 'init').usd.expected).toBe(0);
  });
});
