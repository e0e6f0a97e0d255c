/**
 * A Firehose stream fed by a function's log group (the shape lib/lambda-capture.ts builds) priced from the traffic
 * profile and the function's sampling percentage; every expectation is computed here from the assumptions and the
 * price table's unit prices, never pasted.
 */
import { Duration, Size, type Stack } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as destinations from 'aws-cdk-lib/aws-logs-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  BYTES_PER_GB,
  DATA_CAPTURE_RETENTION_MONTHS,
  FIREHOSE_BILLING_INCREMENT_BYTES,
  LAMBDA_CAPTURE_ENVELOPE_BYTES,
  SECONDS_PER_MONTH,
} from '../../../lib/cost/assumptions';
import { estimateStack } from '../../../lib/cost/estimate';
import { estimateMarkdown } from '../../../lib/cost/format-markdown';
import { estimateText } from '../../../lib/cost/format-text';
import { RUNTIME_ENV } from '../../../lambda/core/runtime-config';
import type { StackEstimate } from '../../../lib/cost/estimate';
import type { LineItem } from '../../../lib/cost/line-item';
import { expectWithinOnePercent, PRICES, synthesized, traffic, unitPrice } from '../../support/cost';

const CODE = lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 })');
const profile = traffic({ requestsPerMonth: 2_000_000, meanDurationMs: 20, meanInstancesPerRequest: 2, meanPayloadBytes: 600 });

/** A function capturing `percent`% of its requests (inputs too when `inputs`), its log group subscribed to a stream. */
function captureStack(percent: string, inputs: boolean) {
  return (stack: Stack) => {
    const logGroup = new logs.LogGroup(stack, 'InferenceLogs', { logGroupName: '/aws/lambda/inference', retention: logs.RetentionDays.ONE_MONTH });
    const fn = new lambda.Function(stack, 'Inference', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: CODE,
      logGroup,
      environment: { [RUNTIME_ENV.captureSamplingPercentage]: percent, [RUNTIME_ENV.captureInputs]: String(inputs) },
    });
    fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    const stream = new firehose.DeliveryStream(stack, 'Capture', {
      destination: new firehose.S3Bucket(new s3.Bucket(stack, 'Records'), { bufferingInterval: Duration.seconds(60), bufferingSize: Size.mebibytes(5) }),
    });
    new logs.SubscriptionFilter(stack, 'Subscription', { logGroup, destination: new destinations.FirehoseDestination(stream), filterPattern: logs.FilterPattern.allEvents() });
  };
}

/** The stream's line `id` (the stream's own log group also has an `ingestion` line). */
function streamLine(estimate: StackEstimate, id: string): LineItem {
  const line = estimate.lineItems.find((item) => item.resourceType === 'AWS::KinesisFirehose::DeliveryStream' && item.id === id);
  if (line === undefined) throw new Error(`no stream line ${id}; lines: ${estimate.lineItems.map((item) => `${item.logicalId}/${item.id}`).join(', ')}`);
  return line;
}

const bytesPerRecord = (inputs: boolean) => LAMBDA_CAPTURE_ENVELOPE_BYTES + (inputs ? profile.meanPayloadBytes : 0) + profile.meanResponseBytes;

describe('Given a function capturing 10% of its requests with their inputs into a Firehose stream', () => {
  const estimate = estimateStack(synthesized(captureStack('10', true)), { prices: PRICES, traffic: profile });
  const records = profile.requestsPerMonth * 0.1;
  const gb = (records * bytesPerRecord(true)) / BYTES_PER_GB;

  test('When estimated, then the stack is complete and the stream is priced, not listed unpriced', () => {
    expect(estimate.complete).toBe(true);
    expect(estimate.unpriced).toEqual([]);
  });

  test('When estimated, then ingestion is requests × sampling × record size (inputs, answer, envelope) at the ingestion price', () => {
    const line = streamLine(estimate, 'ingestion');
    expect(line.priceKey).toBe('firehose.ingestion');
    expect(line.kind).toBe('traffic');
    expectWithinOnePercent(line.quantity.expected, gb);
    expectWithinOnePercent(line.usd.expected, gb * unitPrice('firehose.ingestion'));
    expect(line.basis).toContain('10% of its requests');
  });

  test('When estimated, then the worst case bills each record rounded up to 5 KB', () => {
    const rounded = Math.ceil(bytesPerRecord(true) / FIREHOSE_BILLING_INCREMENT_BYTES) * FIREHOSE_BILLING_INCREMENT_BYTES;
    expectWithinOnePercent(streamLine(estimate, 'ingestion').quantity.worstCase, (records * rounded) / BYTES_PER_GB);
  });

  test('When estimated, then the stream writes one object per minute with data (its 60 s buffer) and stores a month of capture', () => {
    expect(streamLine(estimate, 's3-puts').quantity.expected).toBe(Math.ceil(SECONDS_PER_MONTH / 60 + (gb * BYTES_PER_GB) / (5 * 1024 * 1024)));
    const storage = streamLine(estimate, 'storage');
    expectWithinOnePercent(storage.quantity.expected, gb * DATA_CAPTURE_RETENTION_MONTHS.expected);
    expectWithinOnePercent(storage.quantity.worstCase, gb * DATA_CAPTURE_RETENTION_MONTHS.worstCase);
  });

  test('When the profile sets capturedPercent, then it overrides the function\'s sampling percentage', () => {
    const overridden = estimateStack(synthesized(captureStack('10', true)), { prices: PRICES, traffic: { ...profile, capturedPercent: 50 } });
    expectWithinOnePercent(streamLine(overridden, 'ingestion').quantity.expected, gb * 5);
    expect(streamLine(overridden, 'ingestion').basis).toContain('traffic profile');
  });

  test('When printed as text and as Markdown, then both show the Firehose ingestion line', () => {
    expect(estimateText(estimate, { priceSource: 'prices.json' }).join('\n')).toContain('Firehose ingestion');
    expect(estimateMarkdown(estimate, { priceSource: 'prices.json' }).join('\n')).toContain('Firehose ingestion');
  });
});

describe('Given a function that captures its answers only', () => {
  test('When estimated, then a record holds the answer and the envelope, not the inputs', () => {
    const estimate = estimateStack(synthesized(captureStack('10', false)), { prices: PRICES, traffic: profile });
    expectWithinOnePercent(streamLine(estimate, 'ingestion').quantity.expected, (profile.requestsPerMonth * 0.1 * bytesPerRecord(false)) / BYTES_PER_GB);
  });
});

describe('Given a function sampling 0% of its requests', () => {
  const estimate = estimateStack(synthesized(captureStack('0', true)), { prices: PRICES, traffic: profile });

  test('When estimated, then the stream costs nothing yet is priced (complete), with no objects written', () => {
    expect(estimate.complete).toBe(true);
    for (const id of ['ingestion', 's3-puts', 'storage']) {
      const line = streamLine(estimate, id);
      expect(line.quantity).toEqual({ expected: 0, worstCase: 0 });
      expect(line.usd).toEqual({ expected: 0, worstCase: 0 });
    }
  });
});

describe('Given the stream in EU (Ireland)', () => {
  test('When estimated, then it is priced at the region\'s ingestion price, which is marked low confidence', () => {
    const estimate = estimateStack(synthesized(captureStack('10', true), 'eu-west-1'), { prices: PRICES, traffic: profile });
    const line = streamLine(estimate, 'ingestion');
    expect(line.unitUsd).toBe(unitPrice('firehose.ingestion', 'eu-west-1'));
    expect(estimate.lowConfidencePrices).toContain('firehose.ingestion');
  });
});
