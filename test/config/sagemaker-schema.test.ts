import { loadEnvironments } from '../../config/load';
import { PROJECT_ROOT } from '../support/app';
import { configProblems, placeholderModelDir } from '../support/config-fixture';

const modelDir = placeholderModelDir('sagemaker');

const env = (platform: Record<string, unknown>) => ({
  dev: { region: 'eu-west-1', model: { directory: modelDir }, platform: { type: 'sagemaker', ...platform }, removalPolicy: 'retain' },
});

const problemsOf = configProblems;

describe('Given a SageMaker platform block', () => {
  test('When it names instances, then the defaults fill in the rest', () => {
    const [loaded] = loadEnvironments(env({ instance: {} }), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.platform).toEqual({ type: 'sagemaker', instance: { type: 'ml.c6i.large', initialCount: 1 }, maxBatchSize: 1000, logRetentionDays: 30 });
  });

  test('When it names serverless, then memory and concurrency default', () => {
    const [loaded] = loadEnvironments(env({ serverless: {} }), { projectRoot: PROJECT_ROOT });
    expect(loaded.config.platform).toMatchObject({ serverless: { memorySizeMiB: 2048, maxConcurrency: 10 } });
  });

  test('When it turns dynamic batching off, then the platform carries false; unset, it carries nothing (the runtime batches)', () => {
    const [off] = loadEnvironments(env({ instance: {}, dynamicBatching: false }), { projectRoot: PROJECT_ROOT });
    const [unset] = loadEnvironments(env({ instance: {} }), { projectRoot: PROJECT_ROOT });
    expect(off.config.platform).toMatchObject({ dynamicBatching: false });
    expect(unset.config.platform).not.toHaveProperty('dynamicBatching');
  });

  test('When dynamicBatching is not a boolean, then the problem names the field and the value', () => {
    expect(problemsOf(env({ instance: {}, dynamicBatching: 'no' }))).toContain('dev.platform.dynamicBatching: "no" is not allowed; expected boolean');
  });

  test.each([
    ['both instance and serverless', { instance: {}, serverless: {} }, 'dev.platform.serverless: cannot be combined with instance: choose instance or serverless (got {"memorySizeMiB":2048,"maxConcurrency":10})'],
    ['neither instance nor serverless', {}, 'dev.platform.instance: is required unless serverless is set: choose instance or serverless (got missing)'],
    ['a malformed instance type', { instance: { type: 'c6i.large' } }, `dev.platform.instance.type: must be a SageMaker instance type such as 'ml.c6i.large' (got "c6i.large")`],
    ['no instances', { instance: { initialCount: 0 } }, 'dev.platform.instance.initialCount: 0 is below the minimum 1'],
    ['serverless memory under 1 GB', { serverless: { memorySizeMiB: 512 } }, 'dev.platform.serverless.memorySizeMiB: 512 is below the minimum 1024'],
    ['serverless memory over 6 GB', { serverless: { memorySizeMiB: 7168 } }, 'dev.platform.serverless.memorySizeMiB: 7168 is above the maximum 6144'],
    ['serverless memory off the 1 GB steps', { serverless: { memorySizeMiB: 1536 } }, 'dev.platform.serverless.memorySizeMiB: must be one of 1024, 2048, 3072, 4096, 5120, 6144 (1 GB steps) (got 1536)'],
    ['serverless concurrency over 200', { serverless: { maxConcurrency: 201 } }, 'dev.platform.serverless.maxConcurrency: 201 is above the maximum 200'],
    ['provisioned over max concurrency', { serverless: { maxConcurrency: 5, provisionedConcurrency: 6 } }, 'dev.platform.serverless.provisionedConcurrency: must be at most serverless.maxConcurrency (5) (got 6)'],
    ['a serverless payload over 4 MB', { serverless: {}, maxPayloadBytes: 5_000_000 }, 'dev.platform.maxPayloadBytes: must be at most 4194304 with serverless (SageMaker Serverless Inference accepts 4 MB) (got 5000000)'],
    ['an unknown key', { instance: {}, gpu: true }, 'dev.platform: unknown key "gpu"; allowed: type, instance, serverless, autoScaling, deployment, network, maxBatchSize, dynamicBatching, maxPayloadBytes, logRetentionDays'],
    ['autoscaling a serverless variant', { serverless: {}, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, 'dev.platform.autoScaling: cannot be combined with serverless (serverless scales by maxConcurrency) (got {"minCapacity":1,"maxCapacity":2,"maxRequestsPerSecondPerInstance":10,"safety...)'],
    ['a rolling update of a serverless variant', { serverless: {}, deployment: { strategy: 'rolling' } }, 'dev.platform.deployment.strategy: must not be "rolling" with serverless: SageMaker rolls only instance variants (got "rolling")'],
    ['minCapacity above the initial count', { instance: {}, autoScaling: { minCapacity: 2, maxCapacity: 4, maxRequestsPerSecondPerInstance: 10 } }, 'dev.platform.autoScaling.minCapacity: must be at most instance.initialCount (1): 1 <= min <= initial <= max (got 2)'],
    ['maxCapacity below the initial count', { instance: { initialCount: 3 }, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, 'dev.platform.autoScaling.maxCapacity: must be at least instance.initialCount (3): 1 <= min <= initial <= max (got 2)'],
    ['a burstable type with autoscaling', { instance: { type: 'ml.t2.medium' }, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10 } }, 'dev.platform.instance.type: must not be a burstable ml.t* type with autoScaling: once CPU credits run out the slowdown reads as load (got "ml.t2.medium")'],
    ['a linear step under 10%', { instance: {}, deployment: { strategy: 'linear', stepPercent: 5 } }, 'dev.platform.deployment.stepPercent: must be 10-50 with strategy "linear" (got 5)'],
    ['a rolling batch under 5%', { instance: {}, deployment: { strategy: 'rolling', stepPercent: 4 } }, 'dev.platform.deployment.stepPercent: must be 5-50 with strategy "rolling" (got 4)'],
    ['a canary over 50%', { instance: {}, deployment: { stepPercent: 60 } }, 'dev.platform.deployment.stepPercent: 60 is above the maximum 50'],
    ['a deployment timeout over 8 hours', { instance: {}, deployment: { maxExecutionSeconds: 30000 } }, 'dev.platform.deployment.maxExecutionSeconds: 30000 is above the maximum 28800'],
    ['a schedule that is not an expression', { instance: {}, autoScaling: { maxCapacity: 2, maxRequestsPerSecondPerInstance: 10, schedules: [{ name: 'Night', schedule: '0 20 * * *' }] } }, `dev.platform.autoScaling.schedules[0].schedule: must be 'cron(...)', 'rate(...)' or 'at(...)' (got "0 20 * * *")`],
  ])('When it has %s, then synth is refused naming the field, value and what is allowed', (_case, platform, message) => {
    expect(problemsOf(env(platform))).toContain(message);
  });
});
