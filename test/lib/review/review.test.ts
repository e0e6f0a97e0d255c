/**
 * `review` on two synths of dev that differ: memory 1024 → 2048 MB, and a new error alarm (with its cdk-nag
 * acknowledgement) plus a caller role granted invoke. Both are synthesized like `cdk synth` (compliance packs on).
 */
import { Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildStacks } from '../../../bin/build';
import { environments } from '../../../config/environments';
import { loadEnvironments } from '../../../config/load';
import { applyCompliance } from '../../../lib/compliance';
import { ManagedPolicyRole } from '../../../lib/managed-policy-role';
import type { ModelStack } from '../../../lib/model-stack';
import { reviewCloudAssemblies, type InfrastructureReview } from '../../../lib/review/review';
import { reviewMarkdown } from '../../../lib/review/review-markdown';
import { PROJECT_ROOT, testApp } from '../../support/app';
import { removeAssembly } from '../../support/assembly';
import { PRICES, unitPrice } from '../../support/cost';

const DEV = { dev: environments.dev };
const BIGGER = { dev: { ...environments.dev, platform: { ...environments.dev.platform, memorySizeMiB: 2048 } } };

/** Synthesizes like the CDK CLI does: construct paths in the template metadata, compliance packs on. */
async function synth(raw: Record<string, unknown>, change?: (stack: ModelStack) => void): Promise<string> {
  const app = testApp({ context: { 'aws:cdk:enable-path-metadata': true } });
  const stacks = await buildStacks(app, { projectRoot: PROJECT_ROOT, environments: raw });
  change?.(stacks[0]);
  applyCompliance(app);
  return app.synth().directory;
}

describe('Given a base synth and a head synth with more memory and a new alarm', () => {
  let base: string;
  let head: string;
  let review: InfrastructureReview;
  let report: string;
  beforeAll(async () => {
    base = await synth(DEV);
    head = await synth(BIGGER, (stack) => {
      const alarm = new cloudwatch.Alarm(stack, 'ErrorsAlarm', { metric: stack.inference.metricErrors(), threshold: 1, evaluationPeriods: 1 });
      const reason = 'The alert topic arrives with the monitoring change; until then the alarm is read on the dashboard.';
      Validations.of(alarm).acknowledge({ id: 'HIPAA.Security-CloudWatchAlarmAction', reason }, { id: 'NIST.800.53.R5-CloudWatchAlarmAction', reason });
      stack.inference.grantInvoke(new ManagedPolicyRole(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal(), description: 'Calls the endpoint' }));
    });
    review = await reviewCloudAssemblies(base, head, { environments: loadEnvironments(environments, { projectRoot: PROJECT_ROOT }), prices: PRICES });
    report = reviewMarkdown(review, { base: 'main', head: 'cdk.out', prices: `prices: pricing/prices.json of ${PRICES.date}` }).join('\n');
  });
  afterAll(() => {
    removeAssembly(base);
    removeAssembly(head);
  });

  test('When reviewed, then the memory change is an update of the function naming the property and both values', () => {
    const [stack] = review.stacks;
    expect(stack.status).toBe('changed');
    const fn = stack.changes.resources.find((r) => r.logicalId === 'InferenceD1035463');
    expect(fn).toMatchObject({ change: 'updated', properties: expect.arrayContaining([{ name: 'MemorySize', before: '1024', after: '2048', replaces: false }]) });
    expect(report).toContain('MemorySize: 1024 → 2048');
  });

  test('When reviewed, then the new alarm is an added resource', () => {
    const alarm = review.stacks[0].changes.resources.find((r) => r.resourceType === 'AWS::CloudWatch::Alarm');
    expect(alarm).toMatchObject({ change: 'added', logicalId: expect.stringMatching(/^ErrorsAlarm/) });
    expect(report).toMatch(/\| added \| `ErrorsAlarm[0-9A-F]+` \| AWS::CloudWatch::Alarm \|/);
  });

  test('When reviewed, then the invoke grant shows as added IAM statements', () => {
    const statements = review.stacks[0].changes.iamStatements;
    expect(statements[0]).toEqual(['', 'Resource', 'Effect', 'Action', 'Principal', 'Condition']);
    expect(statements.slice(1).some((row) => row[0] === '+' && row[3].includes('lambda:InvokeFunctionUrl'))).toBe(true);
    expect(report).toContain('lambda:InvokeFunctionUrl');
  });

  test('When reviewed, then the alarm acknowledgement is listed as added, with its reason', () => {
    const added = review.stacks[0].acknowledgements.added;
    expect(added).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: 'ErrorsAlarm/Resource', rule: 'HIPAA.Security-CloudWatchAlarmAction', reason: expect.stringContaining('monitoring change') }),
        expect.objectContaining({ resource: 'ErrorsAlarm/Resource', rule: 'NIST.800.53.R5-CloudWatchAlarmAction', reason: expect.stringContaining('monitoring change') }),
      ]),
    );
    expect(added.every((ack) => ack.resource.startsWith('ErrorsAlarm'))).toBe(true);
    expect(report).toContain('| added | `ErrorsAlarm/Resource` | `HIPAA.Security-CloudWatchAlarmAction` |');
  });

  test('When reviewed, then the cost delta names the compute lines and the alarm, and adds up from unit prices', () => {
    const cost = review.stacks[0].cost;
    const changed = cost.lines.filter((line) => line.change !== 'unchanged').map((line) => `${line.change} ${line.logicalId} ${line.id}`);
    expect(changed).toEqual(expect.arrayContaining(['changed InferenceD1035463 compute', 'changed InferenceD1035463 init', expect.stringMatching(/^added ErrorsAlarm[0-9A-F]{8} alarm-metrics$/)]));
    // Doubling memory doubles compute and INIT GB-seconds; the alarm adds one standard alarm metric.
    const traffic = environments.dev.traffic;
    const coldStarts = traffic.requestsPerMonth * 0.01;
    const extraGbSeconds = traffic.requestsPerMonth * (traffic.meanDurationMs / 1000) * 1 + coldStarts * 1 * 1;
    const compute = cost.lines.filter((line) => line.logicalId === 'InferenceD1035463' && (line.id === 'compute' || line.id === 'init'));
    expect(compute.reduce((sum, line) => sum + line.delta.expected, 0)).toBeCloseTo(extraGbSeconds * unitPrice('lambda.x86_64.duration', 'eu-west-1'), 6);
    expect(cost.lines.find((line) => line.id === 'alarm-metrics')?.delta.expected).toBeCloseTo(unitPrice('cloudwatch.alarm.standard', 'eu-west-1'), 10);
    expect(report).toMatch(/\| added \| `ErrorsAlarm[0-9A-F]+` \| standard alarm \| {2}\| \$0\.10 \| \+\$0\.10 \| \+\$0\.10 \|/);
    expect(report).toMatch(/Expected \$[\d.]+ → \$[\d.]+ a month \(\*\*\+\$[\d.]+\*\*\)/);
  });

  test('When the same synth is reviewed against itself, then nothing changes', async () => {
    const same = await reviewCloudAssemblies(base, base, { environments: loadEnvironments(environments, { projectRoot: PROJECT_ROOT }), prices: PRICES });
    expect(same.stacks.map((s) => s.status)).toEqual(['unchanged']);
    expect(reviewMarkdown(same, { base: 'a', head: 'b', prices: 'p' }).join('\n')).toContain('Nothing changes.');
  });
});
