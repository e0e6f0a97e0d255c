/**
 * The shipped environments and the extra configurations that tests, the dependency-cycle check, the compliance
 * packs and `npm run lint:cfn` build on top of them: each platform shape the config can describe, so a template
 * that only an unshipped setting produces is still synthesized and checked.
 */
import { environments } from '../../config/environments';
import type { EnvironmentConfigInput } from '../../config/schema';

/** The default Lambda concurrency quota: the extra configurations reserve and provision within it. */
const quota = { accountConcurrencyQuota: 1000 } as const;

const base = { region: 'eu-west-1', model: { directory: 'examples/breast-cancer' }, removalPolicy: 'destroy', tags: { project: 'modelstack' } } as const;

/** Two private subnets of a VPC, by id (placeholder ids in the documentation range of each format). */
const NETWORK = {
  vpcId: 'vpc-0123456789abcdef0',
  subnets: [
    { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0123456789abcdef0' },
    { subnetId: 'subnet-0123456789abcdef1', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0123456789abcdef1' },
  ],
};

/** Environment names of the extra configurations, each describing what it adds to the shipped ones. */
export const EXTRA_ENVIRONMENTS = {
  // Lambda as plain as the config allows: no reserved or provisioned concurrency, all at once, no budget.
  'lambda-plain': { ...base, platform: { type: 'lambda' } },
  // Lambda with provisioned concurrency (scaled, one schedule) and a linear rollout, without reserved concurrency.
  'lambda-provisioned': {
    ...base,
    platform: {
      type: 'lambda',
      ...quota,
      scaling: { minProvisionedConcurrency: 1, maxProvisionedConcurrency: 5, schedules: [{ name: 'mornings', cron: { minute: '0', hour: '7' }, minProvisionedConcurrency: 2 }] },
      rollout: { strategy: 'linear', percent: 20, intervalMinutes: 2 },
    },
  },
  // Lambda with a canary and no provisioned concurrency.
  'lambda-canary': { ...base, platform: { type: 'lambda', ...quota, reservedConcurrency: 20, rollout: { strategy: 'canary', percent: 25, intervalMinutes: 10 } } },
  // Lambda in private subnets of a VPC, with the endpoints it needs.
  'lambda-vpc': { ...base, platform: { type: 'lambda', ...quota, reservedConcurrency: 5, network: NETWORK } },
  // SageMaker real-time: autoscaling, linear deployment and capture of the answers only.
  'sm-realtime': {
    ...base,
    platform: {
      type: 'sagemaker',
      instance: { type: 'ml.c6i.large', initialCount: 2 },
      autoScaling: { minCapacity: 2, maxCapacity: 6, maxRequestsPerSecondPerInstance: 100 },
      deployment: { strategy: 'linear', stepPercent: 25, waitSeconds: 120 },
    },
    capture: { samplingPercentage: 50 },
  },
  // SageMaker real-time in private subnets of a VPC, with the endpoints it needs.
  'sm-vpc': { ...base, platform: { type: 'sagemaker', instance: { type: 'ml.c6i.large', initialCount: 1 }, network: NETWORK } },
  // SageMaker Serverless with provisioned concurrency.
  'sm-serverless': { ...base, platform: { type: 'sagemaker', serverless: { memorySizeMiB: 3072, maxConcurrency: 10, provisionedConcurrency: 2 } } },
} satisfies Record<string, EnvironmentConfigInput>;

/** Every environment the checks synthesize: the shipped ones, then the extra configurations. */
export const ALL_ENVIRONMENTS: Readonly<Record<string, EnvironmentConfigInput>> = { ...environments, ...EXTRA_ENVIRONMENTS };

/** Names of the shipped environments (config/environments.ts). */
export const SHIPPED_ENVIRONMENT_NAMES: readonly string[] = Object.keys(environments);
