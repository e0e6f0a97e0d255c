/**
 * The endpoint interface as the Lambda platform implements it: grants and the metric methods that alarms and
 * dashboards build on.
 */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { parseManifest } from '../../lambda/core/manifest';
import { REJECT_REASONS, RUNTIME_METRICS } from '../../lambda/serving/metric-names';
import type { IInferenceEndpoint } from '../../lib/inference-endpoint';
import { LambdaInference } from '../../lib/lambda-inference';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import { PROJECT_ROOT, testApp } from '../support/app';

function endpointFor(example: string, metricsNamespace?: string): { stack: Stack; endpoint: IInferenceEndpoint } {
  const dir = path.join(PROJECT_ROOT, 'examples', example);
  const manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')));
  const stack = new Stack(testApp(), 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: manifest.name, model: ModelFile.fromPath(path.join(dir, 'model.onnx')) });
  const endpoint: IInferenceEndpoint = new LambdaInference(stack, 'Inference', { store, manifest, timeout: Duration.seconds(12), metricsNamespace });
  return { stack, endpoint };
}

describe('Given a Lambda endpoint seen through IInferenceEndpoint', () => {
  const { stack, endpoint } = endpointFor('iris');

  test('When its identity is read, then it names the platform, the model, the timeout and the function URL', () => {
    expect(endpoint.platform).toBe('lambda');
    expect(endpoint.modelName).toBe('iris');
    expect(endpoint.requestTimeout.toSeconds()).toBe(12);
    expect(stack.resolve(endpoint.endpointUrl)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^InferenceLiveAliasFunctionUrl/), 'FunctionUrl'] });
    expect(endpoint.endpointUrlDescription).toMatch(/SigV4.*"lambda"/);
  });

  test('When the platform metrics are read, then they are the live alias\'s AWS/Lambda metrics', () => {
    const metrics = [endpoint.metricInvocations(), endpoint.metricErrors(), endpoint.metricLatency(), endpoint.metricThrottles()] as cloudwatch.Metric[];
    expect(metrics.map((m) => [m.namespace, m.metricName])).toEqual([
      ['AWS/Lambda', 'Invocations'],
      ['AWS/Lambda', 'Errors'],
      ['AWS/Lambda', 'Duration'],
      ['AWS/Lambda', 'Throttles'],
    ]);
    for (const metric of metrics) expect(Object.keys(stack.resolve(metric.dimensions))).toEqual(['FunctionName', 'Resource']);
  });

  test('When a runtime metric is read, then it has the namespace, name, statistic and service dimension the runtime emits', () => {
    const cases: Array<[cloudwatch.Metric, (typeof RUNTIME_METRICS)[keyof typeof RUNTIME_METRICS]]> = [
      [endpoint.metricModelLoadFailures() as cloudwatch.Metric, RUNTIME_METRICS.modelLoadFailures],
      [endpoint.metricRuntimeErrors() as cloudwatch.Metric, RUNTIME_METRICS.errors],
      [endpoint.metricRuntimeLatency() as cloudwatch.Metric, RUNTIME_METRICS.latency],
      [endpoint.metricPredictedValue() as cloudwatch.Metric, RUNTIME_METRICS.predictedValue],
      [endpoint.metricInvalidRequests('bad_json') as cloudwatch.Metric, RUNTIME_METRICS.invalidRequests],
      [endpoint.metricPredictions('setosa') as cloudwatch.Metric, RUNTIME_METRICS.predictions],
    ];
    for (const [metric, expected] of cases) {
      expect({ namespace: metric.namespace, name: metric.metricName, statistic: metric.statistic, period: metric.period.toMinutes() }).toEqual({
        namespace: 'modelstack',
        name: expected.name,
        statistic: expected.statistic,
        period: 5,
      });
      expect(metric.dimensions).toMatchObject({ service: 'iris' });
    }
    expect(endpoint.metricInvalidRequests('bad_json')).toMatchObject({ dimensions: { service: 'iris', reason: 'bad_json' } });
    expect(endpoint.metricPredictions('setosa')).toMatchObject({ dimensions: { service: 'iris', label: 'setosa' } });
  });

  test('When options are passed, then they override the defaults (spread last)', () => {
    const metric = endpoint.metricModelLoadFailures({ statistic: 'Maximum', period: Duration.minutes(1) }) as cloudwatch.Metric;
    expect([metric.statistic, metric.period.toMinutes()]).toEqual(['Maximum', 1]);
  });

  test('When invalid requests of every reason are asked for, then it is an alarmable SUM over each known reason', () => {
    const sum = endpoint.metricInvalidRequests() as cloudwatch.MathExpression;
    expect(sum).toBeInstanceOf(cloudwatch.MathExpression);
    expect(sum.expression).toBe(`SUM([${REJECT_REASONS.map((_, i) => `reason${i}`).join(',')}])`);
    const reasons = Object.values(sum.usingMetrics).map((m) => (m as cloudwatch.Metric).dimensions?.reason);
    expect(reasons).toEqual([...REJECT_REASONS]);
    // An alarm accepts it: at most 10 metrics, no SEARCH.
    new cloudwatch.Alarm(stack, 'AnyInvalid', { metric: sum, threshold: 1, evaluationPeriods: 1 });
    expect(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).not.toEqual({});
  });

  test('When predictions of every label are asked for, then it sums over the manifest labels', () => {
    const sum = endpoint.metricPredictions() as cloudwatch.MathExpression;
    expect(Object.values(sum.usingMetrics).map((m) => (m as cloudwatch.Metric).dimensions?.label)).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  test('When a grantee is granted invoke, then it may call the live alias\'s URL and nothing else', () => {
    const fresh = endpointFor('iris');
    const role = new iam.Role(fresh.stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fresh.endpoint.grantInvoke(role);
    const policies = Object.values(Template.fromStack(fresh.stack).findResources('AWS::IAM::Policy')) as Array<{
      Properties: { Roles: unknown[]; PolicyDocument: { Statement: Array<{ Action: string; Resource: unknown }> } };
    }>;
    const callerPolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('Caller'));
    const actions = callerPolicy?.Properties.PolicyDocument.Statement.map((s) => s.Action).sort();
    expect(actions).toEqual(['lambda:InvokeFunction', 'lambda:InvokeFunctionUrl']);
    for (const statement of callerPolicy?.Properties.PolicyDocument.Statement ?? []) {
      expect(JSON.stringify(statement.Resource)).toContain('InferenceLiveAlias');
    }
  });
});

describe('Given a regression endpoint', () => {
  test('When predictions by label are asked for, then it refuses and points to the predicted value', () => {
    const { endpoint } = endpointFor('diabetes', 'ml/models');
    expect(() => endpoint.metricPredictions()).toThrow(/regression model.*metricPredictedValue/);
    expect((endpoint.metricPredictedValue() as cloudwatch.Metric).namespace).toBe('ml/models');
  });
});
