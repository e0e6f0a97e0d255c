/**
 * Each public construct in someone else's CDK app: a fresh App with none of this repository's cdk.json flags,
 * default props, and `cdk synth --strict` plus the compliance packs. Anything a construct silently needs from
 * this repository's context shows up here.
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import { PROJECT_ROOT } from '../support/app';
import { standaloneStack, strictSynthProblems } from '../support/standalone';

const MODEL_PATH = path.join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx');

describe('Given an app with no feature flags (no cdk.json)', () => {
  test('When a ModelStore is added with its defaults, then it synthesizes with no warning and no compliance finding', () => {
    const stack = standaloneStack();
    new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a ModelStore is added, then its buckets come out as under serverAccessLogsUseBucketPolicy: a bucket policy, no ACL', () => {
    const withoutFlag = standaloneStack();
    new ModelStore(withoutFlag, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    const withFlag = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [], [S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true } }), 'UserStack');
    new ModelStore(withFlag, 'ModelStore', { modelName: 'breast-cancer', model: ModelFile.fromPath(MODEL_PATH) });
    const buckets = (stack: Stack): Record<string, unknown> => ({
      ...Template.fromStack(stack).findResources('AWS::S3::Bucket'),
      ...Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'),
    });
    expect(buckets(withoutFlag)).toEqual(buckets(withFlag));
    const template = Template.fromStack(withoutFlag);
    template.allResourcesProperties('AWS::S3::Bucket', { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    template.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { LogFilePrefix: 'model-bucket/' } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });
});
