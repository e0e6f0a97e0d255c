/**
 * Endpoints to monitor in construct tests: a real `LambdaInference` on an example model, and a SageMaker-shaped
 * endpoint that implements `IInferenceEndpoint` the way the SageMaker construct will (AWS/SageMaker metrics, no
 * throttles, the runtime's EMF metrics, `sageMakerMonitoringMetrics()`), so `Monitoring` is shown to branch only
 * on what the interface gives.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Stack, type App } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { parseManifest, type Manifest } from '../../lambda/core/manifest';
import { RUNTIME_DIMENSIONS, RUNTIME_METRICS } from '../../lambda/serving/metric-names';
import type { IInferenceEndpoint } from '../../lib/inference-endpoint';
import { LambdaInference } from '../../lib/lambda-inference';
import type { LambdaInferenceProps } from '../../lib/lambda-inference-props';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import type { PlatformMetric } from '../../lib/monitoring/platform-metric';
import { inMilliseconds, sageMakerMonitoringMetrics, type SageMakerMonitoringProps } from '../../lib/monitoring/sagemaker-metrics';
import { RuntimeMetrics } from '../../lib/private/runtime-metrics';
import { PROJECT_ROOT, testApp } from './app';

/** The validated manifest of an example model. */
export function exampleManifest(example: string): Manifest {
  return parseManifest(JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', example, 'model.json'), 'utf8')));
}

/** The labels of a manifest; empty for regression. */
export function labelsOf(manifest: Manifest): string[] {
  return manifest.task === 'regression' ? [] : [...manifest.output.labels];
}

/** A stack `Test` with a store and a Lambda endpoint serving `example`. */
export function lambdaEndpoint(example = 'breast-cancer', props: Partial<LambdaInferenceProps> = {}): { app: App; stack: Stack; endpoint: LambdaInference; manifest: Manifest } {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const manifest = exampleManifest(example);
  const store = new ModelStore(stack, 'ModelStore', { modelName: manifest.name, model: ModelFile.fromPath(path.join(PROJECT_ROOT, 'examples', example, 'model.onnx')) });
  // The default quota of an established account, so fixtures may reserve concurrency (test/lib/lambda-quotas.test.ts covers a new one).
  const endpoint = new LambdaInference(stack, 'Inference', { store, manifest, accountConcurrencyQuota: 1000, ...props });
  return { app, stack, endpoint, manifest };
}

/** A SageMaker-shaped endpoint: what the SageMaker construct must offer through the interface. */
export class SageMakerShapedEndpoint extends Construct implements IInferenceEndpoint {
  public readonly platform = 'sagemaker';
  public readonly endpointUrl = 'https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/ep/invocations';
  public readonly endpointUrlDescription = 'SageMaker runtime invocation URL (SigV4, service "sagemaker")';
  public readonly requestTimeout = Duration.seconds(60);
  private readonly runtime: RuntimeMetrics;

  constructor(
    scope: Construct,
    id: string,
    public readonly modelName: string,
    labels: readonly string[],
    private readonly monitoring: SageMakerMonitoringProps,
  ) {
    super(scope, id);
    this.runtime = new RuntimeMetrics({ namespace: 'modelstack', modelName, labels });
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:InvokeEndpoint'], resourceArns: ['arn:aws:sagemaker:eu-west-1:123456789012:endpoint/ep'] });
  }

  private sageMaker(metricName: string, props: cloudwatch.MetricOptions = {}, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/SageMaker',
      metricName,
      statistic,
      period: Duration.minutes(5),
      ...props,
      dimensionsMap: { EndpointName: this.monitoring.endpointName, VariantName: this.monitoring.variantName ?? 'AllTraffic' },
    });
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.sageMaker('Invocations', props);
  }
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.sageMaker('Invocation5XXErrors', props);
  }
  /** ModelLatency is in microseconds; the interface wants milliseconds. */
  public metricLatency(props: cloudwatch.MetricOptions = {}): cloudwatch.IMetric {
    const { label, ...rest } = props;
    return inMilliseconds(this.sageMaker('ModelLatency', rest, 'Average'), label);
  }
  public metricThrottles(): undefined {
    return undefined;
  }
  public metricInvalidRequests(reason?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.invalidRequests(reason, props);
  }
  public metricPredictions(label?: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.predictions(label, props);
  }
  public metricPredictedValue(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.predictedValue, {}, props);
  }
  public metricPredictedTargetSum(target: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.predictedTargetSum, { [RUNTIME_DIMENSIONS.target]: target }, props);
  }
  public metricPredictedTargetCount(target: string, props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.predictedTargetCount, { [RUNTIME_DIMENSIONS.target]: target }, props);
  }
  public metricModelLoadFailures(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.modelLoadFailures, {}, props);
  }
  public metricRuntimeErrors(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.errors, {}, props);
  }
  public metricRuntimeLatency(props?: cloudwatch.MetricOptions): cloudwatch.IMetric {
    return this.runtime.metric(RUNTIME_METRICS.latency, {}, props);
  }
  public metricsForMonitoring(): readonly PlatformMetric[] {
    return sageMakerMonitoringMetrics(this.monitoring);
  }
}
