/**
 * The deployment environments. Edit here; `npx cdk synth` validates every environment and refuses a bad one
 * with the field, the value and what is allowed.
 *
 * Accounts are left unset so `cdk synth` works without credentials; `cdk deploy` then targets the account of
 * the credentials in use. Set `account` to pin an environment to one account.
 */
import type { EnvironmentConfigInput } from 'modelstack/config';

const model = { directory: 'examples/breast-cancer' };
const owner = { project: 'modelstack', 'cost-center': 'ml-platform' };
const team = 'ml-team@example.com';
const onCall = 'ml-oncall@example.com';

export const environments = {
  dev: {
    region: 'eu-west-1',
    model,
    // Cheap and quiet: no provisioned concurrency, all at once, warnings only (a failed model load is one of them).
    // Reserving 5 needs an account quota of 105 (docs/account-quotas.md): request the default 1000 for a new account.
    platform: { type: 'lambda', memorySizeMiB: 1024, timeoutSeconds: 30, reservedConcurrency: 5, accountConcurrencyQuota: 1000, rollout: { strategy: 'all-at-once' } },
    removalPolicy: 'destroy',
    storage: { noncurrentVersionExpirationDays: 7, accessLogsExpirationDays: 30 },
    alarms: { emails: [team], warning: { modelLoadFailures: 1 }, critical: { enabled: false } },
    budget: { monthlyLimitUsd: 25 },
    traffic: { requestsPerMonth: 100_000, meanDurationMs: 15 },
    // Batch scoring of files in S3 (modelstack batch --env dev s3://... s3://...): 5 children at once.
    batch: { maxConcurrency: 5 },
    tags: { ...owner, environment: 'dev' },
  },
  staging: {
    region: 'eu-west-1',
    model,
    // SageMaker real-time: steady traffic on a compute-optimized instance (see README, "Choosing a platform").
    platform: {
      type: 'sagemaker',
      // Two instances at least: a canary may be at most half the fleet.
      instance: { type: 'ml.c6i.large', initialCount: 2 },
      autoScaling: {
        minCapacity: 2,
        maxCapacity: 4,
        maxRequestsPerSecondPerInstance: 200,
        // Two instances at night (UTC), up to four by day.
        schedules: [
          { name: 'NightCeiling', schedule: 'cron(0 20 * * ? *)', maxCapacity: 2 },
          { name: 'DayCeiling', schedule: 'cron(0 6 * * ? *)', maxCapacity: 4 },
        ],
      },
      deployment: { strategy: 'canary', stepPercent: 10, waitSeconds: 300, maxExecutionSeconds: 3600 },
    },
    // A fifth of requests, inputs and answers, kept a month: SageMaker data capture into the prediction records.
    capture: { samplingPercentage: 20, captureInputs: true, expirationDays: 30 },
    removalPolicy: 'destroy',
    storage: { noncurrentVersionExpirationDays: 30, accessLogsExpirationDays: 90 },
    alarms: { emails: [team] },
    // Two always-on ml.c6i.large: `npm run estimate` puts them at about $180 a month expected, $360 at four instances.
    budget: { monthlyLimitUsd: 250 },
    traffic: { requestsPerMonth: 1_000_000, meanDurationMs: 15 },
    tags: { ...owner, environment: 'staging' },
  },
  // SageMaker Serverless Inference: spiky, low traffic, nothing paid at idle.
  sandbox: {
    region: 'eu-west-1',
    model,
    platform: { type: 'sagemaker', serverless: { memorySizeMiB: 2048, maxConcurrency: 5 } },
    removalPolicy: 'destroy',
    storage: { noncurrentVersionExpirationDays: 7, accessLogsExpirationDays: 30 },
    budget: { monthlyLimitUsd: 25 },
    traffic: { requestsPerMonth: 50_000, meanDurationMs: 15 },
    tags: { ...owner, environment: 'sandbox' },
  },
  prod: {
    region: 'eu-west-1',
    model,
    // Paged and careful: canary, provisioned concurrency with auto scaling (more in business hours), critical to on-call.
    platform: {
      type: 'lambda',
      memorySizeMiB: 2048,
      timeoutSeconds: 30,
      reservedConcurrency: 100,
      // Reserving 100 needs an account quota of 200 (docs/account-quotas.md): request the default 1000 for a new account.
      accountConcurrencyQuota: 1000,
      logRetentionDays: 365,
      scaling: {
        minProvisionedConcurrency: 2,
        maxProvisionedConcurrency: 40,
        targetUtilizationPercent: 70,
        schedules: [
          { name: 'business-hours', cron: { minute: '0', hour: '7', weekDay: 'MON-FRI' }, timeZone: 'Europe/Dublin', minProvisionedConcurrency: 10 },
          { name: 'after-hours', cron: { minute: '0', hour: '19', weekDay: 'MON-FRI' }, timeZone: 'Europe/Dublin', minProvisionedConcurrency: 2 },
        ],
      },
      rollout: { strategy: 'canary', percent: 10, intervalMinutes: 5 },
    },
    protection: 'production',
    removalPolicy: 'retain',
    storage: { noncurrentVersionExpirationDays: 365, accessLogsExpirationDays: 365 },
    // Prod always has traffic, so a silent hour is worth a warning.
    alarms: { emails: [team], warning: { minInvocationsPerHour: 1 }, critical: { emails: [onCall] } },
    // Drift alarms out as "Model Retraining Signal" events for the trainer, and a monthly "retrain due" (docs/retraining-signals.md).
    retraining: { schedule: 'cron(0 6 1 * ? *)' },
    budget: { monthlyLimitUsd: 500, alertThresholdsPercent: [50, 80, 100] },
    // Live quality: a tenth of predictions with their inputs, kept two weeks (ground truth for the quality job a year).
    capture: { samplingPercentage: 10, captureInputs: true, expirationDays: 14 },
    // The hourly quality job over those records, with the monitor's defaults (docs/live-quality.md): live metrics
    // against the evaluation once labels are in, and feature drift against the model folder's profile.json.
    quality: { enabled: true },
    traffic: { requestsPerMonth: 30_000_000, meanInstancesPerRequest: 4, meanDurationMs: 15 },
    tags: { ...owner, environment: 'prod' },
  },
} satisfies Record<string, EnvironmentConfigInput>;
