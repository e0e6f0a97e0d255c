/**
 * A function an EventBridge Scheduler schedule invokes (the quality job) is priced per run from the schedule's
 * rate, each run at most its timeout; the schedule itself is free by rule; the quality job's custom metrics are counted
 * from the model. Expectations come from the price table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, type Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { HOURS_PER_MONTH } from '../../../lib/cost/assumptions';
import { estimateStack } from '../../../lib/cost/estimate';
import { modelInfoOf, type ModelInfo } from '../../../lib/cost/pricing-context';
import { parseManifestText } from '../../../lambda/core/manifest';
import { QUALITY_ENV } from '../../../lambda/records/quality-metric-names';
import { PROJECT_ROOT } from '../../support/app';
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

describe('Given the quality job (a scheduled function reading a capture prefix, with EMF on)', () => {
  const qualityJob = (stack: Stack) => {
    scheduledJob('rate(1 hour)')(stack);
    const fn = stack.node.findChild('Job') as lambda.Function;
    fn.addEnvironment(QUALITY_ENV.capturePrefix, 'capture/').addEnvironment(QUALITY_ENV.namespace, 'modelstack');
  };
  const iris: ModelInfo = { name: 'iris', task: 'multiclass-classification', labels: ['setosa', 'versicolor', 'virginica'], capturedFeatures: 4 };
  const estimateWith = (model: ModelInfo | undefined) => estimateStack(synthesized(qualityJob), { prices: PRICES, traffic: traffic({ requestsPerMonth: 1_000_000 }), model });

  test('When estimated for a 3-label classifier with 4 captured features, then 3 window + accuracy + 6 per-class metrics are expected, and drift adds 8 at worst', () => {
    const metrics = lineOf(estimateWith(iris), 'Job', 'custom-metrics');
    expect(metrics.quantity).toEqual({ expected: 3 + 1 + 2 * 3, worstCase: 3 + 1 + 2 * 3 + 2 * 4 });
    expect(metrics.kind).toBe('fixed');
    expect(metrics.usd.expected).toBeCloseTo(10 * unitPrice('cloudwatch.metric'), 6);
    expect(metrics.description).toBe('quality job EMF metrics (namespace modelstack)');
    expect(metrics.basis).toContain('drift on 4 captured features when inputs are kept');
  });

  test('When estimated for a regression, then MAE and RMSE are its live metrics', () => {
    const metrics = lineOf(estimateWith({ name: 'diabetes', task: 'regression', labels: [], capturedFeatures: 10 }), 'Job', 'custom-metrics');
    expect(metrics.quantity).toEqual({ expected: 3 + 2, worstCase: 3 + 2 + 2 * 10 });
  });

  test('When the model is unknown, then only the window metrics are counted, and the basis says what is not', () => {
    const metrics = lineOf(estimateWith(undefined), 'Job', 'custom-metrics');
    expect(metrics.quantity).toEqual({ expected: 3, worstCase: 3 });
    expect(metrics.basis).toContain('model unknown');
    expect(metrics.basis).toContain('captured features unknown');
  });

  test('When a scheduled function reads no capture prefix, then it has no metrics line', () => {
    expect(estimateOf('rate(1 hour)').lineItems.some((item) => item.id === 'custom-metrics')).toBe(false);
  });
});

test('Given a manifest with a feature kept out of capture, then the model info counts only the captured features', () => {
  const manifest = parseManifestText(readFileSync(join(PROJECT_ROOT, 'examples/iris/model.json'), 'utf8'));
  const hidden = { ...manifest, input: { ...manifest.input, features: manifest.input.features.map((f, i) => (i === 0 ? { ...f, capture: false } : f)) } };
  expect(modelInfoOf(manifest)).toEqual({ name: manifest.name, task: manifest.task, labels: ['setosa', 'versicolor', 'virginica'], capturedFeatures: 4 });
  expect(modelInfoOf(hidden).capturedFeatures).toBe(3);
});
