/**
 * SageMaker endpoints priced from templates synthesized from real constructs: instance
 * variants with auto-scaling and data capture, serverless variants with and without provisioned concurrency, shadow
 * variants.
 * Every expectation is computed here from the table's unit prices and the traffic profile.
 */
import type { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import { Template } from 'aws-cdk-lib/assertions';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { BYTES_PER_GB, DATA_CAPTURE_RECORD_OVERHEAD_BYTES, HOURS_PER_MONTH, SECONDS_PER_MONTH } from '../../../lib/cost/assumptions';
import { stackFromTemplate } from '../../../lib/cost/cloud-assembly';
import { estimateStack } from '../../../lib/cost/estimate';
import { SageMakerInstanceType } from '../../../lib/sagemaker/instance-type';
import { expectWithinOnePercent, lineOf, PRICES, synthesized, traffic, unitPrice } from '../../support/cost';
import { createSageMaker, MANIFEST, MODEL } from '../../support/sagemaker';

const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/modelstack:latest';

function model(stack: Stack, environment: Record<string, string> = {}): sagemaker.CfnModel {
  return new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
    primaryContainer: { image: IMAGE, environment },
  });
}

describe('Given a real-time endpoint of ml.m5.large instances auto-scaled from 1 to 4, capturing 20% of requests', () => {
  const requests = 2_000_000;
  const profile = traffic({ requestsPerMonth: requests, meanDurationMs: 30, meanPayloadBytes: 1500, meanResponseBytes: 300 });
  const build = (stack: Stack) => {
    const config = new sagemaker.CfnEndpointConfig(stack, 'EndpointConfig', {
      productionVariants: [{ variantName: 'AllTraffic', modelName: model(stack).attrModelName, instanceType: 'ml.m5.large', initialInstanceCount: 2, initialVariantWeight: 1 }],
      dataCaptureConfig: {
        initialSamplingPercentage: 20,
        destinationS3Uri: 's3://capture-bucket/capture',
        captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
      },
    });
    const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
    const target = new appscaling.ScalableTarget(stack, 'Scaling', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${endpoint.attrEndpointName}/variant/AllTraffic`,
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      minCapacity: 1,
      maxCapacity: 4,
    });
    target.scaleToTrackMetric('Invocations', {
      targetValue: 100,
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
    });
  };

  function handComputed(instances: number, captureMonths: number): number {
    const capturedGb = (requests * 0.2 * (1500 + 300 + DATA_CAPTURE_RECORD_OVERHEAD_BYTES)) / BYTES_PER_GB;
    return (
      instances * HOURS_PER_MONTH * unitPrice('sagemaker.instance.ml.m5.large') +
      ((requests * (1500 + 300)) / BYTES_PER_GB) * unitPrice('sagemaker.dataProcessed') +
      ((requests * 300) / BYTES_PER_GB) * unitPrice('dataTransfer.outToInternet') +
      capturedGb * captureMonths * unitPrice('s3.standard.storage') +
      2 * unitPrice('cloudwatch.alarm.standard')
    );
  }

  test('When estimated, then the expected total prices the minimum capacity, within 1% of the hand computation', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    expectWithinOnePercent(estimate.total.expected, handComputed(1, 1));
  });

  test('When estimated, then the worst case prices the maximum capacity and a year of capture, within 1%', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: profile });
    expectWithinOnePercent(estimate.total.worstCase, handComputed(4, 12));
  });

  test('When estimated, then the instances are a fixed cost the endpoint pays idle', () => {
    const idle = estimateStack(synthesized(build), { prices: PRICES });
    expectWithinOnePercent(idle.fixed.expected, HOURS_PER_MONTH * unitPrice('sagemaker.instance.ml.m5.large') + 2 * unitPrice('cloudwatch.alarm.standard'));
    expect(lineOf(idle, 'Endpoint', 'instances:AllTraffic').basis).toContain('auto-scaled by Scaling');
    expect(idle.free.map((r) => r.resourceType)).toEqual(expect.arrayContaining(['AWS::SageMaker::Model', 'AWS::SageMaker::EndpointConfig']));
  });

  test('When the traffic profile gives its own capture share, then it replaces the endpoint config sampling percentage', () => {
    const estimate = estimateStack(synthesized(build), { prices: PRICES, traffic: traffic({ requestsPerMonth: requests, meanPayloadBytes: 1500, meanResponseBytes: 300, capturedPercent: 50 }) });
    const capture = lineOf(estimate, 'Endpoint', 'data-capture');
    expectWithinOnePercent(capture.quantity.expected, (requests * 0.5 * (1800 + DATA_CAPTURE_RECORD_OVERHEAD_BYTES)) / BYTES_PER_GB);
    expect(capture.basis).toContain('traffic profile');
  });

  test('When the instance type is not in the price table, then the endpoint is unpriced and the estimate incomplete', () => {
    const estimate = estimateStack(
      synthesized((stack) => {
        const config = new sagemaker.CfnEndpointConfig(stack, 'EndpointConfig', {
          productionVariants: [{ variantName: 'AllTraffic', modelName: model(stack).attrModelName, instanceType: 'ml.p5.48xlarge', initialInstanceCount: 1 }],
        });
        new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
      }),
      { prices: PRICES },
    );
    expect(estimate.complete).toBe(false);
    expect(estimate.unpriced).toEqual([
      expect.objectContaining({ resourceType: 'AWS::SageMaker::Endpoint', reason: expect.stringContaining('sagemaker.instance.ml.p5.48xlarge') }),
    ]);
  });
});

describe('Given a serverless endpoint (2048 MB, at most 20 concurrent)', () => {
  const requests = 3_000_000;
  const durationSeconds = 0.2;
  const serverless = (provisionedConcurrency?: number) => (stack: Stack) => {
    const config = new sagemaker.CfnEndpointConfig(stack, 'EndpointConfig', {
      productionVariants: [
        { variantName: 'AllTraffic', modelName: model(stack).attrModelName, serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 20, provisionedConcurrency } },
      ],
    });
    new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
  };
  const profile = traffic({ requestsPerMonth: requests, meanDurationMs: 200, meanPayloadBytes: 1000, meanResponseBytes: 100 });
  const dataCost = ((requests * 1100) / BYTES_PER_GB) * unitPrice('sagemaker.dataProcessed') + ((requests * 100) / BYTES_PER_GB) * unitPrice('dataTransfer.outToInternet');

  test('When it has no provisioned concurrency, then it costs nothing idle and the month matches the hand computation within 1%', () => {
    const estimate = estimateStack(synthesized(serverless()), { prices: PRICES, traffic: profile });
    const expected = requests * durationSeconds * 2 * unitPrice('sagemaker.serverless.duration') + dataCost;
    expectWithinOnePercent(estimate.total.expected, expected);
    expect(estimate.fixed.expected).toBe(0);
  });

  test('When it has provisioned concurrency 1, then the provisioned GB-seconds are fixed and spill-over runs on demand, within 1%', () => {
    const busy = 30_000_000;
    const estimate = estimateStack(synthesized(serverless(1)), { prices: PRICES, traffic: traffic({ requestsPerMonth: busy, meanDurationMs: 200, meanPayloadBytes: 1000, meanResponseBytes: 100 }) });
    const meanConcurrency = (busy * durationSeconds) / SECONDS_PER_MONTH;
    expect(meanConcurrency).toBeGreaterThan(1);
    const share = 1 / meanConcurrency;
    const expected =
      1 * 2 * SECONDS_PER_MONTH * unitPrice('sagemaker.serverless.provisioned') +
      busy * share * durationSeconds * 2 * unitPrice('sagemaker.serverless.provisionedDuration') +
      busy * (1 - share) * durationSeconds * 2 * unitPrice('sagemaker.serverless.duration') +
      ((busy * 1100) / BYTES_PER_GB) * unitPrice('sagemaker.dataProcessed') +
      ((busy * 100) / BYTES_PER_GB) * unitPrice('dataTransfer.outToInternet');
    expectWithinOnePercent(estimate.total.expected, expected);
    expectWithinOnePercent(estimate.fixed.expected, 2 * SECONDS_PER_MONTH * unitPrice('sagemaker.serverless.provisioned'));
  });

  test('When the container runs the modelstack runtime with EMF on, then its logs and custom metrics are priced on the endpoint', () => {
    const estimate = estimateStack(
      synthesized((stack) => {
        const config = new sagemaker.CfnEndpointConfig(stack, 'EndpointConfig', {
          productionVariants: [
            { variantName: 'AllTraffic', modelName: model(stack, { POWERTOOLS_METRICS_NAMESPACE: 'modelstack' }).attrModelName, serverlessConfig: { memorySizeInMb: 1024, maxConcurrency: 5 } },
          ],
        });
        new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointConfigName: config.attrEndpointConfigName });
      }),
      { prices: PRICES, traffic: profile, model: { name: 'iris', task: 'multiclass-classification', labels: ['setosa', 'versicolor', 'virginica'] } },
    );
    expect(lineOf(estimate, 'Endpoint', 'log-ingestion').quantity.expected).toBeGreaterThan(0);
    // Latency, BatchSize, ModelLoadTime and one Predictions metric per label.
    expect(lineOf(estimate, 'Endpoint', 'custom-metrics').quantity.expected).toBe(3 + 3);
  });
});

describe('Given a SageMakerInference with its candidate as a shadow variant on one ml.m6i.large', () => {
  const { stack } = createSageMaker({
    shadowVariant: { model: MODEL, manifest: { ...MANIFEST, version: '1.1.0' }, instanceType: SageMakerInstanceType.of('ml.m6i.large'), samplingPercentage: 50 },
  });
  const estimate = estimateStack(stackFromTemplate('Shadowed', Template.fromStack(stack).toJSON(), 'us-east-1'), { prices: PRICES, traffic: traffic({ requestsPerMonth: 1_000_000 }) });

  test("When estimated, then the shadow variant's instances run all month beside the production variant's, named as the shadow's", () => {
    const endpoint = estimate.lineItems.filter((item) => item.resourceType === 'AWS::SageMaker::Endpoint');
    const shadow = endpoint.find((item) => item.id === 'instances:shadow');
    expect(shadow).toMatchObject({ kind: 'fixed', priceKey: 'sagemaker.instance.ml.m6i.large', description: 'shadow variant shadow: ml.m6i.large instances' });
    expect(shadow?.quantity).toEqual({ expected: HOURS_PER_MONTH, worstCase: HOURS_PER_MONTH });
    expect(shadow?.usd.expected).toBeCloseTo(HOURS_PER_MONTH * unitPrice('sagemaker.instance.ml.m6i.large'), 6);
    expect(endpoint.some((item) => item.id === 'instances:primary')).toBe(true);
    expect(estimate.unpriced).toEqual([]);
  });
});
