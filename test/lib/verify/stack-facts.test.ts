/** Reading what CloudFormation says about a deployed stack. */
import { endpointConfigNameOf, isSettled } from '../../../lib/verify/stack-facts';
import { endpointNameOf } from '../../../lib/verify/sagemaker-checks';

describe('Given a stack status', () => {
  test.each([
    ['CREATE_COMPLETE', true],
    ['UPDATE_COMPLETE', true],
    ['IMPORT_COMPLETE', true],
    ['UPDATE_ROLLBACK_COMPLETE', false],
    ['ROLLBACK_COMPLETE', false],
    ['UPDATE_IN_PROGRESS', false],
    ['DELETE_COMPLETE', false],
  ])('When it is %s, then settled is %p', (status, settled) => {
    expect(isSettled(status)).toBe(settled);
  });
});

describe('Given physical ids and URLs', () => {
  test('When an endpoint config is recorded as an ARN or a name, then its name is read', () => {
    expect(endpointConfigNameOf('arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/inferenceendpointconfig-abc')).toBe('inferenceendpointconfig-abc');
    expect(endpointConfigNameOf('InferenceEndpointConfig-AbC')).toBe('InferenceEndpointConfig-AbC');
  });

  test('When the InferenceUrl is not an InvokeEndpoint URL, then it is refused naming the form', () => {
    expect(endpointNameOf('https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/my-endpoint/invocations')).toBe('my-endpoint');
    expect(() => endpointNameOf('https://abc.lambda-url.eu-west-1.on.aws/')).toThrow(/is not a SageMaker InvokeEndpoint URL \(\.\.\.\/endpoints\/<name>\/invocations\)/);
  });
});
