import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { environments } from '../../../config/environments';
import { loadEnvironments } from '../../../config/load';
import type { LambdaPlatformConfig } from '../../../config/schema';
import { inspectModelArtifact } from '../../../lib/model-artifact';
import { ModelFile } from '../../../lib/model-file';
import { ModelStore } from '../../../lib/model-store';
import { buildEndpoint } from '../../../lib/platforms';
import { lambdaInferenceProps } from '../../../lib/platforms/lambda';
import { PROJECT_ROOT, testApp } from '../../support/app';

async function context(name: 'dev' | 'prod', architecture?: 'arm64') {
  const raw = { [name]: { ...environments[name], platform: { ...environments[name].platform, ...(architecture ? { architecture } : {}) } } };
  const [env] = loadEnvironments(raw, { projectRoot: PROJECT_ROOT });
  const model = await inspectModelArtifact(env.modelPath, env.manifestPath);
  const stack = new Stack(testApp(), 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: model.manifest.name, model: ModelFile.fromArtifact(model) });
  return { stack, ctx: { config: env.config, model, store, removalPolicy: RemovalPolicy.RETAIN } };
}

describe('Given the Lambda platform builder', () => {
  test('When it maps a validated config, then every platform field reaches the construct props', async () => {
    const { ctx } = await context('prod');
    const platform = ctx.config.platform as LambdaPlatformConfig;
    const props = lambdaInferenceProps(platform, ctx);
    expect({
      memorySizeMiB: props.memorySizeMiB,
      timeout: props.timeout?.toSeconds(),
      reserved: props.reservedConcurrentExecutions,
      maxBatchSize: props.maxBatchSize,
      maxPayloadBytes: props.maxPayloadBytes,
      logRetention: props.logRetention,
      architecture: props.architecture?.name,
      removalPolicy: props.removalPolicy,
    }).toEqual({
      memorySizeMiB: 2048,
      timeout: 30,
      reserved: 100,
      maxBatchSize: 1000,
      maxPayloadBytes: 6291456,
      logRetention: 365,
      architecture: 'x86_64',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    expect(props.store).toBe(ctx.store);
    expect(props.manifest).toBe(ctx.model.manifest);
  });

  test('When the config says arm64, then the props carry ARM_64', async () => {
    const { ctx } = await context('dev', 'arm64');
    expect(lambdaInferenceProps(ctx.config.platform as LambdaPlatformConfig, ctx).architecture).toBe(lambda.Architecture.ARM_64);
  });

  test('When the endpoint is built by platform type, then a lambda platform gives a Lambda endpoint', async () => {
    const { stack, ctx } = await context('dev');
    const endpoint = buildEndpoint(stack, 'Inference', ctx);
    expect(endpoint.platform).toBe('lambda');
    expect(endpoint.node.path).toBe('Test/Inference');
  });
});
