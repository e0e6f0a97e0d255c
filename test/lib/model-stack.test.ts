import { Token } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { environments } from '../../config/environments';
import type { ModelStack } from '../../lib/model-stack';
import { buildTestStacks } from '../support/stacks';

const BREAST_CANCER_SHA256 = /^[0-9a-f]{64}$/;

describe('Given the shipped environments', () => {
  let stacks: ModelStack[];
  const stackOf = (environment: string): ModelStack => {
    const stack = stacks.find((candidate) => candidate.stackName.endsWith(`-${environment}`));
    if (stack === undefined) throw new Error(`no stack for ${environment}`);
    return stack;
  };
  beforeAll(async () => {
    ({ stacks } = await buildTestStacks());
  });

  test('When synthesized, then there is one stack per environment with generated, environment-specific names', () => {
    expect(stacks.map((stack) => stack.stackName)).toEqual([
      'modelstack-breast-cancer-dev',
      'modelstack-breast-cancer-staging',
      'modelstack-breast-cancer-sandbox',
      'modelstack-breast-cancer-prod',
    ]);
  });

  test('When synthesized, then no resource has a hard-coded physical name, so environments can share an account', () => {
    const nameProps = ['BucketName', 'FunctionName', 'LogGroupName', 'RoleName', 'TopicName', 'AliasName'];
    for (const stack of stacks) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
      const ownName = new RegExp(`${stack.stackName}|${stack.stackName.replace(/-/g, '')}`);
      for (const [logicalId, resource] of Object.entries(resources)) {
        // Lambda alias names are scoped to their function; references (Ref/GetAtt) to generated names are fine.
        if (resource.Type === 'AWS::Lambda::Alias') continue;
        for (const prop of nameProps) {
          const value = resource.Properties?.[prop];
          // A literal name is acceptable only when it is generated from this stack's own name.
          if (typeof value === 'string') expect({ logicalId, prop, value }).toEqual({ logicalId, prop, value: expect.stringMatching(ownName) });
        }
      }
    }
  });

  test('When synthesized, then prod retains its stateful resources and is termination-protected', () => {
    const prod = stackOf('prod');
    expect(prod.terminationProtection).toBe(true);
    const template = Template.fromStack(prod);
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      const resources = template.findResources(type);
      expect(Object.keys(resources).length).toBeGreaterThan(0);
      for (const resource of Object.values(resources)) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  test('When synthesized, then dev (removalPolicy destroy) deletes its stateful resources with the stack', () => {
    const template = Template.fromStack(stackOf('dev'));
    for (const resource of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(resource).toMatchObject({ DeletionPolicy: 'Delete' });
    }
    expect(stackOf('dev').terminationProtection).toBe(false);
  });

  test.each([
    ['dev', environments.dev],
    ['prod', environments.prod],
  ])('When the Lambda environment %s is synthesized, then the function gets its memory, timeout and reserved concurrency from config', (name, env) => {
    Template.fromStack(stackOf(name)).hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: env.platform.memorySizeMiB,
      Timeout: env.platform.timeoutSeconds,
      ReservedConcurrentExecutions: env.platform.reservedConcurrency,
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
    });
  });

  test('When synthesized, then the log group keeps logs as long as the config says', () => {
    Template.fromStack(stackOf('prod')).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    Template.fromStack(stackOf('dev')).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('When synthesized, then the bucket expires noncurrent model versions after the configured days', () => {
    Template.fromStack(stackOf('dev')).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } })]) },
    });
    Template.fromStack(stackOf('prod')).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 365 } })]) },
    });
  });

  test('When synthesized, then every taggable resource carries the config tags and the modelstack tags', () => {
    const template = Template.fromStack(stackOf('prod'));
    const expected = [
      { Key: 'cost-center', Value: 'ml-platform' },
      { Key: 'environment', Value: 'prod' },
      { Key: 'modelstack:environment', Value: 'prod' },
      { Key: 'modelstack:model', Value: 'breast-cancer' },
      { Key: 'modelstack:model-version', Value: '1.0.0' },
      { Key: 'project', Value: 'modelstack' },
    ];
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Lambda::Function', 'AWS::Logs::LogGroup', 'AWS::IAM::Role']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect((resource as { Properties: { Tags: unknown } }).Properties.Tags).toEqual(expect.arrayContaining(expected));
      }
    }
  });

  test('When synthesized, then the outputs give the IAM-authenticated URL and the content-addressed model', () => {
    const template = Template.fromStack(stackOf('dev'));
    const url = new Capture();
    template.hasOutput('InferenceUrl', { Value: { 'Fn::GetAtt': [url, 'FunctionUrl'] } });
    expect(template.toJSON().Resources[url.asString()]).toMatchObject({ Type: 'AWS::Lambda::Url', Properties: { AuthType: 'AWS_IAM' } });
    template.hasOutput('ModelKey', { Value: Match.stringLikeRegexp('^models/breast-cancer/[0-9a-f]{64}\\.onnx$') });
    template.hasOutput('ModelSha256', { Value: Match.stringLikeRegexp(BREAST_CANCER_SHA256.source) });
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
  });

  test('When synthesized, then the stacks are environment-agnostic for the account but pinned to the configured region', () => {
    for (const stack of stacks) {
      expect(stack.region).toBe('eu-west-1');
      expect(Token.isUnresolved(stack.account)).toBe(true);
    }
  });
});

describe('Given an environment on arm64', () => {
  test('When synthesized, then the function runs on arm64', async () => {
    const { stacks } = await buildTestStacks({
      environments: { dev: { ...environments.dev, platform: { ...environments.dev.platform, architecture: 'arm64' } } },
    });
    Template.fromStack(stacks[0]).hasResourceProperties('AWS::Lambda::Function', { Architectures: ['arm64'] });
  });
});

describe('Given a model whose manifest does not fit it', () => {
  test('When the app is built, then synth is refused naming the manifest field and the model', async () => {
    const { mkdtempSync, copyFileSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'modelstack-mismatch-'));
    copyFileSync(join(__dirname, '..', '..', 'examples', 'iris', 'model.onnx'), join(dir, 'model.onnx'));
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'examples', 'iris', 'model.json'), 'utf8')) as { input: { features: unknown[] } };
    manifest.input.features.pop();
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
    await expect(buildTestStacks({ environments: { dev: { ...environments.dev, model: { directory: dir } } } })).rejects.toThrow(
      /input\.features: 3 features listed but the model's input "input" takes 4/,
    );
  });
});

describe('Given protection set by config, not by the environment name', () => {
  test('When an environment of another name has production protection, then it is termination-protected and retains its data', async () => {
    const { stacks } = await buildTestStacks({
      environments: { 'live-eu': { ...environments.prod, protection: 'production', removalPolicy: 'retain' } },
    });
    const [stack] = stacks;
    expect(stack.stackName).toBe('modelstack-breast-cancer-live-eu');
    expect(stack.terminationProtection).toBe(true);
    const template = Template.fromStack(stack);
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      }
    }
  });

  test('When an environment called prod has standard protection, then its name alone protects nothing', async () => {
    const { stacks } = await buildTestStacks({
      environments: { prod: { ...environments.prod, protection: 'standard', removalPolicy: 'destroy' } },
    });
    expect(stacks[0].terminationProtection).toBe(false);
    for (const resource of Object.values(Template.fromStack(stacks[0]).findResources('AWS::S3::Bucket'))) {
      expect(resource).toMatchObject({ DeletionPolicy: 'Delete' });
    }
  });
});

describe('Given the stack as a composition root', () => {
  test('When built, then the endpoint is reachable only through IInferenceEndpoint and its URL is the InferenceUrl output', async () => {
    const { stacks } = await buildTestStacks({ only: 'dev' });
    const [stack] = stacks;
    expect(stack.inference.platform).toBe('lambda');
    Template.fromStack(stack).hasOutput('InferenceUrl', { Value: stack.resolve(stack.inference.endpointUrl), Description: stack.inference.endpointUrlDescription });
  });
});

describe('Given environments pointed at models from the standard exporters', () => {
  test.each([['examples/penguins-sklearn/served'], ['examples/penguins-lightgbm'], ['examples/digits-pytorch']])(
    'When an environment serves %s, then synth builds its stack with the manifest checked against the model',
    async (directory) => {
      // Drift alarms need evaluation data (served/ has none) and at most 9 labels (digits has 10): both warn, and
      // warnings fail synth, so this environment turns drift off as such a user would.
      const alarms = { ...environments.dev.alarms, drift: { enabled: false } };
      const { stacks } = await buildTestStacks({ environments: { dev: { ...environments.dev, alarms, model: { directory } } } });
      const template = Template.fromStack(stacks[0]);
      template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x' });
      template.hasOutput('ModelKey', { Value: Match.stringLikeRegexp(`^models/${stacks[0].store.modelName}/[0-9a-f]{64}\\.onnx$`) });
    },
  );

  test('When an environment serves the raw ZipMap model, then synth is refused naming the init fix', async () => {
    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'modelstack-zipmap-'));
    const { copyFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    copyFileSync(join(__dirname, '..', '..', 'examples', 'penguins-sklearn', 'model.onnx'), join(dir, 'model.onnx'));
    copyFileSync(join(__dirname, '..', '..', 'examples', 'penguins-sklearn', 'served', 'model.json'), join(dir, 'model.json'));
    await expect(buildTestStacks({ environments: { dev: { ...environments.dev, model: { directory: dir } } } })).rejects.toThrow(/ZipMap.*modelstack -- init/s);
  });
});
