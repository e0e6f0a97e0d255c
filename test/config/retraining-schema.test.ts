import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('retraining');

const env = (retraining: unknown) => ({ dev: { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' }, retraining } });

const problemsOf = configProblems;

describe('Given a retraining block', () => {
  test.each([
    ['empty (signals on the default bus, no schedule)', {}],
    ['a monthly cron', { schedule: 'cron(0 6 1 * ? *)' }],
    ['a rate of one day', { schedule: 'rate(1 day)' }],
    ['a rate of 30 days and a bus of its region', { schedule: 'rate(30 days)', eventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/ml-training' }],
  ])('When it is %s, then it is accepted as written', (_case, retraining) => {
    const [loaded] = loadEnvironments(env(retraining), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.retraining).toEqual(retraining);
  });

  test('When it is unset, then the environment has no retraining signals', () => {
    const [loaded] = loadEnvironments({ dev: { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' } } }, { projectRoot: PROJECT_ROOT });
    expect(loaded.config.retraining).toBeUndefined();
  });

  const scheduleMessage =
    'must be an EventBridge Scheduler expression: rate(1 day), rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)';
  test.each([
    ['a cron of five fields', { schedule: 'cron(0 6 1 * ?)' }, `dev.retraining.schedule: ${scheduleMessage} (got "cron(0 6 1 * ?)")`],
    ['a plural rate of one', { schedule: 'rate(1 days)' }, `dev.retraining.schedule: ${scheduleMessage} (got "rate(1 days)")`],
    ['a rate in weeks', { schedule: 'rate(4 weeks)' }, `dev.retraining.schedule: ${scheduleMessage} (got "rate(4 weeks)")`],
    ['a bus name instead of an ARN', { eventBusArn: 'ml-training' }, 'dev.retraining.eventBusArn: must be an event bus ARN such as arn:aws:events:eu-west-1:123456789012:event-bus/ml-training (got "ml-training")'],
    [
      'a bus in another region',
      { eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/ml-training' },
      'dev.retraining.eventBusArn: must be a bus in the environment\'s region eu-west-1: CloudWatch alarm events reach rules in their own region (got "arn:aws:events:us-east-1:123456789012:event-bus/ml-training")',
    ],
  ])('When it has %s, then it is refused naming the field, the value and what is allowed', (_case, retraining, message) => {
    expect(problemsOf(env(retraining))).toEqual([message]);
  });

  test('When it has an unknown key, then the allowed keys are named', () => {
    expect(problemsOf(env({ scheduel: 'rate(30 days)' }))).toEqual([expect.stringMatching(/^dev\.retraining: unknown key "scheduel" \(did you mean "schedule"\?\); allowed: schedule, eventBusArn/)]);
  });
});
