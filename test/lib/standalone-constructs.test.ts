/**
 * Each public construct in someone else's CDK app: a fresh App with none of this repository's cdk.json flags,
 * default props, and `cdk synth --strict` plus the compliance packs. Anything a construct silently needs from
 * this repository's context shows up here.
 */
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { BatchScoring } from '../../lib/batch-scoring';
import { CostBudget } from '../../lib/cost-budget';
import { EncryptedLogGroup } from '../../lib/encrypted-log-group';
import { LambdaInference } from '../../lib/lambda-inference';
import { LambdaRollout } from '../../lib/lambda-rollout';
import { ModelFile } from '../../lib/model-file';
import { compliancePacks } from '../../lib/compliance';
import { ModelStore } from '../../lib/model-store';
import { AlarmTopics, Monitoring } from '../../lib/monitoring';
import { SageMakerInference } from '../../lib/sagemaker-inference';
import { PROJECT_ROOT, TEMPLATE_ONLY_CONTEXT } from '../support/app';
import { exampleManifest, labelsOf } from '../support/endpoints';
import { standaloneApp, standaloneStack, strictSynthProblems } from '../support/standalone';

const MODEL_PATH = path.join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx');
const MANIFEST = exampleManifest('breast-cancer');

function store(stack: Stack): ModelStore {
  return new ModelStore(stack, 'ModelStore', { modelName: MANIFEST.name, model: ModelFile.fromPath(MODEL_PATH) });
}

function lambdaEndpoint(stack: Stack): LambdaInference {
  return new LambdaInference(stack, 'Inference', { store: store(stack), manifest: MANIFEST });
}

describe('Given an app with no feature flags (no cdk.json), under `cdk synth --strict` and the compliance packs', () => {
  test('When the packs are listed, then all five of the compliance checks apply', () => {
    expect(compliancePacks(standaloneApp()).map((pack) => pack.readPackName)).toEqual(['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless']);
  });

  test('When a ModelStore is added with its defaults, then it synthesizes clean', () => {
    const stack = standaloneStack();
    store(stack);
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a LambdaInference is added with its defaults, then it synthesizes clean', () => {
    const stack = standaloneStack();
    lambdaEndpoint(stack);
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a SageMakerInference is added with its defaults, then it synthesizes clean', () => {
    const stack = standaloneStack();
    new SageMakerInference(stack, 'Inference', { store: store(stack), model: ModelFile.fromPath(MODEL_PATH), manifest: MANIFEST });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a SageMakerInference captures data, then its capture bucket logs to the store without the S3 flag and synth is clean', () => {
    const stack = standaloneStack();
    new SageMakerInference(stack, 'Inference', { store: store(stack), model: ModelFile.fromPath(MODEL_PATH), manifest: MANIFEST, dataCapture: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { LogFilePrefix: 'prediction-records/' } });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a SageMakerInference serves from an imported store, then its copy step runs in this stack and synth is clean', () => {
    const stack = standaloneStack();
    const imported = ModelStore.fromModelStoreAttributes(stack, 'Store', {
      bucket: s3.Bucket.fromBucketName(stack, 'Bucket', 'team-models'),
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
      modelName: MANIFEST.name,
      modelSha256: ModelFile.fromPath(MODEL_PATH).sha256,
    });
    new SageMakerInference(stack, 'Inference', { store: imported, model: ModelFile.fromPath(MODEL_PATH), manifest: MANIFEST });
    expect(stack.node.tryFindChild('ModelDeploymentHandler')).toBeDefined();
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When AlarmTopics are added for both severities, then they synthesize clean', () => {
    const stack = standaloneStack();
    new AlarmTopics(stack, 'Topics', { recipients: { warning: [], critical: [] }, purpose: 'the alarms of a model' });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a Monitoring is added with its defaults (no prediction baseline), then it synthesizes clean', () => {
    const stack = standaloneStack();
    new Monitoring(stack, 'Monitoring', { endpoint: lambdaEndpoint(stack), labels: labelsOf(MANIFEST) });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a LambdaRollout is added with its defaults, then it synthesizes clean', () => {
    const stack = standaloneStack();
    new LambdaRollout(stack, 'Rollout', { alias: lambdaEndpoint(stack).alias });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a CostBudget is added with its defaults and a topic of the app, then it synthesizes clean', () => {
    const stack = standaloneStack();
    const topic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    new CostBudget(stack, 'Budget', { monthlyLimitUsd: 100, costAllocationTag: { key: 'team', value: 'ml' }, topic });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a BatchScoring is added with its defaults, then its data bucket logs to the store without the S3 flag and synth is clean', () => {
    const stack = standaloneStack();
    const modelStore = store(stack);
    const alarmTopic = new sns.Topic(stack, 'Topic', { enforceSSL: true, masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    new BatchScoring(stack, 'Batch', { store: modelStore, manifest: MANIFEST, accessLogsBucket: modelStore.accessLogsBucket, alarmTopic });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { LogFilePrefix: 'batch-data/' } });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When an EncryptedLogGroup is added with its defaults, then it synthesizes clean', () => {
    const stack = standaloneStack();
    new EncryptedLogGroup(stack, 'Logs', { purpose: 'a batch job' });
    expect(strictSynthProblems(stack)).toEqual([]);
  });

  test('When a ModelStore is added, then its buckets come out as under serverAccessLogsUseBucketPolicy: a bucket policy, no ACL', () => {
    const withoutFlag = standaloneStack();
    store(withoutFlag);
    const withFlag = new Stack(new App({ builtinCloudFormationValidation: false, context: { ...TEMPLATE_ONLY_CONTEXT, [S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY]: true } }), 'UserStack');
    store(withFlag);
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
