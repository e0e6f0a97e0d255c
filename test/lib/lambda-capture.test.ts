/**
 * Capture on Lambda (lib/lambda-capture.ts) through ModelEndpoint: the function's environment turns the runtime's
 * capture on, a subscription filter selects the capture lines, and a Firehose stream with its built-in CloudWatch
 * Logs decompression and message extraction (no transform function) writes them under capture/<function>/live/<hour>/
 * of the endpoint's records, with narrow roles; SageMaker writes into the same kind of records; both synthesize clean.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CAPTURE_LOG_FILTER } from '../../lambda/records/log-line-sink';
import type { LambdaInference } from '../../lib/lambda-inference';
import type { ModelArtifact } from '../../lib/model-artifact';
import { ModelEndpoint, type ModelEndpointProps } from '../../lib/model-endpoint';
import { ServingPlatform } from '../../lib/serving-platform';
import { standaloneStack, strictSynthProblems } from '../support/standalone';
import { exampleArtifact } from '../support/example-artifact';

let model: ModelArtifact;
beforeAll(async () => {
  model = await exampleArtifact();
});

function endpoint(props: Partial<ModelEndpointProps> = {}) {
  const stack = standaloneStack();
  const construct = new ModelEndpoint(stack, 'Model', { model, capture: { samplingPercentage: 25, captureInputs: true, captureExpiration: Duration.days(7) }, ...props });
  const id = (c: { node: { defaultChild?: unknown } }) => stack.getLogicalId(c.node.defaultChild as never);
  return { stack, construct, template: Template.fromStack(stack), id };
}

describe('Given a Lambda endpoint with capture', () => {
  test('then the function is told the sampling rate and whether to keep inputs', () => {
    const { template } = endpoint();
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CAPTURE_SAMPLING_PERCENTAGE: '25', CAPTURE_INPUTS: 'true' }) } });
  });

  test('then the subscription filter selects the capture lines with the pattern the runtime writes for, into the stream', () => {
    const { template, construct, id } = endpoint();
    const inference = construct.inference as LambdaInference;
    expect(CAPTURE_LOG_FILTER).toBe(logs.FilterPattern.all(logs.FilterPattern.stringValue('$.eventVersion', '=', '0'), logs.FilterPattern.exists('$.eventMetadata.eventId')).logPatternString);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: { Ref: id(inference.logGroup) },
      FilterPattern: CAPTURE_LOG_FILTER,
      DestinationArn: { 'Fn::GetAtt': [id(inference.capture?.stream as never), 'Arn'] },
    });
  });

  test('then Firehose decompresses, extracts each message, delimits lines and writes JSON Lines per hour under capture/<function>/live/', () => {
    const { template, construct, id } = endpoint();
    const inference = construct.inference as LambdaInference;
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'DirectPut',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: { 'Fn::GetAtt': [id(construct.records?.encryptionKey as never), 'Arn'] } },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        BucketARN: { 'Fn::GetAtt': [id(construct.records?.bucket as never), 'Arn'] },
        Prefix: { 'Fn::Join': ['', ['capture/', { Ref: id(inference.function) }, '/live/!{timestamp:yyyy/MM/dd/HH}/']] },
        ErrorOutputPrefix: { 'Fn::Join': ['', ['capture/', { Ref: id(inference.function) }, '/delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd/HH}/']] },
        FileExtension: '.jsonl',
        CompressionFormat: 'UNCOMPRESSED',
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            { Type: 'Decompression', Parameters: [{ ParameterName: 'CompressionFormat', ParameterValue: 'GZIP' }] },
            { Type: 'CloudWatchLogProcessing', Parameters: [{ ParameterName: 'DataMessageExtraction', ParameterValue: 'true' }] },
            { Type: 'AppendDelimiterToRecord' },
          ],
        },
      }),
    });
  });

  test('then no transform function exists besides the inference function (and CDK helpers)', () => {
    const { template } = endpoint();
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Array<{ Properties: { Description?: string } }>;
    expect(functions.filter((f) => /capture|firehose|transform/i.test(f.Properties.Description ?? ''))).toEqual([]);
  });

  test('then the delivery role may put under capture/ only: no delete, no read, no other prefix', () => {
    const { template, construct, id, stack } = endpoint();
    const inference = construct.inference as LambdaInference;
    const role = inference.capture?.deliveryRole;
    const policies = template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: id(role as never) }] } });
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[] }> } } }).Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(['kms:Encrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads', 's3:PutObject'].sort());
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain(stack.getLogicalId(role?.node.defaultChild as never));
  });

  test('then it synthesizes clean under --strict and the compliance packs', () => {
    const { stack } = endpoint();
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When samplingPercentage is 0 or a fraction, then it is refused naming capture.samplingPercentage', () => {
    expect(() => endpoint({ capture: { samplingPercentage: 0 } })).toThrow(/capture.samplingPercentage must be a whole number from 1% to 100% \(got 0\)/);
    expect(() => endpoint({ capture: { samplingPercentage: 2.5 } })).toThrow(/capture.samplingPercentage must be a whole number from 1% to 100% \(got 2.5\)/);
  });
});

describe('Given a SageMaker endpoint with capture', () => {
  test('then SageMaker data capture writes into the endpoint records, the one records bucket, and it synthesizes clean', () => {
    const { template, construct, id, stack } = endpoint({ platform: ServingPlatform.sageMaker() });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({
        InitialSamplingPercentage: 25,
        DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: id(construct.records?.bucket as never) }, '/capture']] },
        CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
      }),
    });
    const lifecycled = Object.values(template.findResources('AWS::S3::Bucket')).filter((b) => JSON.stringify(b).includes('ExpireCaptures'));
    expect(lifecycled).toHaveLength(1);
    expect(strictSynthProblems(stack)).toEqual([]);
  });
});

describe('Given no capture', () => {
  test('then there are no records, no stream and no capture variables', () => {
    const stack = standaloneStack();
    const construct = new ModelEndpoint(stack, 'Model', { model });
    const template = Template.fromStack(stack);
    expect(construct.records).toBeUndefined();
    template.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 0);
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 0);
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('CAPTURE_SAMPLING_PERCENTAGE');
  });
});

describe('Given a quality job on the endpoint', () => {
  test('When capture is on, then the job reads the endpoint\'s own records', () => {
    const { construct } = endpoint({ quality: {} });
    expect(construct.quality).toBeDefined();
  });

  test('When there is neither capture nor records of its own, then it is refused naming quality.records', () => {
    expect(() => new ModelEndpoint(standaloneStack(), 'Model', { model, quality: {} })).toThrow(/quality.records must be prediction records: set capture/);
  });
});

describe('Given a Lambda endpoint with capture in a region-agnostic stack of its own', () => {
  test('then the stack synthesizes with no warning: no unreferenced Firehose CIDR mapping', () => {
    const { stack, template } = endpoint();
    expect(Object.keys(template.toJSON().Mappings ?? {})).toEqual([]);
    expect(strictSynthProblems(stack)).toEqual([]);
  });
});
