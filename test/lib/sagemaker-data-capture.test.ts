import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ModelStore } from '../../lib/model-store';
import { PredictionRecords } from '../../lib/prediction-records';
import { SageMakerInference } from '../../lib/sagemaker-inference';
import { createSageMaker, MANIFEST, MODEL, nagFindings, synthSageMaker } from '../support/sagemaker';

describe('When data capture is on', () => {
  const { template, inference, stack } = synthSageMaker({ dataCapture: { samplingPercentage: 25, captureOutput: false, expiration: Duration.days(14) } });
  const id = (construct: unknown) => stack.getLogicalId(construct as never);

  test('then the endpoint config captures the sample, KMS-encrypted, to capture/ of the endpoint\'s prediction records', () => {
    const bucket = id(inference.dataCapture?.records.bucket.node.defaultChild);
    const key = id(inference.dataCapture?.records.encryptionKey.node.defaultChild);
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: {
        EnableCapture: true,
        InitialSamplingPercentage: 25,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/capture']] },
        KmsKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
        CaptureOptions: [{ CaptureMode: 'Input' }],
        CaptureContentTypeHeader: { JsonContentTypes: ['application/json'], CsvContentTypes: ['text/csv'] },
      },
    });
  });

  test('then capture files expire after the configured days, and the bucket is KMS-encrypted, versioned and TLS-only', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireCaptures', Prefix: 'capture/', ExpirationInDays: 14, Status: 'Enabled' })]) },
    });
  });

  test('then the execution role may put objects under capture/ and encrypt with the capture key, nothing more', () => {
    const bucket = id(inference.dataCapture?.records.bucket.node.defaultChild);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/capture/*']] } },
          {
            Effect: 'Allow',
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: { 'Fn::GetAtt': [id(inference.dataCapture?.records.encryptionKey.node.defaultChild), 'Arn'] },
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] } } },
          },
        ]),
      },
    });
  });

  test('then nothing is unacknowledged', () => {
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('Given invalid capture props', () => {
  test.each([
    ['capture on a serverless variant', { serverlessVariant: {}, dataCapture: {} }, /dataCapture must be unset with serverlessVariant: .* cannot specify both dataCapture and serverlessVariant/],
    ['a sample of 0%', { dataCapture: { samplingPercentage: 0 } }, /dataCapture.samplingPercentage must be a whole number from 1% to 100% \(got 0\)/],
    ['neither input nor output', { dataCapture: { captureInput: false, captureOutput: false } }, /dataCapture.captureOutput must be true when captureInput is false/],
    ['an expiry in hours', { dataCapture: { expiration: Duration.hours(36) } }, /dataCapture.expiration must be a whole number of days at least 1 day/],
  ])('When the props have %s, then they are refused', (_case, props, message) => {
    expect(() => createSageMaker(props)).toThrow(message);
  });
});

describe('Given a manifest with a feature marked "capture": false', () => {
  const manifest = { ...MANIFEST, input: { ...MANIFEST.input, features: MANIFEST.input.features.map((f, i) => (i === 0 ? { ...f, capture: false } : f)) } };
  const first = MANIFEST.input.features[0].name;

  test('When SageMaker would capture inputs, then it is refused naming dataCapture.captureInput and the feature', () => {
    expect(() => createSageMaker({ manifest, dataCapture: {} })).toThrow(new RegExp(`dataCapture.captureInput must be false: the manifest marks "${first}" "capture": false`));
  });

  test('When only outputs are captured, then it is accepted', () => {
    expect(() => createSageMaker({ manifest, dataCapture: { captureInput: false } })).not.toThrow();
  });
});

describe('Given records passed in', () => {
  test('When dataCapture names records, then SageMaker writes there and no other bucket is made', () => {
    const { stack } = createSageMaker();
    const records = new PredictionRecords(stack, 'Shared', { modelName: 'breast-cancer' });
    const inference = new SageMakerInference(stack, 'Other', { store: new ModelStore(stack, 'Store2', { modelName: 'breast-cancer', model: MODEL }), model: MODEL, manifest: MANIFEST, dataCapture: { records } });
    expect(inference.dataCapture?.records).toBe(records);
    expect(inference.dataCapture?.node.children).toEqual([]);
  });
});
