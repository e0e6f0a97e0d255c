/** The quality block of an environment: defaults, the options it gives the monitor, and each validation branch. */
import { loadEnvironments } from '../../config/load';
import { qualityOptions } from '../../config/quality-props';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('quality');

const valid = { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' } };

function load(extra: Record<string, unknown>) {
  return loadEnvironments({ dev: { ...valid, ...extra } }, { projectRoot: PROJECT_ROOT })[0].config;
}

const problemsOf = (extra: Record<string, unknown>): string =>
  configProblems({ dev: { ...valid, ...extra } }).join('\n');

test('Given no quality block, then the environment has no quality job', () => {
  expect(load({}).quality).toBeUndefined();
});

test('Given a quality block that is on without capture, then it is refused naming the field', () => {
  expect(problemsOf({ quality: {} })).toMatch(/quality.enabled: needs the environment's prediction records \(capture\).*\(got true\)/);
});

test('Given a quality block that is on with capture, then it is accepted', () => {
  expect(load({ quality: {}, capture: {} }).quality).toEqual({ enabled: true });
});

test("Given a quality block that is off, then every setting keeps the monitor's default", () => {
  const quality = load({ quality: { enabled: false } }).quality;
  expect(quality).toEqual({ enabled: false });
  expect(qualityOptions(quality!)).toEqual({});
});

test('Given every setting, then the monitor gets them as durations and numbers', () => {
  const options = qualityOptions(load({ quality: { enabled: false, windowHours: 2, labelDelayHours: 72, tolerance: 0.1, minLabelledPredictions: 300, psiThreshold: 0.25, minDriftPredictions: 50 } }).quality!);
  expect(options.window?.toHours()).toBe(2);
  expect(options.labelDelay?.toHours()).toBe(72);
  expect(options).toMatchObject({ tolerance: 0.1, minLabelledPredictions: 300, psiThreshold: 0.25, minDriftPredictions: 50 });
});

describe('Given invalid quality settings', () => {
  test.each([
    [{ windowHours: 0 }, /quality.windowHours.*0/],
    [{ windowHours: 25 }, /quality.windowHours.*25/],
    [{ labelDelayHours: 1.5 }, /quality.labelDelayHours.*1.5/],
    [{ labelDelayHours: 400 }, /quality.labelDelayHours.*400/],
    [{ tolerance: 1 }, /quality.tolerance: 1 must be less than 1/],
    [{ tolerance: -0.1 }, /quality.tolerance/],
    [{ minLabelledPredictions: 0 }, /quality.minLabelledPredictions/],
    [{ psiThreshold: 0 }, /quality.psiThreshold/],
    [{ minDriftPredictions: 0 }, /quality.minDriftPredictions/],
    [{ enabled: 'yes' }, /quality.enabled: "yes"/],
    [{ sampling: 1 }, /quality.*sampling/],
  ])('When quality is %p, then it is refused naming the field and the value', (quality, message) => {
    expect(problemsOf({ quality: { enabled: false, ...quality } })).toMatch(message);
  });
});
