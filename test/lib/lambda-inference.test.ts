import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Size, Stack, Validations, type App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { parseManifest, type Manifest } from '../../lambda/core/manifest';
import { plainRuntimeConfig } from '../../lambda/core/plain-runtime-config';
import { runtimeConfigFromEnv } from '../../lambda/core/runtime-config';
import { LambdaInference, LIVE_ALIAS_NAME } from '../../lib/lambda-inference';
import type { LambdaInferenceProps } from '../../lib/lambda-inference-props';
import { ModelStore } from '../../lib/model-store';
import { ModelFile } from '../../lib/model-file';
import { PropsValidationError } from '../../lib/props-validation';
import { PROJECT_ROOT, testApp } from '../support/app';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'breast-cancer');
const MANIFEST: Manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'model.json'), 'utf8')));

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly store: ModelStore;
  readonly inference: LambdaInference;
}

function create(props: Partial<LambdaInferenceProps> = {}, options: { bundle?: boolean } = {}): Fixture {
  const app = testApp({ bundle: options.bundle });
  const stack = new Stack(app, 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(path.join(EXAMPLE, 'model.onnx')) });
  const inference = new LambdaInference(stack, 'Inference', { store, manifest: MANIFEST, accountConcurrencyQuota: 1000, ...props });
  return { app, stack, store, inference };
}

function synth(props: Partial<LambdaInferenceProps> = {}): Fixture & { template: Template } {
  const fixture = create(props);
  return { ...fixture, template: Template.fromStack(fixture.stack) };
}

function problemsOf(props: Partial<LambdaInferenceProps>): readonly string[] {
  try {
    create(props);
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return (error as PropsValidationError).problems;
  }
  throw new Error('expected the props to be refused');
}

/** Logical id of a construct's CloudFormation resource. */
function idOf(construct: { node: { defaultChild?: unknown } }, stack: Stack): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

function functionProps(template: Template): Record<string, unknown> {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x' } });
  expect(Object.keys(functions)).toHaveLength(1);
  return Object.values(functions)[0].Properties as Record<string, unknown>;
}

describe('Given a LambdaInference with default props', () => {
  const { stack, store, inference, template } = synth();
  const fnId = idOf(inference.function, stack);
  const logGroupId = idOf(inference.logGroup, stack);

  test('When synthesized, then the function runs index.handler on Node.js 24, x86_64, 2048 MiB, 30 s, 512 MiB /tmp', () => {
    expect(functionProps(template)).toMatchObject({
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Architectures: ['x86_64'],
      MemorySize: 2048,
      Timeout: 30,
      EphemeralStorage: { Size: 512 },
    });
  });

  test('When synthesized, then no concurrency is reserved', () => {
    expect(functionProps(template).ReservedConcurrentExecutions).toBeUndefined();
  });

  test('When synthesized, then the environment tells the runtime where the model is and how to behave', () => {
    expect(functionProps(template).Environment).toEqual({
      Variables: {
        MODEL_BUCKET: { Ref: idOf(store.bucket, stack) },
        MODEL_KEY: store.modelKey,
        MODEL_SHA256: store.modelSha256,
        MAX_BATCH_SIZE: '1000',
        MAX_PAYLOAD_BYTES: '6291456',
        LOG_PAYLOADS: 'false',
        POWERTOOLS_SERVICE_NAME: 'breast-cancer',
        POWERTOOLS_METRICS_NAMESPACE: 'modelstack',
        NODE_OPTIONS: '--enable-source-maps',
      },
    });
  });

  test('When synthesized, then X-Ray tracing is active and logs are JSON in its own log group', () => {
    expect(functionProps(template)).toMatchObject({
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
    });
  });

  test('When synthesized, then the log group keeps logs 30 days, is KMS-encrypted with its own key and is retained', () => {
    const logKeyId = idOf(inference.node.findChild('Logs').node.findChild('Key'), stack);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        RetentionInDays: 30,
        KmsKeyId: { 'Fn::GetAtt': [logKeyId, 'Arn'] },
        LogGroupName: Match.stringLikeRegexp('^/modelstack/Test/'),
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
  });

  test('When synthesized, then the log key lets CloudWatch Logs use it for this log group only', () => {
    const logKeyId = idOf(inference.node.findChild('Logs').node.findChild('Key'), stack);
    const logGroupName = template.toJSON().Resources[logGroupId].Properties.LogGroupName as string;
    const statements = template.toJSON().Resources[logKeyId].Properties.KeyPolicy.Statement as unknown[];
    expect(statements).toContainEqual({
      Sid: 'AllowCloudWatchLogsForThisLogGroup',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:log-group:${logGroupName}`]],
          },
        },
      },
    });
  });

  test('When synthesized, then the role has no inline or AWS-managed policy, only its own customer-managed policy', () => {
    const roleId = idOf(inference.role, stack);
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    expect(Object.values(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p).includes(roleId))).toEqual([]);
    expect(functionProps(template).Role).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test('When synthesized, then the role may write its log group, trace, and read only its model', () => {
    const roleId = idOf(inference.role, stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
          {
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(store.bucket, stack), 'Arn'] }, '/models/breast-cancer/*']] },
          },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: { 'Fn::GetAtt': [idOf(store.encryptionKey, stack), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          },
        ],
      },
    });
  });

  test('When synthesized, then the function and its versions wait for the model object and its role policy', () => {
    const fn = template.toJSON().Resources[fnId];
    expect(fn.DependsOn).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ModelStoreDeploymentCustomResource/), idOf(inference.node.findChild('ServiceRole').node.findChild('Policy'), stack)]),
    );
  });

  test(`When synthesized, then alias '${LIVE_ALIAS_NAME}' points at the current version, and old versions are retained`, () => {
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: fnId },
      FunctionVersion: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceCurrentVersion'), 'Version'] },
    });
    template.hasResource('AWS::Lambda::Version', { Properties: { FunctionName: { Ref: fnId } }, DeletionPolicy: 'Retain' });
  });

  test('When synthesized, then the function URL is on the alias with AWS_IAM auth and nothing grants public invoke', () => {
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', Qualifier: 'live', TargetFunctionArn: { 'Fn::GetAtt': [fnId, 'Arn'] } });
    expect(Object.values(template.findResources('AWS::Lambda::Permission')).filter((p) => p.Properties.Principal === '*')).toEqual([]);
  });

  test('When bundling is skipped for the stack, then the bundle sizes are unknown', () => {
    expect(inference.bundleSizeBytes).toBeUndefined();
    expect(inference.bundleZippedBytes).toBeUndefined();
  });

  test('When metrics are requested, then they are the alias\'s (FunctionName and Resource fn:live dimensions)', () => {
    for (const metric of [inference.metricErrors(), inference.metricDuration(), inference.metricThrottles(), inference.metricInvocations()]) {
      expect(metric.namespace).toBe('AWS/Lambda');
      expect(stack.resolve(metric.dimensions)).toEqual({
        FunctionName: { Ref: fnId },
        Resource: { 'Fn::Join': ['', [{ Ref: fnId }, ':live']] },
      });
    }
    expect(inference.metricErrors({ period: Duration.minutes(1) }).period.toMinutes()).toBe(1);
    expect(inference.metricErrors().metricName).toBe('Errors');
    expect(inference.metricThrottles().metricName).toBe('Throttles');
  });
});

describe('When granting invoke', () => {
  test('then the caller may invoke the function URL of the live alias only, with the AWS_IAM and via-URL conditions', () => {
    const { stack, inference } = create();
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    const grant = inference.grantInvoke(caller);
    const template = Template.fromStack(stack);
    const aliasRef = { Ref: idOf(inference.alias, stack) };
    expect(grant.success).toBe(true);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: idOf(caller, stack) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'lambda:InvokeFunctionUrl', Resource: aliasRef, Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } } },
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: aliasRef, Condition: { Bool: { 'lambda:InvokedViaFunctionUrl': true } } },
        ],
      },
    });
  });
});

describe('Given custom props', () => {
  test('When architecture is ARM_64, then the function runs on arm64', () => {
    expect(functionProps(synth({ architecture: lambda.Architecture.ARM_64 }).template).Architectures).toEqual(['arm64']);
  });

  test('When memory, timeout, concurrency and /tmp are set, then the function uses them', () => {
    const { template } = synth({ memorySizeMiB: 1024, timeout: Duration.minutes(2), reservedConcurrentExecutions: 5, ephemeralStorageSize: Size.gibibytes(2) });
    expect(functionProps(template)).toMatchObject({ MemorySize: 1024, Timeout: 120, ReservedConcurrentExecutions: 5, EphemeralStorage: { Size: 2048 } });
  });

  test('When request limits, payload logging and the metrics namespace are set, then the environment carries them', () => {
    const { template } = synth({ maxBatchSize: 50, maxPayloadBytes: 1024, logPayloads: true, metricsNamespace: 'ml/prod' });
    expect((functionProps(template).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      MAX_BATCH_SIZE: '50',
      MAX_PAYLOAD_BYTES: '1024',
      LOG_PAYLOADS: 'true',
      POWERTOOLS_METRICS_NAMESPACE: 'ml/prod',
    });
  });

  test('When synthesized with limits and evaluation figures, then the function reads its environment without the schemas (zod), as they read it', () => {
    const evaluation = { verdict: 'pass' as const, keyMetric: 'macroF1', metrics: { macroF1: 0.96 }, rows: 143, dataSha256: 'a'.repeat(64), evaluatedAt: '2025-01-01T00:00:00Z' };
    const { template } = synth({ maxBatchSize: 50, maxPayloadBytes: 1024, logPayloads: true, metricsNamespace: 'ml/prod', evaluation });
    const variables = (functionProps(template).Environment as { Variables: Record<string, unknown> }).Variables;
    // The bucket's name is a token until deployment: any valid name stands for it.
    const env = { ...variables, MODEL_BUCKET: 'modelstack-models' } as NodeJS.ProcessEnv;
    const plain = plainRuntimeConfig(env);
    expect(plain).toMatchObject({ limits: { maxBatchSize: 50, maxPayloadBytes: 1024 }, logPayloads: true, metricsNamespace: 'ml/prod', evaluation });
    expect(plain).toEqual(runtimeConfigFromEnv(env));
  });

  test('When logRetention and DESTROY are set, then the log group and its key use them', () => {
    const { template } = synth({ logRetention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 365 }, DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { Properties: { Description: Match.stringLikeRegexp('logs') }, DeletionPolicy: 'Delete' });
  });

  test('When a logEncryptionKey from the app is given, then no log key is created and the given key gets the CloudWatch Logs statement', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const key = new kms.Key(stack, 'SharedLogKey', { enableKeyRotation: true });
    const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(path.join(EXAMPLE, 'model.onnx')) });
    const inference = new LambdaInference(stack, 'Inference', { store, manifest: MANIFEST, logEncryptionKey: key });
    const template = Template.fromStack(stack);
    expect(inference.node.findChild('Logs').node.tryFindChild('Key')).toBeUndefined();
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [idOf(key, stack), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogsForThisLogGroup' })]) },
    });
  });

  function withImportedLogKey(): { app: App; inference: LambdaInference } {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(path.join(EXAMPLE, 'model.onnx')) });
    return { app, inference: new LambdaInference(stack, 'Inference', { store, manifest: MANIFEST, logEncryptionKey: key }) };
  }

  test('When an imported logEncryptionKey is given, then synth stops on a warning that its key policy must allow CloudWatch Logs', () => {
    const { app } = withImportedLogKey();
    expect(() => app.synth()).toThrow(/the log encryption key is imported: make sure its key policy lets logs\.<region>\.amazonaws\.com use it[\s\S]*Annotation::modelstack:logEncryptionKeyPolicy/);
  });

  test('When that warning is acknowledged (key policy checked), then synth succeeds', () => {
    const { app, inference } = withImportedLogKey();
    Validations.of(inference).acknowledge({ id: 'modelstack:logEncryptionKeyPolicy', reason: 'The shared log key allows CloudWatch Logs.' });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('Given bundling enabled for the stack', () => {
  test('When synthesized, then the function code is the local bundle and its sizes are reported', () => {
    const { stack, inference } = create({}, { bundle: true });
    expect(inference.bundleSizeBytes).toBeGreaterThan(40_000_000);
    expect(inference.bundleSizeBytes).toBeLessThan(262_144_000);
    expect(inference.bundleZippedBytes).toBeLessThan(52_428_800);
    Annotations.fromStack(stack).hasInfo('/Test/Inference', Match.stringLikeRegexp('^Lambda bundle \\(x86_64\\): .* unzipped, about .* zipped'));
    const template = Template.fromStack(stack);
    const code = functionProps(template).Code as { S3Key: string };
    expect(code.S3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
  });
});

describe('Given invalid props', () => {
  test('When the manifest is for another model, then the error names both names', () => {
    expect(problemsOf({ manifest: { ...MANIFEST, name: 'iris' } })).toEqual(["manifest.name must be the store's modelName ('breast-cancer') (got 'iris')"]);
  });

  test('When the architecture is not x86_64 or arm64, then it is refused', () => {
    expect(problemsOf({ architecture: lambda.Architecture.custom('s390x', 'linux/s390x') })).toEqual([
      "architecture must be x86_64 or arm64 (onnxruntime-node ships Linux binaries for those only) (got 's390x')",
    ]);
  });

  test.each([127, 10241, 1536.5])('When memorySizeMiB is %p, then it is refused with the allowed range', (memorySizeMiB) => {
    expect(problemsOf({ memorySizeMiB })).toEqual([`memorySizeMiB must be a whole number from 128 MiB to 10240 MiB (got ${memorySizeMiB})`]);
  });

  test.each([
    ['0 seconds', Duration.seconds(0)],
    ['16 minutes', Duration.minutes(16)],
    ['1 second 500 millis', Duration.millis(1500)],
  ])('When timeout is %s, then it is refused with the allowed range', (shown, timeout) => {
    expect(problemsOf({ timeout })).toEqual([`timeout must be a whole number of seconds from 1 second to 15 minutes (got ${shown})`]);
  });

  test('When reservedConcurrentExecutions is 0, then it is refused', () => {
    expect(problemsOf({ reservedConcurrentExecutions: 0 })).toEqual([
      `reservedConcurrentExecutions must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER} (got 0)`,
    ]);
  });

  test('When ephemeralStorageSize is under 512 MiB, then it is refused', () => {
    expect(problemsOf({ ephemeralStorageSize: Size.mebibytes(256) })).toEqual(['ephemeralStorageSize must be a whole number of MiB from 512 MiB to 10240 MiB (got \'256 MiB\')']);
  });

  test('When maxBatchSize is 0, then it is refused', () => {
    expect(problemsOf({ maxBatchSize: 0 })).toEqual(['maxBatchSize must be a whole number from 1 to 1000000 (got 0)']);
  });

  test('When maxPayloadBytes is over the function URL limit, then it is refused', () => {
    expect(problemsOf({ maxPayloadBytes: 6291457 })).toEqual(['maxPayloadBytes must be a whole number from 1 bytes to 6291456 bytes (got 6291457)']);
  });

  test('When metricsNamespace starts with AWS/, then it is refused', () => {
    expect(problemsOf({ metricsNamespace: 'AWS/Lambda' })).toEqual([
      "metricsNamespace must be 1-255 letters, digits, spaces or . _ - / # :, not starting with 'AWS/' (got 'AWS/Lambda')",
    ]);
  });

  test('When several props are invalid, then all problems are thrown at once, naming the construct', () => {
    expect(problemsOf({ memorySizeMiB: 1, timeout: Duration.hours(1), maxBatchSize: -1 })).toHaveLength(3);
    expect(() => create({ memorySizeMiB: 1 })).toThrow(/^Invalid props for Test\/Inference:\n {2}- memorySizeMiB must be/);
  });
});

describe('Given the cdk-nag packs of the project', () => {
  function violations(props: Partial<LambdaInferenceProps>): string[] {
    const { stack } = synth(props);
    return [new AwsSolutionsChecks(undefined, { verbose: true }), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(stack).violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    );
  }

  test('When AwsSolutions and HIPAA checks run on a stack with a store and the inference function, then nothing is unacknowledged', () => {
    expect(violations({})).toEqual([]);
  });

  test('When reserved concurrency is set, then LambdaConcurrency needs no acknowledgement and nothing is unacknowledged', () => {
    const { inference } = create({ reservedConcurrentExecutions: 10 });
    const acknowledged = JSON.stringify(
      inference.function.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).map((m) => m.data),
    );
    expect(acknowledged).not.toContain('LambdaConcurrency');
    expect(violations({ reservedConcurrentExecutions: 10 })).toEqual([]);
  });

  test('When the stack has an account and a region (literal ARNs), then nothing is unacknowledged', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
    const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(path.join(EXAMPLE, 'model.onnx')) });
    new LambdaInference(stack, 'Inference', { store, manifest: MANIFEST });
    Template.fromStack(stack);
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(found).toEqual([]);
  });

  test('When the packs run as synth-time validation plugins, then synth succeeds', () => {
    const { app } = create();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('When the acknowledgements are missing, then the function findings do appear (the acknowledgements are needed)', () => {
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let stack: Stack;
    try {
      stack = create().stack;
    } finally {
      spy.mockRestore();
    }
    Template.fromStack(stack);
    const found = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack
        .validateScope(stack)
        .violations.filter((v) => v.violatingResources.some((r) => r.constructPath?.startsWith('Test/Inference/')))
        .map((v) => v.ruleName),
    );
    expect(found).toHaveLength(5);
    expect(found).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Resource::*]',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ModelStore[0-9A-F]{8}\.Arn>\/models\/breast-cancer\/\*\]$/),
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaDLQ',
        'HIPAA.Security-LambdaInsideVPC',
      ]),
    );
  });
});
