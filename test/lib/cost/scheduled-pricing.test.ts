/**
 * A function an EventBridge Scheduler schedule invokes (the quality job) is priced per run from the schedule's
 * rate, each run at most its timeout; the schedule itself is free by rule. Expectations come from the price table.
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { HOURS_PER_MONTH } from '../../../lib/cost/assumptions';
import { estimateStack } from '../../../lib/cost/estimate';
import { lineOf, PRICES, synthesized, traffic, unitPrice } from '../../support/cost';

const CODE = lambda.Code.fromInline('exports.handler = async () => undefined');

function scheduledJob(expression: string) {
  return (stack: Stack) => {
    const fn = new lambda.Function(stack, 'Job', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: CODE,
      memorySize: 1024,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.minutes(5),
    });
    new scheduler.CfnSchedule(stack, 'Schedule', {
      scheduleExpression: expression,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: fn.functionArn, roleArn: 'arn:aws:iam::123456789012:role/scheduler' },
    });
  };
}

const estimateOf = (expression: string) => estimateStack(synthesized(scheduledJob(expression)), { prices: PRICES, traffic: traffic({ requestsPerMonth: 1_000_000 }) });

describe('Given a function an hourly schedule invokes (arm64, 1024 MB, 5 minute timeout)', () => {
  test('When estimated, then it runs 730 times a month, each billed at most its timeout, as fixed costs', () => {
    const estimate = estimateOf('rate(1 hour)');
    const runs = lineOf(estimate, 'Job', 'requests');
    const compute = lineOf(estimate, 'Job', 'compute');
    expect(runs.quantity).toEqual({ expected: HOURS_PER_MONTH, worstCase: HOURS_PER_MONTH });
    expect(compute.quantity.worstCase).toBeCloseTo(HOURS_PER_MONTH * 300 * 1, 6);
    expect(compute.usd.expected).toBeCloseTo(HOURS_PER_MONTH * 300 * unitPrice('lambda.arm64.duration'), 6);
    expect([runs.kind, compute.kind]).toEqual(['fixed', 'fixed']);
    expect(compute.basis).toContain('at most the 300 s timeout');
  });

  test("When estimated, then the schedule is free by rule, naming Scheduler's free invocations", () => {
    const free = estimateOf('rate(1 hour)').free.find((r) => r.resourceType === 'AWS::Scheduler::Schedule');
    expect(free?.rule).toMatch(/14 million free a month.*quality job 730/);
  });
});

test('Given a schedule every 15 minutes, then the function runs four times as often', () => {
  expect(lineOf(estimateOf('rate(15 minutes)'), 'Job', 'requests').quantity.expected).toBeCloseTo(4 * HOURS_PER_MONTH, 6);
});

test('Given a cron schedule, then the function is unpriced, naming the schedule and its expression', () => {
  const estimate = estimateOf('cron(0 * * * ? *)');
  expect(estimate.unpriced).toEqual([
    { logicalId: expect.stringMatching(/^Job/), resourceType: 'AWS::Lambda::Function', reason: "its schedule Schedule runs on 'cron(0 * * * ? *)', and the estimator counts the runs of rate(...) expressions only" },
  ]);
});
