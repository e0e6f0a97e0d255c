/** The `shadow` block of an environment: accepted on SageMaker real-time with input capture, refused elsewhere. */
import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('shadow');
const sageMaker = { type: 'sagemaker', instance: { type: 'ml.c6i.large', initialCount: 1 } };
const capture = { samplingPercentage: 20, captureInputs: true };

const env = (fields: Record<string, unknown>) => ({ staging: { region: 'eu-west-1', model: { directory: modelDir }, platform: sageMaker, capture, ...fields } });

describe('Given a shadow block', () => {
  test('When it is on SageMaker instances with input capture, then it is accepted with its defaults', () => {
    const [loaded] = loadEnvironments(env({ shadow: { durationMinutes: 120, minAgreement: 0.95 } }), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.shadow).toEqual({ durationMinutes: 120, minAgreement: 0.95, minPairedRequests: 100, samplingPercentage: 100, instanceCount: 1 });
  });

  test('When it sizes the shadow fleet and gates a regression model, then it is accepted as written', () => {
    const shadow = { durationMinutes: 10_020, maxMeanAbsoluteDifference: 0.5, minPairedRequests: 1, samplingPercentage: 50, instanceType: 'ml.m6i.large', instanceCount: 2 };
    const [loaded] = loadEnvironments(env({ shadow }), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.shadow).toEqual(shadow);
  });

  test.each([
    ['a duration under 10 minutes', { durationMinutes: 9, minAgreement: 0.9 }, 'staging.shadow.durationMinutes: 9 is below the minimum 10'],
    ['a duration over 7 days less an hour', { durationMinutes: 10_021, minAgreement: 0.9 }, 'staging.shadow.durationMinutes: 10021 is above the maximum 10020'],
    ['an agreement above 1', { durationMinutes: 60, minAgreement: 1.2 }, 'staging.shadow.minAgreement: 1.2 is above the maximum 1'],
    ['a negative difference', { durationMinutes: 60, maxMeanAbsoluteDifference: -0.1 }, 'staging.shadow.maxMeanAbsoluteDifference: -0.1 is below the minimum 0'],
    ['no pairs', { durationMinutes: 60, minAgreement: 0.9, minPairedRequests: 0 }, 'staging.shadow.minPairedRequests: 0 is below the minimum 1'],
    ['a sampling of 0%', { durationMinutes: 60, minAgreement: 0.9, samplingPercentage: 0 }, 'staging.shadow.samplingPercentage: 0 is below the minimum 1'],
    ['a malformed instance type', { durationMinutes: 60, minAgreement: 0.9, instanceType: 'c6i.large' }, 'staging.shadow.instanceType: must be a SageMaker instance type such as \'ml.c6i.large\' (got "c6i.large")'],
    ['no threshold', { durationMinutes: 60 }, 'staging.shadow.minAgreement: is required (classification), or maxMeanAbsoluteDifference (regression): the shadow phase needs a threshold to gate on (got missing)'],
  ])('When it has %s, then it is refused naming the field, the value and what is allowed', (_case, shadow, message) => {
    expect(configProblems(env({ shadow }))).toEqual([message]);
  });

  const shadow = { durationMinutes: 60, minAgreement: 0.9 };
  test.each([
    ['on Lambda', { platform: { type: 'lambda' }, capture }, 'staging.shadow: needs platform type "sagemaker" with instances (SageMaker shadow variants); this environment is on "lambda"'],
    [
      'on SageMaker serverless',
      { platform: { type: 'sagemaker', serverless: {} }, capture: undefined },
      'staging.shadow: cannot be combined with a serverless SageMaker platform (SageMaker Serverless Inference has no shadow variants): use instance',
    ],
    ['without capture', { capture: undefined }, "staging.shadow: needs capture: the shadow report compares the two variants' captured answers (set capture with captureInputs: true)"],
    ['with capture of answers only', { capture: { captureInputs: false } }, "staging.capture.captureInputs: must be true with shadow: the shadow report pairs the two variants' requests by their captured inputs (got false)"],
    [
      'with production protection',
      { protection: 'production' },
      'staging.shadow: cannot be set with protection "production": production takes the candidate only after its approval; shadow it in a staging environment before that',
    ],
    [
      'with a rolling deployment',
      { platform: { ...sageMaker, deployment: { strategy: 'rolling', stepPercent: 10 } } },
      'staging.platform.deployment.strategy: must not be "rolling" with shadow: SageMaker rolling updates exclude endpoints with more than one variant (got "rolling")',
    ],
  ])('When it is set %s, then the environment is refused naming the field and why', (_case, fields, message) => {
    const problems = configProblems(env({ ...fields, shadow }));
    expect(problems.filter((p) => p.startsWith('staging.shadow') || p.startsWith('staging.capture.captureInputs') || p.startsWith('staging.platform.deployment'))).toContainEqual(expect.stringContaining(message));
  });
});
