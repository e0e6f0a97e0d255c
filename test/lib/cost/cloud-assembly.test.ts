/** The estimator on the shipped environments, read from a cloud assembly as `cdk synth` writes it. */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { environments } from '../../../config/environments';
import { loadEnvironments } from '../../../config/load';
import { CloudAssemblyError, readCloudAssembly } from '../../../lib/cost/cloud-assembly';
import { estimateCloudAssembly } from '../../../lib/cost/estimate-assembly';
import { estimateStack, type StackEstimate } from '../../../lib/cost/estimate';
import { BYTES_PER_GB } from '../../../lib/cost/assumptions';
import { PROJECT_ROOT, testApp } from '../../support/app';
import { removeAssembly } from '../../support/assembly';
import { lineOf, PRICES, unitPrice } from '../../support/cost';
import { shippedAssembly } from '../../support/shipped';

describe('Given the shipped environments synthesized into a cloud assembly', () => {
  let directory: string;
  let estimates: StackEstimate[];
  beforeAll(async () => {
    directory = shippedAssembly();
    estimates = await estimateCloudAssembly(directory, { environments: loadEnvironments(environments, { projectRoot: PROJECT_ROOT }), prices: PRICES });
  });
  test('When read, then each stack has its region from its environment and its environment and model from the tags', () => {
    expect(readCloudAssembly(directory).map(({ stackName, region, environmentName, modelName }) => ({ stackName, region, environmentName, modelName }))).toEqual([
      { stackName: 'modelstack-breast-cancer-dev', region: 'eu-west-1', environmentName: 'dev', modelName: 'breast-cancer' },
      { stackName: 'modelstack-breast-cancer-staging', region: 'eu-west-1', environmentName: 'staging', modelName: 'breast-cancer' },
      { stackName: 'modelstack-breast-cancer-sandbox', region: 'eu-west-1', environmentName: 'sandbox', modelName: 'breast-cancer' },
      { stackName: 'modelstack-breast-cancer-prod', region: 'eu-west-1', environmentName: 'prod', modelName: 'breast-cancer' },
    ]);
  });

  test('When estimated, then every environment is complete, uses its own traffic profile and is held against its deployed budget', () => {
    expect(estimates.map((e) => ({ env: e.environmentName, complete: e.complete, traffic: e.traffic.requestsPerMonth, budget: e.budget?.monthlyLimitUsd, source: e.budget?.source }))).toEqual([
      { env: 'dev', complete: true, traffic: environments.dev.traffic.requestsPerMonth, budget: environments.dev.budget.monthlyLimitUsd, source: 'template' },
      { env: 'staging', complete: true, traffic: environments.staging.traffic.requestsPerMonth, budget: environments.staging.budget.monthlyLimitUsd, source: 'template' },
      { env: 'sandbox', complete: true, traffic: environments.sandbox.traffic.requestsPerMonth, budget: environments.sandbox.budget.monthlyLimitUsd, source: 'template' },
      { env: 'prod', complete: true, traffic: environments.prod.traffic.requestsPerMonth, budget: environments.prod.budget.monthlyLimitUsd, source: 'template' },
    ]);
    for (const estimate of estimates) expect(estimate.budget?.overBudget).toBe(false);
    for (const estimate of estimates) expect(estimate.unpriced).toEqual([]);
    // prod's capture stream is priced from its traffic: ingestion, the objects it writes, their storage.
    const prod = estimates.find((e) => e.environmentName === 'prod');
    const stream = prod?.lineItems.filter((item) => item.resourceType === 'AWS::KinesisFirehose::DeliveryStream') ?? [];
    expect(stream.map((item) => item.priceKey)).toEqual(['firehose.ingestion', 's3.standard.put', 's3.standard.storage']);
    for (const item of stream) expect(item.usd.expected).toBeGreaterThan(0);
  });

  test('When estimated, then the traffic-driven costs grow from dev to prod, and the fixed costs are keys, stored objects, alarms, dashboards and provisioned concurrency', () => {
    const byEnv: Record<string, StackEstimate> = Object.fromEntries(estimates.map((e) => [e.environmentName, e]));
    expect(byEnv.dev.trafficDriven.expected).toBeLessThan(byEnv.prod.trafficDriven.expected);
    for (const estimate of estimates) {
      const fixedItems = estimate.lineItems.filter((item) => item.kind === 'fixed' && item.usd.expected > 0);
      const allowed = new Set(['AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard', 'AWS::Lambda::Alias', 'AWS::SageMaker::EndpointConfig', 'AWS::SageMaker::Endpoint', 'AWS::ApplicationAutoScaling::ScalingPolicy']);
      // A scheduled function (the quality job) runs on the clock, not on traffic.
      const scheduled = (item: (typeof fixedItems)[number]) => item.resourceType === 'AWS::Lambda::Function' && item.logicalId.startsWith('Quality');
      expect(fixedItems.filter((item) => !allowed.has(item.resourceType) && !scheduled(item))).toEqual([]);
      // Every key is a dollar a month: the keys' part is the number of keys times the key price.
      const keys = fixedItems.filter((item) => item.resourceType === 'AWS::KMS::Key');
      const keyCount = new Set(keys.map((item) => item.logicalId)).size;
      expect(keyCount).toBeGreaterThanOrEqual(3);
      expect(keys.reduce((sum, item) => sum + item.usd.expected, 0)).toBeCloseTo(keyCount * unitPrice('kms.key', 'eu-west-1'), 6);
    }
    // prod's quality job runs hourly: a fixed cost on its function.
    const qualityRuns = byEnv.prod.lineItems.find((item) => item.resourceType === 'AWS::Lambda::Function' && item.logicalId.startsWith('Quality') && item.id === 'requests');
    expect(qualityRuns?.quantity.expected).toBe(730);
    // ... and emits its own metrics: window figures, accuracy and two per label (breast-cancer: 2), drift on 30 features.
    const qualityMetrics = byEnv.prod.lineItems.find((item) => item.logicalId.startsWith('Quality') && item.id === 'custom-metrics');
    expect(qualityMetrics?.quantity).toEqual({ expected: 3 + 1 + 2 * 2, worstCase: 3 + 1 + 2 * 2 + 2 * 30 });
    // prod keeps provisioned concurrency warm: a fixed cost on its live alias.
    expect(byEnv.prod.lineItems.some((item) => item.resourceType === 'AWS::Lambda::Alias' && item.kind === 'fixed' && item.usd.expected > 0)).toBe(true);
  });

  test('When estimated, then deploy-time handlers cost nothing and IAM, policies and custom resources are free by rule', () => {
    const prod = estimates.find((e) => e.environmentName === 'prod') as StackEstimate;
    const handler = prod.lineItems.find((item) => item.logicalId.startsWith('CustomCDKBucketDeployment') && item.resourceType === 'AWS::Lambda::Function');
    expect(handler?.basis).toContain('custom-resource handler');
    expect(handler?.usd.expected).toBe(0);
    expect(new Set(prod.free.map((r) => r.resourceType))).toEqual(
      new Set([
        // Every role's statements are in customer-managed policies (the copy step's too), so no AWS::IAM::Policy.
        'AWS::IAM::Role', 'AWS::IAM::ManagedPolicy', 'AWS::KMS::Alias', 'AWS::S3::BucketPolicy', 'AWS::Lambda::LayerVersion',
        'Custom::CDKBucketDeployment', 'AWS::Lambda::Version', 'AWS::Lambda::Url', 'AWS::ApplicationAutoScaling::ScalableTarget',
        'AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::SNS::Subscription', 'AWS::SNS::TopicPolicy',
        'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::Logs::SubscriptionFilter', 'AWS::Logs::LogStream',
        // The retraining signals (config: retraining): the translator, its rules and the monthly schedule.
        'AWS::StepFunctions::StateMachine', 'AWS::Events::Rule', 'AWS::Scheduler::Schedule',
      ]),
    );
    // Its alias carries provisioned concurrency, so it is priced, not free.
    expect(prod.free.some((r) => r.resourceType === 'AWS::Lambda::Alias')).toBe(false);
  });

  test('When estimated, then the runtime EMF metrics count the manifest labels', () => {
    // Latency, BatchSize, ModelLoadTime + Predictions for malignant and benign.
    expect(lineOf(estimates.find((e) => e.environmentName === 'prod') as StackEstimate, 'Inference', 'custom-metrics').quantity.expected).toBe(5);
  });

  test('When only one environment is asked for, then only its stack is estimated', async () => {
    const only = await estimateCloudAssembly(directory, { environments: loadEnvironments(environments, { projectRoot: PROJECT_ROOT }), prices: PRICES, only: 'staging' });
    expect(only.map((e) => e.stackName)).toEqual(['modelstack-breast-cancer-staging']);
  });
});

describe('Given a bucket the stack deploys files into', () => {
  test('When its assembly is estimated, then the bucket stores the deployed files, measured from the assembly', () => {
    const app = testApp();
    const stack = new Stack(app, 'Deploys', { env: { region: 'us-east-1' } });
    const bucket = new s3.Bucket(stack, 'Models');
    new s3deploy.BucketDeployment(stack, 'Deployment', { sources: [s3deploy.Source.asset(join(PROJECT_ROOT, 'examples', 'iris'))], destinationBucket: bucket });
    const directory = app.synth().directory;
    try {
      const [synthesized] = readCloudAssembly(directory);
      const estimate = estimateStack(synthesized, { prices: PRICES });
      const folder = join(PROJECT_ROOT, 'examples', 'iris');
      const bytes = readdirSync(folder).reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
      expect(lineOf(estimate, 'Models', 'storage').quantity.expected * BYTES_PER_GB).toBeCloseTo(bytes, 0);
    } finally {
      removeAssembly(directory);
    }
  });
});

describe('Given a directory that is not a cloud assembly', () => {
  test('When it does not exist, then reading it fails saying to synthesize first', () => {
    expect(() => readCloudAssembly(join(tmpdir(), 'modelstack-nowhere'))).toThrow(new CloudAssemblyError(`${join(tmpdir(), 'modelstack-nowhere')} does not exist: synthesize first (npx cdk synth), or pass the folder of a cloud assembly`));
  });

  test('When it has no manifest.json, or an unreadable one, then reading it fails naming the file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'modelstack-empty-'));
    expect(() => readCloudAssembly(directory)).toThrow(/is not a cloud assembly: it has no manifest\.json/);
    writeFileSync(join(directory, 'manifest.json'), '{ not json');
    expect(() => readCloudAssembly(directory)).toThrow(/The cloud assembly manifest .*manifest\.json cannot be read as JSON/);
    removeAssembly(directory);
  });
});
