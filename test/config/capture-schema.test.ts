/**
 * An environment's `capture` block (config/capture-schema.ts): defaults, its mapping onto ModelEndpoint's capture
 * props, and every refusal naming the field, the value and what is allowed.
 */
import { captureOptions } from '../../config/endpoint-props';
import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('capture');

const env = (capture: unknown, platform: Record<string, unknown> = { type: 'lambda' }) => ({
  dev: { region: 'eu-west-1', model: { directory: modelDir }, platform, capture },
});

const problemsOf = configProblems;

describe('Given a capture block', () => {
  test('When it is empty, then every request is captured without inputs, kept 30 days, ground truth 365', () => {
    const [loaded] = loadEnvironments(env({}), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.capture).toEqual({ samplingPercentage: 100, captureInputs: false, expirationDays: 30, groundTruthExpirationDays: 365 });
  });

  test('When it is absent, then there is no capture', () => {
    const [loaded] = loadEnvironments(env(undefined), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.capture).toBeUndefined();
  });

  test('When it is mapped, then days become durations and the writer ARN a principal', () => {
    const options = captureOptions({ samplingPercentage: 5, captureInputs: true, expirationDays: 7, groundTruthExpirationDays: 90, qualityExpirationDays: 400, groundTruthWriterArn: 'arn:aws:iam::123456789012:role/labeling' });
    expect([options.samplingPercentage, options.captureInputs, options.captureExpiration?.toDays(), options.groundTruthExpiration?.toDays(), options.qualityExpiration?.toDays()]).toEqual([5, true, 7, 90, 400]);
    expect(options.groundTruthWriterPrincipal?.policyFragment.principalJson).toEqual({ AWS: ['arn:aws:iam::123456789012:role/labeling'] });
  });

  test.each([
    ['a sample of 0%', { samplingPercentage: 0 }, 'dev.capture.samplingPercentage: 0 is below the minimum 1'],
    ['a sample over 100%', { samplingPercentage: 101 }, 'dev.capture.samplingPercentage: 101 is above the maximum 100'],
    ['a captureInputs that is not a boolean', { captureInputs: 'yes' }, 'dev.capture.captureInputs: "yes" is not allowed; expected boolean'],
    ['captures kept 0 days', { expirationDays: 0 }, 'dev.capture.expirationDays: 0 is below the minimum 1'],
    ['ground truth kept 0 days', { groundTruthExpirationDays: 0 }, 'dev.capture.groundTruthExpirationDays: 0 is below the minimum 1'],
    ['a writer that is not an IAM ARN', { groundTruthWriterArn: 'labeling' }, 'dev.capture.groundTruthWriterArn: must be the ARN of an IAM role, user or account root (arn:aws:iam::<account>:role/<name>) (got "labeling")'],
    ['an unknown key', { sampling: 5 }, 'dev.capture: unknown key "sampling"; allowed: samplingPercentage, captureInputs, expirationDays, groundTruthExpirationDays, qualityExpirationDays, groundTruthWriterArn'],
  ])('When it has %s, then synth is refused naming the field, value and what is allowed', (_case, capture, message) => {
    expect(problemsOf(env(capture))).toContain(message);
  });

  test('When the platform is SageMaker Serverless, then capture is refused (it captures nothing)', () => {
    expect(problemsOf(env({}, { type: 'sagemaker', serverless: {} }))).toContain(
      'dev.capture: cannot be combined with a serverless SageMaker platform (SageMaker Serverless Inference does not capture data) (got {"samplingPercentage":100,"captureInputs":false,"expirationDays":30,"groundTr...)',
    );
  });
});
