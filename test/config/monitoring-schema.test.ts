/** The alarms, scaling and rollout config blocks: every validation branch names the field, the value and what is allowed. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments } from '../../config/environments';
import { ConfigError, loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';

const modelDir = mkdtempSync(join(tmpdir(), 'modelstack-config-'));
writeFileSync(join(modelDir, 'model.onnx'), 'onnx');
writeFileSync(join(modelDir, 'model.json'), '{}');
const valid = { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' } };
const scaling = { minProvisionedConcurrency: 2, maxProvisionedConcurrency: 10 };
const weekdays = { name: 'weekdays', cron: { hour: '8', weekDay: 'MON-FRI' }, minProvisionedConcurrency: 4 };

function problemsOf(raw: Record<string, unknown>): readonly string[] {
  try {
    loadEnvironments({ dev: raw }, { projectRoot: PROJECT_ROOT });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

const alarms = (block: Record<string, unknown>) => ({ ...valid, alarms: block });
const lambda = (extra: Record<string, unknown>) => ({ ...valid, platform: { type: 'lambda', ...extra } });

describe('Given the shipped environments', () => {
  test('When loaded, then dev turns critical off, staging rolls out as a SageMaker canary, prod scales and pages on-call', () => {
    const loaded = Object.fromEntries(loadEnvironments(environments, { projectRoot: PROJECT_ROOT }).map((env) => [env.name, env.config]));
    const { dev, staging, prod } = loaded;
    expect(dev.alarms).toEqual({ emails: ['ml-team@example.com'], warning: { modelLoadFailures: 1 }, critical: { enabled: false } });
    expect(staging.platform).toMatchObject({ type: 'sagemaker', deployment: { strategy: 'canary', stepPercent: 10 } });
    expect(prod.platform).toMatchObject({ rollout: { strategy: 'canary', percent: 10, intervalMinutes: 5 }, scaling: { minProvisionedConcurrency: 2, maxProvisionedConcurrency: 40, targetUtilizationPercent: 70 } });
    expect(prod.alarms.critical).toEqual({ emails: ['ml-oncall@example.com'] });
  });
});

describe('Given blocks left out', () => {
  test('When alarms, scaling and rollout are omitted, then thresholds stay unset for the construct defaults and there is no scaling', () => {
    const [env] = loadEnvironments({ dev: valid }, { projectRoot: PROJECT_ROOT });
    expect(env.config.alarms).toEqual({ emails: [] });
    expect(env.config.platform).not.toHaveProperty('scaling');
    expect(env.config.platform).not.toHaveProperty('rollout');
  });

  test('When scaling leaves the target and schedules out, then 70% and none apply', () => {
    const [env] = loadEnvironments({ dev: lambda({ scaling }) }, { projectRoot: PROJECT_ROOT });
    expect(env.config.platform).toMatchObject({ scaling: { ...scaling, targetUtilizationPercent: 70, schedules: [] } });
  });
});

describe('Given an invalid alarms block', () => {
  test.each([
    ['a zero error rate', alarms({ warning: { errorRatePercent: 0 } }), 'dev.alarms.warning.errorRatePercent: 0 must be greater than 0'],
    ['a rate over 100%', alarms({ critical: { latencyP99PercentOfTimeout: 101 } }), 'dev.alarms.critical.latencyP99PercentOfTimeout: 101 is above the maximum 100'],
    ['zero model load failures', alarms({ critical: { modelLoadFailures: 0 } }), 'dev.alarms.critical.modelLoadFailures: 0 is below the minimum 1'],
    ['a 7-minute period', alarms({ warning: { periodMinutes: 7 } }), 'dev.alarms.warning.periodMinutes: must be a whole number of minutes that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 or 60) (got 7)'],
    ['more datapoints than periods', alarms({ warning: { evaluationPeriods: 2, datapointsToAlarm: 3 } }), 'dev.alarms.warning.datapointsToAlarm: must be at most evaluationPeriods (2) (got 3)'],
    ['more than a day of periods', alarms({ warning: { periodMinutes: 60, evaluationPeriods: 25 } }), 'dev.alarms.warning.evaluationPeriods: times periodMinutes (60) must be at most 1440 minutes (CloudWatch evaluates at most one day) (got 25)'],
    ['a platform id in the wrong case', alarms({ warning: { platform: { cpu: 80 } } }), 'dev.alarms.warning.platform.cpu: must be a platform metric id in PascalCase, e.g. ConcurrencyPercentOfReserved (got "cpu")'],
    ['a bad per-severity e-mail', alarms({ critical: { emails: ['pager'] } }), 'dev.alarms.critical.emails[0]: must be an e-mail address (got "pager")'],
    ['an unknown threshold', alarms({ warning: { errorRate: 1 } }), 'dev.alarms.warning: unknown key "errorRate"; allowed: enabled, emails, errorRatePercent, runtimeErrorRatePercent, latencyP99PercentOfTimeout, throttleRatePercent, invalidRequestRatePercent, modelLoadFailures, minInvocationsPerHour, minRequestsPerPeriod, periodMinutes, evaluationPeriods, datapointsToAlarm, platform'],
    ['an unknown drift severity', alarms({ drift: { severity: 'info' } }), 'dev.alarms.drift.severity: "info" is not allowed; expected "warning" or "critical"'],
    ['drift windows over a day', alarms({ drift: { windowHours: 6, evaluationWindows: 5 } }), 'dev.alarms.drift.evaluationWindows: times windowHours (6) must be at most 24 hours (got 5)'],
    ['drift sigmas below 1', alarms({ drift: { sigmas: 0.5 } }), 'dev.alarms.drift.sigmas: 0.5 is below the minimum 1'],
    ['an unknown reject reason', alarms({ invalidRequestReasons: ['teapot'] }), 'dev.alarms.invalidRequestReasons[0]: "teapot" is not allowed; expected "bad_json" or "invalid_input" or "too_large" or "unsupported_media_type" or "not_found" or "method_not_allowed" or "timeout" or "not_ready" or "internal_error"'],
  ])('When it has %s, then synth is refused', (_case, raw, message) => {
    expect(problemsOf(raw)).toEqual([message]);
  });
});

describe('Given an invalid scaling or rollout block', () => {
  test.each([
    ['a minimum above the maximum', lambda({ scaling: { minProvisionedConcurrency: 5, maxProvisionedConcurrency: 4 } }), 'dev.platform.scaling.maxProvisionedConcurrency: must be at least minProvisionedConcurrency (5) (got 4)'],
    ['more provisioned than reserved', lambda({ reservedConcurrency: 8, scaling }), 'dev.platform.scaling.maxProvisionedConcurrency: must be at most reservedConcurrency (8): provisioned concurrency is taken from the reserved pool (got 10)'],
    ['a schedule above the reservation', lambda({ reservedConcurrency: 10, scaling: { ...scaling, schedules: [{ ...weekdays, minProvisionedConcurrency: 12 }] } }), 'dev.platform.scaling.schedules[0].minProvisionedConcurrency: must be at most reservedConcurrency (10): provisioned concurrency is taken from the reserved pool (got 12)'],
    ['a target of 95%', lambda({ scaling: { ...scaling, targetUtilizationPercent: 95 } }), 'dev.platform.scaling.targetUtilizationPercent: 95 is above the maximum 90'],
    ['a schedule without bounds', lambda({ scaling: { ...scaling, schedules: [{ name: 'x', cron: { hour: '8' } }] } }), 'dev.platform.scaling.schedules[0].minProvisionedConcurrency: or maxProvisionedConcurrency must be set: a schedule changes at least one bound (got missing)'],
    ['a schedule whose minimum is above its maximum', lambda({ scaling: { ...scaling, schedules: [{ ...weekdays, maxProvisionedConcurrency: 3 }] } }), 'dev.platform.scaling.schedules[0].maxProvisionedConcurrency: must be at least minProvisionedConcurrency (4) (got 3)'],
    ['a schedule with both day and weekDay', lambda({ scaling: { ...scaling, schedules: [{ ...weekdays, cron: { day: '1', weekDay: 'MON' } }] } }), 'dev.platform.scaling.schedules[0].cron.weekDay: cannot be set together with cron.day (got "MON")'],
    ['an unknown time zone', lambda({ scaling: { ...scaling, schedules: [{ ...weekdays, timeZone: 'Mars/Olympus' }] } }), 'dev.platform.scaling.schedules[0].timeZone: must be an IANA time zone such as Europe/Dublin (got "Mars/Olympus")'],
    ['a cron field with spaces', lambda({ scaling: { ...scaling, schedules: [{ ...weekdays, cron: { hour: '8 9' } }] } }), 'dev.platform.scaling.schedules[0].cron.hour: must be a cron field such as 0, 8-18, MON-FRI or * (got "8 9")'],
    ['two schedules with one name', lambda({ scaling: { ...scaling, schedules: [weekdays, weekdays] } }), 'dev.platform.scaling.schedules[1].name: must be unique among the schedules (got "weekdays")'],
    ['an unknown strategy', lambda({ rollout: { strategy: 'blue-green' } }), 'dev.platform.rollout.strategy: "blue-green" is not allowed; Invalid discriminator value. Expected \'all-at-once\' | \'canary\' | \'linear\''],
    ['a canary of 0%', lambda({ rollout: { strategy: 'canary', percent: 0, intervalMinutes: 5 } }), 'dev.platform.rollout.percent: 0 is below the minimum 1'],
    ['a linear rollout without an interval', lambda({ rollout: { strategy: 'linear', percent: 10 } }), 'dev.platform.rollout.intervalMinutes: is required (expected number)'],
    ['an all-at-once rollout with a percentage', lambda({ rollout: { strategy: 'all-at-once', percent: 10 } }), 'dev.platform.rollout: unknown key "percent"; allowed: strategy'],
  ])('When it has %s, then synth is refused', (_case, raw, message) => {
    expect(problemsOf(raw)).toEqual([message]);
  });
});
