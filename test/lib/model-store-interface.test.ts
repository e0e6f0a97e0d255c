/**
 * The endpoints take an IModelStore, as aws-cdk's constructs take an IBucket: a store of another stack or app
 * (`ModelStore.fromModelStoreAttributes`) and a user's own implementation serve as well as a `ModelStore`.
 */
import * as path from 'node:path';
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, DependencyGroup } from 'constructs';
import { LambdaInference } from '../../lib/lambda-inference';
import { ModelFile } from '../../lib/model-file';
import { ModelStore, deployModelFiles, grantModelRead, type IModelStore, type ModelDeploymentOptions } from '../../lib/model-store';
import { PropsValidationError } from '../../lib/props-validation';
import { SageMakerInference } from '../../lib/sagemaker-inference';
import { PROJECT_ROOT } from '../support/app';
import { exampleManifest } from '../support/endpoints';
import { standaloneStack, strictSynthProblems } from '../support/standalone';

const MODEL = ModelFile.fromPath(path.join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx'));
const MANIFEST = exampleManifest('breast-cancer');
const BUCKET_ARN = 'arn:aws:s3:::team-models';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function importedStore(stack: Stack): IModelStore {
  return ModelStore.fromModelStoreAttributes(stack, 'Store', {
    bucket: s3.Bucket.fromBucketArn(stack, 'Bucket', BUCKET_ARN),
    encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN),
    modelName: MANIFEST.name,
    modelSha256: MODEL.sha256,
  });
}

/** A user's own store: their bucket and key, their layout rules, modelstack's grant. */
class TeamModelStore extends Construct implements IModelStore {
  public readonly bucket: s3.IBucket;
  public readonly encryptionKey: kms.IKey;
  public readonly modelName = MANIFEST.name;
  public readonly modelPrefix = `models/${MANIFEST.name}/`;
  public readonly modelSha256 = MODEL.sha256;
  public readonly modelKey = `models/${MANIFEST.name}/${MODEL.sha256}.onnx`;
  public readonly modelDeployment = new DependencyGroup();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.encryptionKey = new kms.Key(this, 'Key', { enableKeyRotation: true });
    this.bucket = new s3.Bucket(this, 'Bucket', { encryptionKey: this.encryptionKey, enforceSSL: true });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantModelRead(this, grantee);
  }

  public deploy(scope: Construct, id: string, options: ModelDeploymentOptions): s3deploy.BucketDeployment {
    return deployModelFiles(this, scope, id, options, RemovalPolicy.RETAIN);
  }
}

describe('Given a store imported with ModelStore.fromModelStoreAttributes', () => {
  test('When a LambdaInference serves from it, then the function reads that bucket and key only, and synth is clean', () => {
    const stack = standaloneStack();
    new LambdaInference(stack, 'Inference', { store: importedStore(stack), manifest: MANIFEST });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MODEL_BUCKET: 'team-models', MODEL_KEY: `models/breast-cancer/${MODEL.sha256}.onnx` }) },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Resource: `${BUCKET_ARN}/models/breast-cancer/*` }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: KEY_ARN }),
        ]),
      },
    });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a SageMakerInference serves from it, then the model data goes to that bucket', () => {
    const stack = standaloneStack();
    new SageMakerInference(stack, 'Inference', { store: importedStore(stack), model: MODEL, manifest: MANIFEST });
    Template.fromStack(stack).hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketName: 'team-models' });
  });

  test("When a SageMakerInference serves from it, then the importing stack's copy step may write under the model's prefix of that bucket only", () => {
    const stack = standaloneStack();
    new SageMakerInference(stack, 'Inference', { store: importedStore(stack), model: MODEL, manifest: MANIFEST });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: Match.stringLikeRegexp(`^${BUCKET_ARN}/models/breast-cancer/[0-9a-f]{32}/\\*$`) }),
          Match.objectLike({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KEY_ARN }),
        ]),
      },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
  });

  test('When files are deployed outside its model prefix, then deploy refuses naming the prefix', () => {
    const stack = standaloneStack();
    const store = importedStore(stack);
    expect(() => store.deploy(stack, 'Elsewhere', { sources: [], prefix: 'models/other/' })).toThrow(/prefix: a folder ending in '\/' under models\/breast-cancer\/ \(got 'models\/other\/'\)/);
  });

  test.each([
    ['modelName', { modelName: 'Not A Name' }, /modelName must be 1-63 lower-case letters/],
    ['modelSha256', { modelSha256: 'abc' }, /modelSha256 must be 64 lower-case hexadecimal digits \(got 'abc'\)/],
  ])('When its %s is malformed, then it is refused naming the field', (_field, attrs, message) => {
    const stack = standaloneStack();
    const base = { bucket: s3.Bucket.fromBucketArn(stack, 'Bucket', BUCKET_ARN), encryptionKey: kms.Key.fromKeyArn(stack, 'Key', KEY_ARN), modelName: MANIFEST.name, modelSha256: MODEL.sha256 };
    expect(() => ModelStore.fromModelStoreAttributes(stack, 'Store', { ...base, ...attrs })).toThrow(PropsValidationError);
    expect(() => ModelStore.fromModelStoreAttributes(stack, 'Store2', { ...base, ...attrs })).toThrow(message);
  });
});

describe("Given a user's own IModelStore implementation", () => {
  test('When a LambdaInference serves from it, then it reads the model from the user bucket through modelstack’s narrow grant', () => {
    const stack = standaloneStack();
    const store = new TeamModelStore(stack, 'TeamStore');
    new LambdaInference(stack, 'Inference', { store, manifest: MANIFEST });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Resource: Match.objectLike({ 'Fn::Join': Match.anyValue() }) })]) },
    });
    template.resourceCountIs('AWS::S3::Bucket', 1);
  });
});
