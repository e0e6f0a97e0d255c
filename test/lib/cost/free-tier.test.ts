/** The free tier, applied only when asked for. */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { estimateStack } from '../../../lib/cost/estimate';
import { estimatesText } from '../../../lib/cost/format-text';
import { lineOf, PRICES, synthesized, traffic, unitPrice } from '../../support/cost';

const build = synthesized((stack) => {
  const fn = new lambda.Function(stack, 'Inference', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>1'), memorySize: 1024 });
  fn.addFunctionUrl();
});
const profile = traffic({ requestsPerMonth: 6_000_000, meanDurationMs: 100, coldStartsPerMonth: 0 });

describe('Given a Lambda endpoint serving 6M requests of 100 ms at 1 GB', () => {
  test('When the free tier is not asked for, then every request and GB-second is billed and the output says so', () => {
    const estimate = estimateStack(build, { prices: PRICES, traffic: profile });
    expect(lineOf(estimate, 'Inference', 'requests').usd.expected).toBeCloseTo(6_000_000 * unitPrice('lambda.requests'), 10);
    expect(estimatesText([estimate], { priceSource: 'p' }).join('\n')).toContain('free tier not applied (--free-tier applies it)');
  });

  test('When the free tier is applied, then 1M requests and 400,000 GB-seconds are free and the output says so', () => {
    const estimate = estimateStack(build, { prices: PRICES, traffic: profile, freeTier: true });
    const requests = lineOf(estimate, 'Inference', 'requests');
    expect(requests.freeQuantity.expected).toBe(1_000_000);
    expect(requests.usd.expected).toBeCloseTo(5_000_000 * unitPrice('lambda.requests'), 10);
    const compute = lineOf(estimate, 'Inference', 'compute');
    expect(compute.usd.expected).toBeCloseTo((6_000_000 * 0.1 - 400_000) * unitPrice('lambda.x86_64.duration'), 8);
    expect(estimatesText([estimate], { priceSource: 'p' }).join('\n')).toContain('free tier applied');
  });
});
