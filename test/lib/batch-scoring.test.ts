/** The BatchScoring construct, synthesized: roles, encryption, the concurrency bound, alarms and compliance. */
import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { batchProblems, NAG_PACKS, packFindings, synthBatch } from '../support/batch';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function statementsOf(template: Template, description: RegExp): Statement[] {
  const policies = template.findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies)
    .filter((p) => description.test(String((p.Properties as { Description?: string }).Description)))
    .flatMap((p) => (p.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement);
}

const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const s3Resources = (statements: Statement[]): string[] =>
  statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:'))).flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).map((r) => JSON.stringify(r));

describe('Given a BatchScoring with defaults', () => {
  const { template, stack } = synthBatch();

  test('Then the function reads the model and the input prefix and writes the output prefix, nothing else of S3', () => {
    const statements = statementsOf(template, /Scores batch input/);
    const resources = s3Resources(statements);
    expect(resources).toEqual(expect.arrayContaining([expect.stringContaining('/batch/input/*'), expect.stringContaining('/models/breast-cancer/*'), expect.stringContaining('/batch/output/*')]));
    for (const resource of resources) expect(resource).toMatch(/\/batch\/input\/\*|\/models\/breast-cancer\/\*|\/batch\/output\/\*|"BatchData[0-9A-F]+","Arn"\]\}"?$/);
    const writes = statements.filter((s) => actionsOf(s).includes('s3:PutObject'));
    expect(writes.map((s) => JSON.stringify(s.Resource))).toEqual([expect.stringContaining('/batch/output/*')]);
    const list = statements.find((s) => actionsOf(s).includes('s3:ListBucket'));
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': ['batch/input/*'] } });
  });

  test('Then the state machine role touches S3 objects under the output prefix only (CDK grants the whole bucket, narrowed)', () => {
    const resources = s3Resources(statementsOf(template, /Runs batch scoring/));
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) expect(resource).toContain('/batch/output/*');
  });

  test('Then the data bucket, the state machine and both log groups are encrypted with customer-managed keys', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchKey'), 'Arn'] } }, BucketKeyEnabled: true }] },
      LoggingConfiguration: { LogFilePrefix: 'batch-data/' },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY', KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BatchKey'), 'Arn'] } },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    const groups = template.findResources('AWS::Logs::LogGroup');
    const batchGroups = Object.entries(groups).filter(([id]) => id.startsWith('Batch'));
    expect(batchGroups).toHaveLength(2);
    for (const [, group] of batchGroups) expect((group.Properties as { KmsKeyId?: unknown }).KmsKeyId).toBeDefined();
  });

  test('Then the map runs at most maxConcurrency children and the function reserves exactly that', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10, Timeout: 900, MemorySize: 2048, Environment: { Variables: Match.objectLike({ BATCH_INPUT_URI: Match.anyValue(), BATCH_OUTPUT_URI: Match.anyValue() }) } });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { DefinitionString: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"MaxConcurrency":10,')])] } });
  });

  test('Then failed and timed-out executions alarm to the topic', () => {
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/States',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
      });
    }
  });

  test.each(Object.keys(NAG_PACKS) as (keyof typeof NAG_PACKS)[])('When cdk-nag %s checks it, then every finding is fixed or acknowledged', (pack) => {
    expect(packFindings(stack, pack, 'Test/Batch')).toEqual([]);
  });
});

describe('Given invalid props', () => {
  test.each([
    [{ maxConcurrency: 0 }, /maxConcurrency/],
    [{ maxConcurrency: 10_001 }, /maxConcurrency/],
    [{ toleratedFailurePercentage: 101 }, /toleratedFailurePercentage must be a percentage from 0 to 100 \(got 101\)/],
    [{ rowsPerChild: 10 }, /rowsPerChild/],
    [{ inputPrefix: 'in' }, /inputPrefix must be a key prefix .* each ending with \/ \(got 'in'\)/],
    [{ outputPrefix: 'batch/input/results/' }, /outputPrefix must be a prefix that does not overlap inputPrefix batch\/input\//],
  ])('When %p, then it is refused naming the property and what is allowed', (props, message) => {
    expect(batchProblems(props).join('\n')).toMatch(message);
  });

  test("When maxConcurrency would eat into the live endpoint's reserved concurrency, then synth refuses it with the arithmetic", () => {
    const problems = batchProblems({ maxConcurrency: 850, liveConcurrency: { accountLimit: 1000, reserved: 100 } });
    expect(problems.join('\n')).toMatch(/maxConcurrency must be at most 800 \(the account's concurrency 1000 minus the live endpoint's reserved 100 minus the 100 Lambda keeps unreserved\)/);
  });

  test('When it fits beside the reservation, then it is accepted', () => {
    expect(() => synthBatch({ maxConcurrency: 800, liveConcurrency: { accountLimit: 1000, reserved: 100 } })).not.toThrow();
  });
});
