/**
 * What the runtime really writes (EMF, captured from the real app and observability) is what the stack's
 * endpoint metric methods read: same namespace, metric name and dimensions, for each kind of metric.
 */
import * as path from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { createInferenceApp } from '../../lambda/serving/app';
import { createObservability } from '../../lambda/serving/observability';
import type { IInferenceEndpoint } from '../../lib/inference-endpoint';
import { LambdaInference } from '../../lib/lambda-inference';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import { testApp } from '../support/app';
import { captureEmf, type EmfDocument } from '../support/emf';
import { EXAMPLES, expected, model, request, useExampleModels } from '../support/serving';

useExampleModels();

function endpointFor(name: 'iris' | 'diabetes'): IInferenceEndpoint {
  const stack = new Stack(testApp(), 'Test');
  const modelFile = ModelFile.fromPath(path.join(EXAMPLES, name, 'model.onnx'));
  const store = new ModelStore(stack, 'ModelStore', { modelName: name, model: modelFile });
  return new LambdaInference(stack, 'Inference', { store, manifest: model(name).manifest });
}

/** The metric that `doc` emits under `name`, as CloudWatch identifies it: namespace, name, dimension values. */
function emitted(docs: readonly EmfDocument[], name: string): Array<{ namespace: string; name: string; dimensions: Record<string, string> }> {
  return docs.flatMap((doc) =>
    doc._aws.CloudWatchMetrics.flatMap((set) =>
      set.Metrics.filter((m) => m.Name === name).map(() => ({
        namespace: set.Namespace,
        name,
        dimensions: Object.fromEntries(set.Dimensions[0].map((d) => [d, String(doc[d])])),
      })),
    ),
  );
}

function identity(metric: cloudwatch.IMetric): { namespace: string; name: string; dimensions: Record<string, string> } {
  const m = metric as cloudwatch.Metric;
  return { namespace: m.namespace, name: m.metricName, dimensions: { ...(m.dimensions as Record<string, string>) } };
}

test('Given iris served with metrics on, when it predicts, rejects and fails to load, then each EMF series is the one the endpoint reads', async () => {
  const obs = createObservability({ serviceName: 'iris', logger: new Logger({ serviceName: 'iris', logLevel: 'SILENT' }), metrics: true });
  const iris = model('iris');
  const app = createInferenceApp({ model: iris, hooks: obs.hooks });
  const docs = await captureEmf(async () => {
    await app.handle(request('POST', '/invocations', JSON.stringify({ instances: expected.iris.instances })));
    await app.handle(request('POST', '/invocations', '{bad json'));
    obs.recordModelLoadFailure(new Error('no such key'), 5, 's3://bucket/key');
    obs.flush();
  });
  const endpoint = endpointFor('iris');
  const label = (expected.iris.float32Predictions[0] as { label: string }).label;

  expect(emitted(docs, 'Latency')).toContainEqual(identity(endpoint.metricRuntimeLatency()));
  expect(emitted(docs, 'Predictions')).toContainEqual(identity(endpoint.metricPredictions(label)));
  expect(emitted(docs, 'InvalidRequests')).toContainEqual(identity(endpoint.metricInvalidRequests('bad_json')));
  expect(emitted(docs, 'ModelLoadFailures')).toContainEqual(identity(endpoint.metricModelLoadFailures()));
});

test('Given diabetes served with metrics on, when it predicts, then the predicted values are the series metricPredictedValue reads', async () => {
  const obs = createObservability({ serviceName: 'diabetes', logger: new Logger({ serviceName: 'diabetes', logLevel: 'SILENT' }), metrics: true });
  const app = createInferenceApp({ model: model('diabetes'), hooks: obs.hooks });
  const docs = await captureEmf(async () => {
    await app.handle(request('POST', '/invocations', JSON.stringify({ instances: expected.diabetes.instances })));
    obs.flush();
  });
  expect(emitted(docs, 'PredictedValue')).toContainEqual(identity(endpointFor('diabetes').metricPredictedValue()));
});
