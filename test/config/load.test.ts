import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environments } from '../../config/environments';
import { ConfigError, loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';

const modelDir = mkdtempSync(join(tmpdir(), 'modelstack-config-'));
writeFileSync(join(modelDir, 'model.onnx'), 'onnx');
writeFileSync(join(modelDir, 'model.json'), '{}');

const valid = {
  region: 'eu-west-1',
  model: { directory: modelDir },
  platform: { type: 'lambda' },
  removalPolicy: 'retain',
};

/** The problems reported for `raw`, or fails if it loads. */
function problemsOf(raw: Record<string, unknown>, only?: string): readonly string[] {
  try {
    loadEnvironments(raw, { projectRoot: PROJECT_ROOT, only });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
}

describe('Given the shipped environments', () => {
  test('When loaded, then dev, staging and prod validate and resolve the example model', () => {
    const loaded = loadEnvironments(environments, { projectRoot: PROJECT_ROOT });
    expect(loaded.map((env) => env.name)).toEqual(['dev', 'staging', 'sandbox', 'prod']);
    for (const env of loaded) {
      expect(env.modelPath).toBe(join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx'));
      expect(env.manifestPath).toBe(join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.json'));
    }
  });

  test('When one is selected, then only it is returned', () => {
    const loaded = loadEnvironments(environments, { projectRoot: PROJECT_ROOT, only: 'prod' });
    expect(loaded.map((env) => env.name)).toEqual(['prod']);
    expect(loaded[0].config.removalPolicy).toBe('retain');
  });

  test('When an unknown one is selected, then the error lists the known ones', () => {
    expect(problemsOf(environments, 'qa')).toEqual(['env: "qa" is not a known environment; known: dev, staging, sandbox, prod']);
  });
});

describe('Given an environment with defaults omitted', () => {
  test('When loaded, then secure and documented defaults apply', () => {
    const [env] = loadEnvironments({ dev: valid }, { projectRoot: PROJECT_ROOT });
    expect(env.config).toEqual({
      region: 'eu-west-1',
      model: { directory: modelDir },
      platform: {
        type: 'lambda',
        architecture: 'x86_64',
        memorySizeMiB: 2048,
        timeoutSeconds: 30,
        maxBatchSize: 1000,
        maxPayloadBytes: 6291456,
        logRetentionDays: 30,
      },
      protection: 'standard',
      removalPolicy: 'retain',
      storage: { noncurrentVersionExpirationDays: 90, accessLogsExpirationDays: 365 },
      alarms: { emails: [] },
      traffic: { requestsPerMonth: 0, meanInstancesPerRequest: 1, meanDurationMs: 20, meanPayloadBytes: 2048, coldStartPercent: 1, meanInitDurationMs: 1000 },
      tags: {},
    });
  });

  test('When an environment is called prod but has standard protection, then its name alone guards nothing', () => {
    const [env] = loadEnvironments({ prod: { ...valid, removalPolicy: 'destroy' } }, { projectRoot: PROJECT_ROOT });
    expect(env.config).toMatchObject({ protection: 'standard', removalPolicy: 'destroy' });
  });

  test('When the model directory is relative, then it resolves against the project root', () => {
    const [env] = loadEnvironments({ dev: { ...valid, model: { directory: 'examples/iris' } } }, { projectRoot: PROJECT_ROOT });
    expect(env.modelDirectory).toBe(join(PROJECT_ROOT, 'examples', 'iris'));
  });
});

describe('Given an invalid environment, the error names the field, the value and what is allowed', () => {
  const platform = (extra: Record<string, unknown>) => ({ dev: { ...valid, platform: { type: 'lambda', ...extra } } });

  test.each([
    ['memory below the minimum', platform({ memorySizeMiB: 100 }), 'dev.platform.memorySizeMiB: 100 is below the minimum 128'],
    ['memory above the maximum', platform({ memorySizeMiB: 20000 }), 'dev.platform.memorySizeMiB: 20000 is above the maximum 10240'],
    ['a fractional timeout', platform({ timeoutSeconds: 1.5 }), 'dev.platform.timeoutSeconds: 1.5 is not allowed; expected a whole number'],
    ['a timeout over 15 minutes', platform({ timeoutSeconds: 901 }), 'dev.platform.timeoutSeconds: 901 is above the maximum 900'],
    ['zero reserved concurrency', platform({ reservedConcurrency: 0 }), 'dev.platform.reservedConcurrency: 0 is below the minimum 1'],
    ['an unknown architecture', platform({ architecture: 'sparc' }), 'dev.platform.architecture: "sparc" is not allowed; expected "x86_64" or "arm64"'],
    ['a payload limit over Lambda\'s', platform({ maxPayloadBytes: 7000000 }), 'dev.platform.maxPayloadBytes: 7000000 is above the maximum 6291456'],
    ['an unaccepted log retention', platform({ logRetentionDays: 31 }), 'dev.platform.logRetentionDays: must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got 31)'],
    ['an unknown platform', { dev: { ...valid, platform: { type: 'ec2' } } }, 'dev.platform.type: "ec2" is not allowed; Invalid discriminator value. Expected \'lambda\' | \'sagemaker\''],
    ['an unknown key', platform({ memory: 512 }), 'dev.platform: unknown key "memory"; allowed: type, architecture, memorySizeMiB, timeoutSeconds, reservedConcurrency, accountConcurrencyQuota, maxBatchSize, maxPayloadBytes, logRetentionDays, scaling, rollout, network'],
    ['a typo in a platform key', platform({ memorySizeMib: 512 }), 'dev.platform: unknown key "memorySizeMib" (did you mean "memorySizeMiB"?); allowed: type, architecture, memorySizeMiB, timeoutSeconds, reservedConcurrency, accountConcurrencyQuota, maxBatchSize, maxPayloadBytes, logRetentionDays, scaling, rollout, network'],
    ['a typo in a top-level key', { dev: { ...valid, regoin: 'eu-west-1' } }, 'dev: unknown key "regoin" (did you mean "region"?); allowed: account, region, model, platform, protection, evaluation, removalPolicy, storage, alarms, retraining, budget, traffic, capture, batch, quality, shadow, tags'],
    ['a typo in a key of the other platform\'s branch', { dev: { ...valid, platform: { type: 'sagemaker', instance: { typ: 'ml.m5.large' } } } }, 'dev.platform.instance: unknown key "typ" (did you mean "type"?); allowed: type, initialCount'],
    ['a bad region', { dev: { ...valid, region: 'mars-1' } }, 'dev.region: must be an AWS region such as eu-west-1 (got "mars-1")'],
    ['a bad account', { dev: { ...valid, account: '1234' } }, 'dev.account: must be a 12-digit AWS account id (got "1234")'],
    ['a missing region', { dev: { ...valid, region: undefined } }, 'dev.region: is required (expected string)'],
    ['an unknown removal policy', { dev: { ...valid, removalPolicy: 'snapshot' } }, 'dev.removalPolicy: "snapshot" is not allowed; expected "retain" or "destroy"'],
    ['a bad alarm e-mail', { dev: { ...valid, alarms: { emails: ['oncall'] } } }, 'dev.alarms.emails[0]: must be an e-mail address (got "oncall")'],
    ['a zero budget', { dev: { ...valid, budget: { monthlyLimitUsd: 0 } } }, 'dev.budget.monthlyLimitUsd: 0 must be greater than 0'],
    ['a budget without a limit', { dev: { ...valid, budget: {} } }, 'dev.budget.monthlyLimitUsd: is required (expected number)'],
    ['a noncurrent expiry of zero days', { dev: { ...valid, storage: { noncurrentVersionExpirationDays: 0 } } }, 'dev.storage.noncurrentVersionExpirationDays: 0 is below the minimum 1'],
    ['negative traffic', { dev: { ...valid, traffic: { requestsPerMonth: -1 } } }, 'dev.traffic.requestsPerMonth: -1 is below the minimum 0'],
    ['a reserved tag key', { dev: { ...valid, tags: { 'aws:owner': 'me' } } }, 'dev.tags.aws:owner: tag keys starting with "aws:" are reserved by AWS (got "aws:owner")'],
    ['a tag value over 256 characters', { dev: { ...valid, tags: { owner: 'x'.repeat(257) } } }, `dev.tags.owner: must have at most 256 characters (got "${'x'.repeat(76)}...)`],
    ['production protection that would delete its data', { 'live-eu': { ...valid, protection: 'production', removalPolicy: 'destroy' } }, 'live-eu.removalPolicy: must be "retain" with protection "production", so models and logs outlive the stack (got "destroy")'],
    ['an unknown protection level', { dev: { ...valid, protection: 'high' } }, 'dev.protection: "high" is not allowed; expected "standard" or "production"'],
    ['a bad environment name', { Prod_1: valid }, 'Prod_1: environment names must match /^[a-z][a-z0-9-]{0,19}$/ (lower-case, at most 20 characters)'],
    ['no environments', {}, 'environments: no environment is defined'],
  ])('When it has %s, then synth is refused', (_case, raw, message) => {
    expect(problemsOf(raw as Record<string, unknown>)).toContain(message);
  });

  test('When the model directory lacks the model, then the missing files are named', () => {
    const empty = mkdtempSync(join(tmpdir(), 'modelstack-empty-'));
    expect(problemsOf({ dev: { ...valid, model: { directory: empty } } })).toEqual([
      `dev.model.directory: ${JSON.stringify(empty)} must contain model.onnx and model.json; missing ${join(empty, 'model.onnx')}, ${join(empty, 'model.json')}`,
    ]);
  });

  test('When several fields are wrong in several environments, then all are reported at once', () => {
    const problems = problemsOf({
      dev: { ...valid, platform: { type: 'lambda', memorySizeMiB: 64, timeoutSeconds: 0 } },
      prod: { ...valid, region: 'nowhere' },
    });
    expect(problems).toEqual([
      'dev.platform.memorySizeMiB: 64 is below the minimum 128',
      'dev.platform.timeoutSeconds: 0 is below the minimum 1',
      'prod.region: must be an AWS region such as eu-west-1 (got "nowhere")',
    ]);
  });
});
