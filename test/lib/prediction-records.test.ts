/**
 * PredictionRecords: the key, the bucket and its lifecycle per prefix, the ground-truth writer role, the grants
 * the capture and the quality job use (each on its own prefix), validation, and compliance.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ManagedPolicyRole } from '../../lib/managed-policy-role';
import { PredictionRecords, type PredictionRecordsProps } from '../../lib/prediction-records';
import { testApp } from '../support/app';
import { nagFindings } from '../support/sagemaker';

function create(props: Partial<PredictionRecordsProps> = {}) {
  const stack = new Stack(testApp(), 'Test');
  const records = new PredictionRecords(stack, 'Records', { modelName: 'iris', ...props });
  return { stack, records };
}
const id = (stack: Stack, construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
const objects = (stack: Stack, records: PredictionRecords, prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(stack, records.bucket), 'Arn'] }, `/${prefix}*`]] });
const VIA_S3 = { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } };

describe('Given PredictionRecords with their defaults', () => {
  const { stack, records } = create();
  const template = Template.fromStack(stack);

  test('then a rotated customer-managed key with the separated key policy encrypts the bucket', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'KeyAdministrationByAccountPolicies' }), Match.objectLike({ Sid: 'KeyUseByAccountPolicies' })]) },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [id(stack, records.encryptionKey), 'Arn'] } }, BucketKeyEnabled: true }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test('then captures expire after 30 days, ground truth after 365, quality records are kept, old versions after 1 day', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ Id: 'ExpireCaptures', Prefix: 'capture/', ExpirationInDays: 30, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, Status: 'Enabled' }),
          Match.objectLike({ Id: 'ExpireGroundTruth', Prefix: 'ground-truth/', ExpirationInDays: 365, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
          Match.objectLike({ Id: 'ExpireQualityRecords', Prefix: 'quality/', ExpirationInDays: Match.absent(), NoncurrentVersionExpiration: { NoncurrentDays: 1 } }),
        ],
      },
    });
  });

  test('then the ground-truth writer is assumable by the account and may only put under ground-truth/ (encrypting through S3)', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } } })] },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: id(stack, records.groundTruthWriter) }],
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 's3:PutObject', Resource: objects(stack, records, 'ground-truth/') },
          { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [id(stack, records.encryptionKey), 'Arn'] }, Condition: VIA_S3 },
        ],
      },
    });
  });

  test('then, with access logs, nothing of it is unacknowledged in the AwsSolutions and HIPAA packs', () => {
    const logged = new Stack(testApp(), 'Logged');
    new PredictionRecords(logged, 'Records', { modelName: 'iris', accessLogsBucket: new s3.Bucket(logged, 'Logs') });
    expect(nagFindings(logged, 'Logged/Records')).toEqual([]);
  });
});

describe('Given the grants the capture and the quality job use', () => {
  function policyOf(grant: (records: PredictionRecords, role: iam.IGrantable) => void) {
    const { stack, records } = create();
    const role = new ManagedPolicyRole(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    grant(records, role);
    const policy = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: id(stack, role) }] } });
    return { stack, records, statements: (Object.values(policy)[0].Properties.PolicyDocument.Statement as unknown[]) };
  }

  test('When grantReadRecords, then it may list capture/ and ground-truth/, read their objects and decrypt through S3, nothing else', () => {
    const { stack, records, statements } = policyOf((r, role) => r.grantReadRecords(role));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [id(stack, records.bucket), 'Arn'] }, Condition: { StringLike: { 's3:prefix': ['capture/*', 'ground-truth/*'] } } },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: [objects(stack, records, 'capture/'), objects(stack, records, 'ground-truth/')] },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [id(stack, records.encryptionKey), 'Arn'] }, Condition: VIA_S3 },
    ]);
  });

  test.each([
    ['grantWriteCaptures', 'capture/'],
    ['grantWriteQuality', 'quality/'],
  ] as const)('When %s, then it may put under %s only', (method, prefix) => {
    const { stack, records, statements } = policyOf((r, role) => r[method](role));
    expect(statements[0]).toEqual({ Effect: 'Allow', Action: 's3:PutObject', Resource: objects(stack, records, prefix) });
    expect(statements).toHaveLength(2);
  });
});

describe('Given configured lifetimes and writer', () => {
  test('When expirations are set, then each prefix expires as configured', () => {
    const { stack } = create({ captureExpiration: Duration.days(7), groundTruthExpiration: Duration.days(90), qualityExpiration: Duration.days(730) });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7 }), Match.objectLike({ ExpirationInDays: 90 }), Match.objectLike({ ExpirationInDays: 730 })] },
    });
  });

  test('When a writer principal is given, then only it may assume the ground-truth writer role', () => {
    const { stack } = create({ groundTruthWriterPrincipal: new iam.ArnPrincipal('arn:aws:iam::123456789012:role/labeling') });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: 'arn:aws:iam::123456789012:role/labeling' } })] },
    });
  });

  test('When an access-log bucket is given, then server access logs go there under prediction-records/', () => {
    const stack = new Stack(testApp(), 'Test');
    const logsBucket = new s3.Bucket(stack, 'Logs');
    new PredictionRecords(stack, 'Records', { modelName: 'iris', accessLogsBucket: logsBucket });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: { Ref: stack.getLogicalId(logsBucket.node.defaultChild as never) }, LogFilePrefix: 'prediction-records/' } });
  });

  test.each([
    ['captureExpiration', { captureExpiration: Duration.hours(12) }],
    ['groundTruthExpiration', { groundTruthExpiration: Duration.hours(36) }],
    ['qualityExpiration', { qualityExpiration: Duration.minutes(5) }],
  ])('When %s is not whole days of at least 1, then it is refused naming it', (name, props) => {
    expect(() => create(props)).toThrow(new RegExp(`${name} must be a whole number of days at least 1 day`));
  });
});
