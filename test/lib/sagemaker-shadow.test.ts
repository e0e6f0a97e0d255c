import { Match } from 'aws-cdk-lib/assertions';
import { SageMakerInstanceType } from '../../lib/sagemaker/instance-type';
import { createSageMaker, MANIFEST, MODEL, nagFindings, synthSageMaker } from '../support/sagemaker';

const CANDIDATE = { model: MODEL, manifest: { ...MANIFEST, version: '1.1.0' } };

describe('When a candidate model runs as a shadow variant', () => {
  const { template, inference, stack } = synthSageMaker({
    shadowVariant: { ...CANDIDATE, instanceType: SageMakerInstanceType.of('ml.m6i.large'), samplingPercentage: 50 },
    dataCapture: { samplingPercentage: 100 },
  });

  test('then the endpoint config has one production and one shadow variant, each with its own model', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ VariantName: 'primary', ModelName: { 'Fn::GetAtt': [stack.getLogicalId(inference.model), 'ModelName'] } })],
      ShadowProductionVariants: [
        { VariantName: 'shadow', ModelName: { 'Fn::GetAtt': [stack.getLogicalId(inference.shadowModel!), 'ModelName'] }, InstanceType: 'ml.m6i.large', InitialInstanceCount: 1, InitialVariantWeight: 0.5 },
      ],
      // One capture config for the endpoint: both variants are captured.
      DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 100 }),
    });
  });

  test("then the shadow model reads the candidate's own version prefix and checks its SHA-256", () => {
    const prefix = inference.shadowModelData?.prefix ?? '';
    expect(prefix).not.toBe(inference.modelData.prefix);
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({
        ModelDataSource: { S3DataSource: { S3DataType: 'S3Prefix', CompressionType: 'None', S3Uri: { 'Fn::Join': ['', Match.arrayWith([`/${prefix}`])] } } },
        Environment: Match.objectLike({ MODEL_SHA256: MODEL.sha256 }),
      }),
    });
    template.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: prefix });
  });

  test('then the role may list both versions’ prefixes, and nothing is unacknowledged', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': [inference.modelData.prefix, `${inference.modelData.prefix}*`, inference.shadowModelData?.prefix, `${inference.shadowModelData?.prefix}*`] } },
          }),
        ]),
      },
    });
    expect(nagFindings(stack)).toEqual([]);
  });
});

describe('Given an invalid shadow variant', () => {
  test.each([
    ['a serverless production variant', { serverlessVariant: {}, shadowVariant: CANDIDATE }, /shadowVariant must be unset with serverlessVariant: .* cannot specify both shadowVariant and serverlessVariant/],
    ['a candidate of another model', { shadowVariant: { ...CANDIDATE, manifest: { ...MANIFEST, name: 'iris' } } }, /shadowVariant.manifest.name must be the production model's name \('breast-cancer'\) \(got 'iris'\)/],
    ['a sample of 0%', { shadowVariant: { ...CANDIDATE, samplingPercentage: 0 } }, /shadowVariant.samplingPercentage must be a whole number from 1% to 100% \(got 0\)/],
    ['no shadow instances', { shadowVariant: { ...CANDIDATE, initialInstanceCount: 0 } }, /shadowVariant.initialInstanceCount must be a whole number from 1 to 100 \(got 0\)/],
    ['a malformed instance type', { shadowVariant: { ...CANDIDATE, instanceType: SageMakerInstanceType.of('g5') } }, /shadowVariant.instanceType must be a SageMaker hosting instance type/],
  ])('When it has %s, then it is refused', (_case, props, message) => {
    expect(() => createSageMaker(props)).toThrow(message);
  });
});
