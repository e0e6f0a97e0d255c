/** The budget and traffic blocks of an environment: defaults, and every validation branch with its message. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';

const modelDir = mkdtempSync(join(tmpdir(), 'modelstack-cost-config-'));
writeFileSync(join(modelDir, 'model.onnx'), 'onnx');
writeFileSync(join(modelDir, 'model.json'), '{}');

const valid = { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'lambda' } };

function load(extra: Record<string, unknown>) {
  return loadEnvironments({ dev: { ...valid, ...extra } }, { projectRoot: PROJECT_ROOT })[0].config;
}

function problemsOf(extra: Record<string, unknown>): readonly string[] {
  try {
    load(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('Given an environment with a budget', () => {
  test('When only the limit is given, then alerts default to 80% and 100% of actual spend and 100% of forecast', () => {
    expect(load({ budget: { monthlyLimitUsd: 50 } }).budget).toEqual({ monthlyLimitUsd: 50, alertThresholdsPercent: [80, 100], forecastThresholdPercent: 100 });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['five thresholds', { monthlyLimitUsd: 50, alertThresholdsPercent: [10, 20, 30, 40, 50] }, 'dev.budget.alertThresholdsPercent: must have at most 4 items (got [10,20,30,40,50])'],
    ['a repeated threshold', { monthlyLimitUsd: 50, alertThresholdsPercent: [80, 80] }, 'dev.budget.alertThresholdsPercent[1]: is listed twice; each threshold sends one alert (got 80)'],
    ['a forecast threshold of 0', { monthlyLimitUsd: 50, forecastThresholdPercent: 0 }, 'dev.budget.forecastThresholdPercent: 0 is below the minimum 1'],
    ['an address that is not one', { monthlyLimitUsd: 50, emails: ['oncall'] }, 'dev.budget.emails[0]'],
    ['no limit', {}, 'dev.budget.monthlyLimitUsd'],
  ])('When it has %s, then it is refused naming the field', (_case, budget, message) => {
    expect(problemsOf({ budget }).join('\n')).toContain(message);
  });
});

describe('Given an environment with a traffic profile', () => {
  test('When only the requests are given, then cold starts default to 1% of them with a 1-second INIT, and capture follows the template', () => {
    expect(load({ traffic: { requestsPerMonth: 1000 } }).traffic).toEqual({
      requestsPerMonth: 1000,
      meanInstancesPerRequest: 1,
      meanDurationMs: 20,
      meanPayloadBytes: 2048,
      coldStartPercent: 1,
      meanInitDurationMs: 1000,
    });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a cold-start share above 100%', { coldStartPercent: 150 }, 'dev.traffic.coldStartPercent: 150 is above the maximum 100'],
    ['an INIT longer than Lambda allows (10 s)', { meanInitDurationMs: 20_000 }, 'dev.traffic.meanInitDurationMs: 20000 is above the maximum 10000'],
    ['a negative capture share', { capturedPercent: -1 }, 'dev.traffic.capturedPercent: -1 is below the minimum 0'],
    ['a fractional cold-start count', { coldStartsPerMonth: 1.5 }, 'dev.traffic.coldStartsPerMonth'],
    ['an unknown field', { requestsPerDay: 10 }, 'dev.traffic'],
  ])('When it has %s, then it is refused naming the field', (_case, traffic, message) => {
    expect(problemsOf({ traffic }).join('\n')).toContain(message);
  });
});
