import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Duration, Lazy, RemovalPolicy, Stack, Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { ManagedPolicyRole } from '../../lib/managed-policy-role';
import { ModelStore, type ModelStoreProps } from '../../lib/model-store';
import { ModelFile } from '../../lib/model-file';
import { PropsValidationError } from '../../lib/props-validation';
import { PROJECT_ROOT, testApp } from '../support/app';

const MODEL_PATH = path.join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx');
const MODEL_SHA256 = createHash('sha256').update(fs.readFileSync(MODEL_PATH)).digest('hex');

interface Fixture {
  readonly app: App;
  readonly stack: Stack;
  readonly store: ModelStore;
  readonly template: Template;
}

function synth(props: Partial<ModelStoreProps> = {}, options: { bundle?: boolean } = {}): Fixture {
  const app = testApp({ bundle: options.bundle });
  const stack = new Stack(app, 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH), ...props });
  return { app, stack, store, template: Template.fromStack(stack) };
}

/** The problems of a refused props object. */
function problemsOf(props: Partial<ModelStoreProps>): readonly string[] {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  try {
    new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH), ...props });
  } catch (error) {
    expect(error).toBeInstanceOf(PropsValidationError);
    return (error as PropsValidationError).problems;
  }
  throw new Error('expected the props to be refused');
}

/** Logical id of the model bucket (construct id `Resource`). */
function modelBucketId(template: Template): string {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } },
  });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.keys(buckets)[0];
}

function accessLogsBucketId(template: Template): string {
  const buckets = template.findResources('AWS::S3::Bucket', {
    Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } },
  });
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.keys(buckets)[0];
}

/** The store's own key (the copy step's log group has another). */
function keyId(template: Template): string {
  const keys = Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('ModelStore'));
  expect(keys).toHaveLength(1);
  return keys[0];
}

describe('Given a ModelStore with default props', () => {
  const { store, template } = synth();

  test('When synthesized, then the KMS key rotates and its policy lets the account administer and use it apart, with grants for AWS services only', () => {
    const account = { AWS: { 'Fn::Join': ['', Match.arrayWith([':iam::', { Ref: 'AWS::AccountId' }, ':root'])] } };
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: [
          Match.objectLike({ Sid: 'KeyAdministrationByAccountPolicies', Principal: account, Action: Match.arrayWith(['kms:Put*', 'kms:ScheduleKeyDeletion']) }),
          Match.objectLike({ Sid: 'KeyUseByAccountPolicies', Principal: account, Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'] }),
          Match.objectLike({ Sid: 'GrantsForAwsServicesOnly', Principal: account, Action: ['kms:CreateGrant', 'kms:ListGrants'], Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } }),
        ],
      },
    });
  });

  test('When synthesized, then the key has a generated alias and the key is retained', () => {
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: Match.stringLikeRegexp('^alias/modelstack/Test/Test-ModelStore-[0-9A-F]{8}$'),
      TargetKeyId: { 'Fn::GetAtt': [keyId(template), 'Arn'] },
    });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('When synthesized, then the model bucket uses SSE-KMS with the key and an S3 Bucket Key', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId(template), 'Arn'] } },
          },
        ],
      },
    });
  });

  test('When synthesized, then the model bucket is versioned, private and ACL-free', () => {
    const bucket = template.toJSON().Resources[modelBucketId(template)];
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('When synthesized, then the model bucket policy denies requests without TLS and below TLS 1.2', () => {
    const bucket = modelBucketId(template);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('When synthesized, then server access logs of the model bucket go to the access-log bucket', () => {
    const bucket = template.toJSON().Resources[modelBucketId(template)];
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: accessLogsBucketId(template) },
      LogFilePrefix: 'model-bucket/',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: accessLogsBucketId(template) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [modelBucketId(template), 'Arn'] } } }),
          }),
        ]),
      },
    });
  });

  test('When synthesized, then noncurrent model versions expire after 90 days', () => {
    const bucket = template.toJSON().Resources[modelBucketId(template)];
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 90 }, ExpiredObjectDeleteMarker: true }),
    ]);
  });

  test('When synthesized, then the access-log bucket uses SSE-S3, is versioned, private, TLS-only and expires logs after 365 days', () => {
    const id = accessLogsBucketId(template);
    const bucket = template.toJSON().Resources[id];
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket.Properties.LoggingConfiguration).toBeUndefined();
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
    ]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  test('When synthesized, then both buckets are retained and nothing empties them', () => {
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('When synthesized, then the model is deployed under models/<name>/ without pruning older models', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: modelBucketId(template) },
      DestinationBucketKeyPrefix: 'models/breast-cancer/',
      Prune: false,
      Extract: true,
      RetainOnDelete: true,
    });
  });

  test('When synthesized, then the model key is content-addressed by the SHA-256 of the file', () => {
    expect(store.modelSha256).toBe(MODEL_SHA256);
    expect(store.modelKey).toBe(`models/breast-cancer/${MODEL_SHA256}.onnx`);
    expect(store.modelName).toBe('breast-cancer');
    expect(store.modelSizeBytes).toBe(fs.statSync(MODEL_PATH).size);
    expect(Stack.of(store).resolve(store.modelObjectArn)).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [modelBucketId(template), 'Arn'] }, `/models/breast-cancer/${MODEL_SHA256}.onnx`]],
    });
  });

  test('When synthesized, then the copy step may encrypt with the key through S3 only (BucketDeployment into an SSE-KMS bucket)', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [keyId(template), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^ModelDeploymentHandlerRole') }],
    });
  });

  test('When a consumer depends on modelDeployment, then it waits for the copy custom resource', () => {
    const stack = new Stack(testApp(), 'Consumer');
    const other = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.AccountRootPrincipal() });
    consumer.node.addDependency(other.modelDeployment);
    Template.fromStack(stack).hasResource('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { AWS: Match.anyValue() } })] }) },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^ModelStoreDeploymentCustomResource')]),
    });
  });
});

describe('Given a ModelStore with bundling enabled', () => {
  test('When synthesized, then the staged asset holds exactly <sha256>.onnx with the model bytes', () => {
    const { app } = synth({}, { bundle: true });
    const assembly = app.synth();
    const staged = fs
      .readdirSync(assembly.directory)
      .map((entry) => path.join(assembly.directory, entry))
      .filter((entry) => fs.statSync(entry).isDirectory() && fs.existsSync(path.join(entry, `${MODEL_SHA256}.onnx`)));
    expect(staged).toHaveLength(1);
    expect(fs.readdirSync(staged[0])).toEqual([`${MODEL_SHA256}.onnx`]);
    expect(fs.readFileSync(path.join(staged[0], `${MODEL_SHA256}.onnx`)).equals(fs.readFileSync(MODEL_PATH))).toBe(true);
  });
});

describe('Given a ModelStore with custom retention, removal and key', () => {
  test('When noncurrentVersionExpiration and accessLogsExpiration are set, then the lifecycle rules use their days', () => {
    const { template } = synth({ noncurrentVersionExpiration: Duration.days(7), accessLogsExpiration: Duration.days(30) });
    expect(template.toJSON().Resources[modelBucketId(template)].Properties.LifecycleConfiguration.Rules[0].NoncurrentVersionExpiration).toEqual({
      NoncurrentDays: 7,
    });
    expect(template.toJSON().Resources[accessLogsBucketId(template)].Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(30);
  });

  test('When removalPolicy is DESTROY, then buckets and key are deleted, emptied first, and the deployment does not retain objects', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 2);
    template.hasResourceProperties('Custom::CDKBucketDeployment', { RetainOnDelete: false });
  });

  test('When removalPolicy is DESTROY and autoDeleteObjects is false, then no custom resource empties the buckets', () => {
    const { template } = synth({ removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: false });
    template.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('When an encryptionKey is given, then no key is created and the bucket uses the given key', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH), encryptionKey: key });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('ModelStore'))).toEqual([]);
    template.resourceCountIs('AWS::KMS::Alias', 0);
    expect(store.encryptionKey).toBe(key);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key.keyArn } }],
      },
    });
  });

  test('When the model is larger than the default copy-step storage, then the copy step gets enough ephemeral storage', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelstack-store-'));
    const big = path.join(dir, 'model.onnx');
    fs.writeFileSync(big, Buffer.alloc(300 * 1024 * 1024, 1));
    try {
      const { template } = synth({ model: ModelFile.fromPath(big) });
      template.hasResourceProperties('AWS::Lambda::Function', { Runtime: Match.stringLikeRegexp('^python'), EphemeralStorage: { Size: 1024 } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('When granting read access to the model', () => {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const grant = store.grantRead(reader);
  const template = Template.fromStack(stack);
  const statements = template.toJSON().Resources[stack.getLogicalId(reader.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy)]
    .Properties.PolicyDocument.Statement as Array<Record<string, unknown>>;

  test('then the grantee gets exactly s3:GetObject on models/<name>/* and kms:Decrypt on the key via S3', () => {
    expect(grant.success).toBe(true);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [modelBucketId(template), 'Arn'] }, '/models/breast-cancer/*']] },
      },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [keyId(template), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
      },
    ]);
  });

  test('then no statement lists the bucket, reads bucket settings, uses s3:* or targets the whole bucket', () => {
    const actions = statements.flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.filter((a) => /^s3:(\*|List|GetBucket|GetObjectVersion)/.test(a))).toEqual([]);
    const resources = JSON.stringify(statements.map((s) => s.Resource));
    expect(resources).not.toContain('"/*"');
    expect(statements.some((s) => JSON.stringify(s.Resource) === JSON.stringify({ 'Fn::GetAtt': [modelBucketId(template), 'Arn'] }))).toBe(false);
  });

  test('then the prefix wildcard is acknowledged on the grantee for AwsSolutions-IAM5 only', () => {
    const violations = new AwsSolutionsChecks().validateScope(reader).violations.map((v) => v.ruleName);
    expect(violations).toEqual([]);
    const acks = reader.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    expect(JSON.stringify(acks.map((m) => m.data))).toContain(`AwsSolutions-IAM5[Resource::<${modelBucketId(template)}.Arn>/models/breast-cancer/*]`);
  });

  test('then a ManagedPolicyRole grantee gets the statements in its customer-managed policy, not inline', () => {
    const other = new Stack(testApp(), 'Other');
    const otherStore = new ModelStore(other, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    const role = new ManagedPolicyRole(other, 'ManagedReader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    otherStore.grantRead(role);
    Template.fromStack(other).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: other.getLogicalId(role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject' })]) },
    });
    expect(role.node.tryFindChild('DefaultPolicy')).toBeUndefined();
  });
});

describe('Given invalid props', () => {
  test('When modelName is not a DNS-label style name, then the error names the property, the value and the pattern', () => {
    expect(problemsOf({ modelName: 'Breast_Cancer' })).toEqual([
      expect.stringMatching(/^modelName must be 1-63 lower-case letters, digits or hyphens, .* \(got 'Breast_Cancer'\)$/),
    ]);
  });

  test('When modelName ends with a hyphen, then it is refused', () => {
    expect(problemsOf({ modelName: 'model-' })).toEqual([expect.stringContaining("(got 'model-')")]);
  });

  test('When modelName is a token, then it is refused (it is part of synth-time S3 keys)', () => {
    expect(problemsOf({ modelName: Lazy.string({ produce: () => 'x' }) })).toEqual([expect.stringMatching(/^modelName must be a literal string/)]);
  });

  test('When removalPolicy is SNAPSHOT, then the error lists the supported policies', () => {
    expect(problemsOf({ removalPolicy: RemovalPolicy.SNAPSHOT })).toEqual([
      "removalPolicy must be one of retain, retain-on-update-or-delete, destroy (S3 buckets and KMS keys cannot be snapshotted) (got 'snapshot')",
    ]);
  });

  test('When autoDeleteObjects is true without DESTROY, then the error names both properties', () => {
    expect(problemsOf({ autoDeleteObjects: true })).toEqual(["autoDeleteObjects must be false unless removalPolicy is destroy (removalPolicy is retain) (got true)"]);
  });

  test('When noncurrentVersionExpiration is not a whole number of days, then it is refused', () => {
    expect(problemsOf({ noncurrentVersionExpiration: Duration.hours(36) })).toEqual([
      'noncurrentVersionExpiration must be a whole number of days at least 1 day (got 1 day 12 hours)',
    ]);
  });

  test('When accessLogsExpiration is zero, then it is refused', () => {
    expect(problemsOf({ accessLogsExpiration: Duration.days(0) })).toEqual([
      'accessLogsExpiration must be a whole number of days at least 1 day (got 0 days)',
    ]);
  });

  test('When several props are invalid, then every problem is reported in one error', () => {
    expect(problemsOf({ modelName: 'BAD', removalPolicy: RemovalPolicy.SNAPSHOT, accessLogsExpiration: Duration.days(0) })).toHaveLength(3);
    expect(() => synth({ modelName: 'BAD' })).toThrow(/Invalid props for Test\/ModelStore:\n {2}- modelName must be/);
  });
});

describe('Given the cdk-nag packs of the project', () => {
  function nagViolations(removalPolicy: RemovalPolicy): string[] {
    const { stack } = synth({ removalPolicy });
    return [new AwsSolutionsChecks(undefined, { verbose: true }), new HIPAASecurityChecks()].flatMap((pack) =>
      pack.validateScope(stack).violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    );
  }

  test('When AwsSolutions and HIPAA checks run on a stack with only a ModelStore, then nothing is left unacknowledged', () => {
    expect(nagViolations(RemovalPolicy.RETAIN)).toEqual([]);
  });

  test('When the store is DESTROY (auto-delete custom resources), then nothing is left unacknowledged either', () => {
    expect(nagViolations(RemovalPolicy.DESTROY)).toEqual([]);
  });

  test.each([
    ['a region only', { region: 'eu-west-1' }],
    ['an account and a region', { account: '123456789012', region: 'eu-west-1' }],
  ])('When the stack has %s (literal ARNs instead of pseudo parameters), then nothing is left unacknowledged', (_, env) => {
    const app = testApp();
    const stack = new Stack(app, 'Test', { env });
    new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    Template.fromStack(stack);
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(violations).toEqual([]);
  });

  test('When two stores share the stack (and its one copy-step function), then nothing is left unacknowledged', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    new ModelStore(stack, 'BreastCancer', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    new ModelStore(stack, 'Iris', { modelName: 'iris', model: ModelFile.fromPath(path.join(PROJECT_ROOT, 'examples', 'iris', 'model.onnx')) });
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Runtime: Match.stringLikeRegexp('^python') } }))).toHaveLength(1);
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(violations).toEqual([]);
    // The shared copy step is acknowledged once per finding, not once per store; each store's own bucket is named.
    const handler = stack.node.findAll().find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    const ids = (handler?.node.metadata ?? [])
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>));
    expect(ids.length).toBeGreaterThan(10);
    expect(new Set(ids).size).toBe(ids.length);
    // The copy step's one role names each store's own prefix.
    const role = stack.node.findChild('ModelDeploymentHandler').node.findChild('Role');
    const roleIds = role.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>));
    expect(roleIds.filter((id) => /BreastCancer.*models\/breast-cancer\/\*|Iris.*models\/iris\/\*/.test(id) && id.includes('AwsSolutions-IAM5[Resource::'))).toHaveLength(2);
  });

  test('When the packs run as synth-time validation plugins, then synth succeeds', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('When the acknowledgements are missing, then the packs do report the copy step and bucket findings (they are not vacuous)', () => {
    const app = testApp();
    const stack = new Stack(app, 'Test');
    const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
    try {
      new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    } finally {
      spy.mockRestore();
    }
    Template.fromStack(stack);
    const rules = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) => pack.validateScope(stack).violations.map((v) => v.ruleName));
    expect(rules).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Resource::<ModelStoreFDBAEA34.Arn>/models/breast-cancer/*]',
        'AwsSolutions-L1',
        'HIPAA.Security-S3BucketReplicationEnabled',
        'HIPAA.Security-S3DefaultEncryptionKMS',
        'HIPAA.Security-LambdaDLQ',
      ]),
    );
  });
});
