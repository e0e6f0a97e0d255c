import { parsePipelineConfig } from '../../config/pipeline-schema';
import { CONNECTION_ARN } from '../support/pipeline';

const valid = {
  connectionArn: CONNECTION_ARN,
  repository: 'example-org/modelstack',
  region: 'eu-west-1',
  stages: ['staging', 'prod'],
  notifications: { emails: ['ml-oncall@example.com'] },
};
const known = ['dev', 'staging', 'prod'];

describe('Given the pipeline block', () => {
  test('When it is unset, then there is no pipeline', () => {
    expect(parsePipelineConfig(undefined, known)).toBeUndefined();
  });

  test('When it names a model drop key, then it is kept as written', () => {
    expect(parsePipelineConfig({ ...valid, modelDrop: { objectKey: 'drops/breast-cancer.zip' } }, known)).toMatchObject({ modelDrop: { objectKey: 'drops/breast-cancer.zip' } });
  });

  test('When it is valid, then the branch defaults to main', () => {
    expect(parsePipelineConfig(valid, known)).toMatchObject({ branch: 'main', stages: ['staging', 'prod'] });
  });

  test.each([
    ['connectionArn', { connectionArn: 'arn:aws:iam::123456789012:role/x' }, /pipeline\.connectionArn: .*must be a CodeStar connection ARN/],
    ['repository', { repository: 'modelstack' }, /pipeline\.repository: .*must be "owner\/name"/],
    ['region', { region: 'europe' }, /pipeline\.region: .*must be an AWS region/],
    ['stages (empty)', { stages: [] }, /pipeline\.stages/],
    ['stages (unknown)', { stages: ['staging', 'qa'] }, /pipeline\.stages\[1\]: "qa" is not a known environment; known: dev, staging, prod/],
    ['stages (twice)', { stages: ['prod', 'prod'] }, /pipeline\.stages\[1\]: "prod" appears twice/],
    ['notifications', { notifications: { emails: ['not-an-address'] } }, /pipeline\.notifications\.emails\[0\]: .*must be an email address/],
    ['an unknown field', { branches: ['main'] }, /pipeline/],
    ['modelDrop.objectKey (not a zip)', { modelDrop: { objectKey: 'drops/model.onnx' } }, /pipeline\.modelDrop\.objectKey: must be an S3 key ending in \.zip .*\(got "drops\/model\.onnx"\)/],
    ['modelDrop.objectKey (absolute)', { modelDrop: { objectKey: '/drops/model.zip' } }, /pipeline\.modelDrop\.objectKey: must be an S3 key ending in \.zip .*not starting with \/\) \(got "\/drops\/model\.zip"\)/],
  ])('When %s is wrong, then it is refused naming the field', (_name, change, message) => {
    expect(() => parsePipelineConfig({ ...valid, ...change }, known)).toThrow(message);
  });
});
