import { RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { lambdaServingOptions, modelStackProps } from '../../config/endpoint-props';
import { environments } from '../../config/environments';
import { loadEnvironments } from '../../config/load';
import type { LambdaPlatformConfig } from '../../config/schema';
import { inspectModelArtifact } from '../../lib/model-artifact';
import { PROJECT_ROOT } from '../support/app';

async function loaded(name: 'dev' | 'prod', architecture?: 'arm64') {
  const raw = { [name]: { ...environments[name], platform: { ...environments[name].platform, ...(architecture ? { architecture } : {}) } } };
  const [env] = loadEnvironments(raw, { projectRoot: PROJECT_ROOT });
  const model = await inspectModelArtifact(env.modelPath, env.manifestPath);
  return { env, model };
}

describe('Given the Lambda platform mapping', () => {
  test('When it maps a validated config, then every platform field reaches the endpoint options', async () => {
    const { env } = await loaded('prod');
    const options = lambdaServingOptions(env.config.platform as LambdaPlatformConfig, env.config.protection);
    expect({
      memorySizeMiB: options.memorySizeMiB,
      timeout: options.timeout?.toSeconds(),
      reserved: options.reservedConcurrentExecutions,
      maxBatchSize: options.maxBatchSize,
      maxPayloadBytes: options.maxPayloadBytes,
      logRetention: options.logRetention,
      architecture: options.architecture?.name,
      rollout: options.rollout?.kind,
    }).toEqual({
      memorySizeMiB: 2048,
      timeout: 30,
      reserved: 100,
      maxBatchSize: 1000,
      maxPayloadBytes: 6291456,
      logRetention: 365,
      architecture: 'x86_64',
      rollout: 'canary',
    });
  });

  test('When the config says arm64, then the options carry ARM_64', async () => {
    const { env } = await loaded('dev', 'arm64');
    expect(lambdaServingOptions(env.config.platform as LambdaPlatformConfig, env.config.protection).architecture).toBe(lambda.Architecture.ARM_64);
  });

  test('When a whole environment is mapped, then the stack props carry the model, platform, removal policy, storage and tags', async () => {
    const { env, model } = await loaded('prod');
    const props = modelStackProps({ environmentName: env.name, config: env.config, model });
    expect({
      environmentName: props.environmentName,
      platform: props.endpoint.platform?.type,
      removalPolicy: props.endpoint.removalPolicy,
      noncurrentDays: props.endpoint.store?.noncurrentVersionExpiration?.toDays(),
      tags: props.resourceTags,
      drift: props.endpoint.monitoring?.drift?.enabled,
    }).toEqual({
      environmentName: 'prod',
      platform: 'lambda',
      removalPolicy: RemovalPolicy.RETAIN,
      noncurrentDays: env.config.storage.noncurrentVersionExpirationDays,
      tags: env.config.tags,
      drift: true,
    });
    expect(props.endpoint.model).toBe(model);
  });
});
