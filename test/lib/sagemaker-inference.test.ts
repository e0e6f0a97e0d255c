import * as fs from 'node:fs';
import * as path from 'node:path';
import { Size, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ContainerImage } from '../../lib/container-image';
import { SageMakerInstanceType } from '../../lib/sagemaker/instance-type';
import { createSageMaker, MANIFEST, MODEL, nagFindings, sageMakerProblems, synthSageMaker } from '../support/sagemaker';

const VERSION_PREFIX = /^models\/breast-cancer\/[0-9a-f]{32}\/$/;

describe('Given a SageMaker endpoint with the defaults', () => {
  const { template, inference, stack } = synthSageMaker();
  const id = (construct: { node: { defaultChild?: unknown } } | object): string => stack.getLogicalId(construct as never);

  test('When synthesized, then the model reads its own version prefix (S3Prefix, uncompressed) and is network-isolated', () => {
    expect(inference.modelData.prefix).toMatch(VERSION_PREFIX);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      PrimaryContainer: {
        ModelDataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            CompressionType: 'None',
            S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^ModelStore') }, `/${inference.modelData.prefix}`]] },
          },
        },
        Environment: Match.objectLike({ MODEL_SHA256: MODEL.sha256, MAX_PAYLOAD_BYTES: String(6 * 1024 * 1024) }),
      },
    });
  });

  test('When synthesized, then exactly model.onnx and model.json are deployed under that prefix', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: inference.modelData.prefix, Prune: false, Extract: true });
  });

  test('When the manifest changes, then the version prefix changes too (the model bytes alone do not name it)', () => {
    const other = createSageMaker({ manifest: { ...MANIFEST, version: '9.9.9' } }).inference;
    expect(other.modelData.prefix).not.toBe(inference.modelData.prefix);
    expect(other.modelData.prefix).toMatch(VERSION_PREFIX);
  });

  test("When synthesized, then the endpoint config encrypts with the model store's KMS key", () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelStoreKey'), 'Arn'] },
      ProductionVariants: [{ VariantName: 'primary', InstanceType: 'ml.c6i.large', InitialInstanceCount: 1, InitialVariantWeight: 1, ModelName: Match.anyValue() }],
    });
    expect(template.toJSON().Resources[id(inference.endpointConfig)].Properties.DataCaptureConfig).toBeUndefined();
  });

  test('When synthesized, then the endpoint has a generated lower-case name and its log group is created encrypted', () => {
    expect(inference.endpointName).toMatch(/^[a-z0-9](-*[a-z0-9]){0,62}$/);
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: inference.endpointName });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/sagemaker/Endpoints/${inference.endpointName}`,
      RetentionInDays: 30,
      KmsKeyId: Match.anyValue(),
    });
  });

  test("When synthesized, then the execution role's policy holds exactly these statements", () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
    });
    expect(template.toJSON().Resources[id(inference.role.node.defaultChild as never)].Properties.ManagedPolicyArns).toBeUndefined();
    const policy = template.toJSON().Resources[id(inference.role.policy.node.defaultChild as never)].Properties.PolicyDocument;
    const statements = (policy.Statement as Array<Record<string, unknown>>).map((s) => ({ Action: s.Action, Resource: JSON.stringify(s.Resource), Condition: s.Condition }));
    expect(statements).toEqual([
      { Action: 's3:GetObject', Resource: expect.stringContaining('/models/breast-cancer/*'), Condition: undefined },
      { Action: 'kms:Decrypt', Resource: expect.stringContaining('ModelStoreKey'), Condition: { StringEquals: { 'kms:ViaService': expect.anything() } } },
      {
        Action: 's3:ListBucket',
        Resource: expect.stringMatching(/"ModelStore[0-9A-F]{8}","Arn"/),
        Condition: { StringLike: { 's3:prefix': [inference.modelData.prefix, `${inference.modelData.prefix}*`] } },
      },
      { Action: ['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], Resource: expect.stringContaining('InferenceLogs'), Condition: undefined },
      { Action: 'cloudwatch:PutMetricData', Resource: '"*"', Condition: { StringEquals: { 'cloudwatch:namespace': 'modelstack' } } },
      { Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: expect.stringContaining(':repository/'), Condition: undefined },
      { Action: 'ecr:GetAuthorizationToken', Resource: '"*"', Condition: undefined },
    ]);
    expect(JSON.stringify(policy)).not.toMatch(/"s3:\*"|"sagemaker:\*"|AmazonSageMakerFullAccess/);
  });

  test('When a principal is granted invoke, then it may call InvokeEndpoint on this endpoint only', () => {
    const fixture = createSageMaker();
    const caller = new iam.Role(fixture.stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fixture.inference.grantInvoke(caller);
    Template.fromStack(fixture.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: { Ref: fixture.stack.getLogicalId(fixture.inference.endpoint) } }] },
    });
  });

  test.each([
    ['metricInvocations', 'Invocations', 'Sum'],
    ['metricInvocation4XXErrors', 'Invocation4XXErrors', 'Sum'],
    ['metricInvocation5XXErrors', 'Invocation5XXErrors', 'Sum'],
    ['metricErrors', 'Invocation5XXErrors', 'Sum'],
    ['metricModelLatency', 'ModelLatency', 'Average'],
    ['metricOverheadLatency', 'OverheadLatency', 'Average'],
    ['metricModelSetupTime', 'ModelSetupTime', 'Average'],
  ] as const)('When %s is read, then it is AWS/SageMaker %s of this endpoint and variant', (method, name, statistic) => {
    const metric = inference[method]();
    expect([metric.namespace, metric.metricName, metric.statistic]).toEqual(['AWS/SageMaker', name, statistic]);
    expect(metric.dimensions).toEqual({ EndpointName: inference.endpointName, VariantName: 'primary' });
  });

  test("When the platform latency is read, then it is ModelLatency in milliseconds; the runtime's metrics are the EMF series", () => {
    expect(inference.metricLatency({ statistic: 'p99' }).toMetricConfig().mathExpression?.expression).toBe('us_p99 / 1000');
    expect(inference.metricThrottles()).toBeUndefined();
    expect(inference.metricRuntimeLatency().namespace).toBe('modelstack');
    expect(inference.metricRuntimeLatency().dimensions).toEqual({ service: 'breast-cancer' });
  });

  test('When the cdk-nag packs run, then nothing is unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('Given a serverless variant', () => {
  const { template, inference } = synthSageMaker({ serverlessVariant: { memorySize: Size.gibibytes(3), maxConcurrency: 20, provisionedConcurrency: 2 } });

  test('When synthesized, then the one variant is serverless, with the 4 MB payload limit and no network isolation', () => {
    expect(inference.serverless).toBe(true);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      KmsKeyId: Match.anyValue(),
      ProductionVariants: [{ VariantName: 'primary', ModelName: Match.anyValue(), InitialVariantWeight: 1, ServerlessConfig: { MemorySizeInMB: 3072, MaxConcurrency: 20, ProvisionedConcurrency: 2 } }],
    });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: false,
      PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ MAX_PAYLOAD_BYTES: String(4 * 1024 * 1024) }) }),
    });
  });
});

describe('Given a container image', () => {
  test('When it comes from an ECR repository and tag, then the model runs it and the role may pull from that repository only', () => {
    const app = createSageMaker().app;
    const stack = new Stack(app, 'Ecr');
    const repository = ecr.Repository.fromRepositoryArn(stack, 'Repo', 'arn:aws:ecr:eu-west-1:123456789012:repository/modelstack-runtime');
    const { template } = synthSageMaker({ image: ContainerImage.fromEcrRepository(repository, '1.2.3') });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Image: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/modelstack-runtime:1\\.2\\.3$')])] }) }),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: 'arn:aws:ecr:eu-west-1:123456789012:repository/modelstack-runtime' })]) },
    });
  });

  test('When it is the default asset, then synth stages a Docker image asset (built by cdk deploy, not at synth)', () => {
    const { stack, app } = createSageMaker({}, { stageAssets: true });
    Template.fromStack(stack);
    const assembly = app.synth();
    const assets = JSON.parse(fs.readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as {
      dockerImages: Record<string, { source: { directory: string; platform?: string } }>;
    };
    const images = Object.values(assets.dockerImages);
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/amd64');
    expect(fs.existsSync(path.join(assembly.directory, images[0].source.directory, 'Dockerfile'))).toBe(true);
  });
});

describe('Given invalid props', () => {
  test.each([
    ['both variants', { instanceVariant: {}, serverlessVariant: {} }, /instanceVariant must be unset when serverlessVariant is set: cannot specify both instanceVariant and serverlessVariant/],
    ['a malformed instance type', { instanceVariant: { instanceType: SageMakerInstanceType.of('c6i.large') } }, /instanceVariant.instanceType must be a SageMaker hosting instance type/],
    ['no instances', { instanceVariant: { initialInstanceCount: 0 } }, /instanceVariant.initialInstanceCount must be a whole number from 1 to 100 \(got 0\)/],
    ['serverless memory off the 1 GB steps', { serverlessVariant: { memorySize: Size.mebibytes(1536) } }, /serverlessVariant.memorySize must be one of 1024, 2048, 3072, 4096, 5120, 6144 MiB .* \(got '1536 MiB'\)/],
    ['serverless concurrency over 200', { serverlessVariant: { maxConcurrency: 201 } }, /serverlessVariant.maxConcurrency must be a whole number from 1 to 200 \(got 201\)/],
    ['provisioned over max concurrency', { serverlessVariant: { maxConcurrency: 5, provisionedConcurrency: 6 } }, /serverlessVariant.provisionedConcurrency must be a whole number from 1 to 5 \(got 6\)/],
    ['a payload over the serverless limit', { serverlessVariant: {}, maxPayloadBytes: 5 * 1024 * 1024 }, /maxPayloadBytes must be a whole number from 1 bytes to 4194304 bytes/],
    ['a batch size of 0', { maxBatchSize: 0 }, /maxBatchSize must be a whole number from 1 to 1000000/],
    ['an AWS/ namespace', { metricsNamespace: 'AWS/Mine' }, /metricsNamespace must be 1-255 letters/],
    ['a manifest of another model', { manifest: { ...MANIFEST, name: 'iris' } }, /manifest.name must be the store's modelName \('breast-cancer'\)/],
  ])('When the props have %s, then they are refused naming the property, value and what is allowed', (_case, props, message) => {
    expect(() => createSageMaker(props)).toThrow(message);
  });

  test('When several props are wrong, then every problem is listed at once', () => {
    expect(sageMakerProblems({ maxBatchSize: 0, metricsNamespace: 'AWS/x' })).toHaveLength(2);
  });
});

describe('Given the acknowledgements are missing', () => {
  test('When the packs run, then the role finding appears (the acknowledgement is needed)', () => {
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    let stack: Stack;
    try {
      stack = createSageMaker().stack;
    } finally {
      spy.mockRestore();
    }
    expect(nagFindings(stack, 'Test/Inference/ExecutionRole')).toEqual(
      expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]', expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ModelStore[0-9A-F]{8}\.Arn>\/models\/breast-cancer\/\*\]$/)]),
    );
  });
});

describe('Given the dynamicBatching prop', () => {
  test('When it is left out, then the container gets no MODELSTACK_DYNAMIC_BATCHING and batches (its default)', () => {
    const { template } = synthSageMaker();
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ MODELSTACK_DYNAMIC_BATCHING: Match.absent() }) }),
    });
  });

  test('When it is false, then the container gets MODELSTACK_DYNAMIC_BATCHING=false', () => {
    const { template } = synthSageMaker({ dynamicBatching: false });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ MODELSTACK_DYNAMIC_BATCHING: 'false' }) }),
    });
  });

  test('When it is true, then nothing is written: the default is the same', () => {
    const { template } = synthSageMaker({ dynamicBatching: true });
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Environment: Match.objectLike({ MODELSTACK_DYNAMIC_BATCHING: Match.absent() }) }),
    });
  });
});
