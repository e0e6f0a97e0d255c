/** The shadow phase of a SageMaker staging in the delivery pipeline: its stage, the wait, the report gate, the roles. */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { compliancePacks } from '../../lib/compliance';
import { buildShadowTestPipeline, SHADOW_ENDPOINT_NAME } from '../support/pipeline';
import { buildSpecOf, stagesOf } from '../support/pipeline-template';

interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** The statements of the policy whose logical id holds `pathPart`. */
function statementsOf(template: Template, pathPart: string): PolicyStatement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, { Properties: { PolicyDocument: { Statement: PolicyStatement[] } } }>;
  const id = Object.keys(policies).find((key) => key.includes(pathPart));
  if (id === undefined) throw new Error(`no policy ${pathPart}`);
  return policies[id].Properties.PolicyDocument.Statement;
}

describe('Given a pipeline whose staging has a shadow phase of 2 hours at 95% agreement', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = buildShadowTestPipeline().stack;
    template = Template.fromStack(stack);
  });

  test('When synthesized, then the shadow stage comes after the gate and before the ordinary staging deploy, then prod', () => {
    expect(stagesOf(template).map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Gate', 'Env-staging-shadow', 'Env-staging', 'Env-prod']);
  });

  test("When the shadow stage runs, then it deploys staging's own stack, waits, then reports, in that order", () => {
    const shadow = stagesOf(template).find((s) => s.Name === 'Env-staging-shadow');
    expect(shadow?.Actions.map((a) => [a.Name, a.RunOrder, a.ActionTypeId.Provider])).toEqual([
      ['Env-staging-modelstack-model-staging.Prepare', 1, 'CloudFormation'],
      ['Env-staging-modelstack-model-staging.Deploy', 2, 'CloudFormation'],
      ['ShadowWait-staging', 3, 'StepFunctions'],
      ['ShadowReport-staging', 4, 'CodeBuild'],
    ]);
    const staging = stagesOf(template).find((s) => s.Name === 'Env-staging');
    expect(shadow?.Actions[0].Configuration?.StackName).toBe('Env-staging-modelstack-model-staging');
    expect(staging?.Actions[0].Configuration?.StackName).toBe('Env-staging-modelstack-model-staging');
    expect(staging?.Actions.map((a) => a.Name)).toEqual(['modelstack-model-staging.Prepare', 'modelstack-model-staging.Deploy', 'Verify-staging']);
  });

  test("When the build runs, then it restores production's model and the plan before synth, synthesizes with it and keeps the plan in cdk.out", () => {
    expect(buildSpecOf(template, 'Build').phases.build.commands).toEqual([
      'npm ci --no-audit --no-fund',
      'npm test',
      'npx tsx bin/modelstack.ts shadow-baseline examples/breast-cancer --production-stack Env-prod-modelstack-model-prod --region eu-west-1 --out shadow-baseline',
      'npx cdk synth -q -c modelstack:shadowBaseline=shadow-baseline',
      'cp shadow-baseline/shadow-plan.json cdk.out/shadow-plan.json',
    ]);
  });

  test("When the build's role is read, then it may describe the prod stack besides CDK's own grants, and nothing of staging", () => {
    const describe = statementsOf(template, 'BuildCdkBuildProjectRole').filter((s) => JSON.stringify(s.Action).includes('cloudformation'));
    expect(describe).toEqual([{ Action: 'cloudformation:DescribeStacks', Effect: 'Allow', Resource: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Env-prod-modelstack-model-prod/*' }]);
  });

  test('When the wait runs, then it is a Step Functions action on the build output\'s plan, waiting 2 hours only when the plan says shadowing', () => {
    const wait = stagesOf(template).flatMap((s) => s.Actions).find((a) => a.Name === 'ShadowWait-staging');
    // The path inside the input artifact, as CodePipeline's action reference writes it (not CDK's `<artifact>::<path>`).
    expect(wait?.Configuration).toMatchObject({ InputType: 'FilePath', Input: 'shadow-plan.json' });
    const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline')) as Array<{ Properties: { Stages: Array<{ Name: string; Actions: Array<{ Name: string; InputArtifacts?: Array<{ Name: string }> }> }> } }>;
    const action = pipeline.Properties.Stages.flatMap((s) => s.Actions).find((a) => a.Name === 'ShadowWait-staging');
    expect(action?.InputArtifacts).toEqual([{ Name: 'Build_Output' }]);
    const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as Array<{ Properties: { DefinitionString: string; StateMachineType: string; TracingConfiguration: unknown; LoggingConfiguration: { Level: string } } }>;
    const definition = JSON.parse(machine.Properties.DefinitionString) as { StartAt: string; TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
    expect(machine.Properties).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
    expect(definition.StartAt).toBe('Shadowing');
    expect(definition.States.Shadowing).toMatchObject({ Type: 'Choice', Choices: [{ Next: 'CandidateShadowsProduction' }], Default: 'NothingToShadow' });
    expect(JSON.stringify(definition.States.Shadowing.Choices)).toContain('"Variable":"$.shadowing","BooleanEquals":true');
    expect(definition.States.CandidateShadowsProduction).toMatchObject({ Type: 'Wait', Seconds: 7200, Next: 'ShadowPhaseOver' });
    expect(definition.States.NothingToShadow).toMatchObject({ Type: 'Succeed' });
    // Inside CodePipeline's 7 days for a Step Functions invoke action.
    expect(definition.TimeoutSeconds).toBe(7200 + 1800);
  });

  test("When the report runs, then it syncs the endpoint's capture prefix and gates with shadow-report on the plan, 95% and 100 pairs", () => {
    const spec = buildSpecOf(template, 'ShadowReport-staging');
    expect(spec.phases.build.commands).toEqual([
      'npm ci --no-audit --no-fund',
      'mkdir -p shadow-capture shadow-report',
      `if node -e "process.exit(require('./cdk.out/shadow-plan.json').shadowing === true ? 0 : 1)"; then aws s3 sync "s3://$RECORDS_BUCKET/capture/${SHADOW_ENDPOINT_NAME}/" shadow-capture/ --only-show-errors; fi`,
      'npx tsx bin/modelstack.ts shadow-report shadow-capture --plan cdk.out/shadow-plan.json --min-paired 100 --min-agreement 0.95 --json shadow-report/report.json --markdown shadow-report/report.md',
    ]);
    const report = stagesOf(template).flatMap((s) => s.Actions).find((a) => a.Name === 'ShadowReport-staging');
    expect(JSON.parse(report?.Configuration?.EnvironmentVariables as string)).toEqual([
      { name: 'RECORDS_BUCKET', type: 'PLAINTEXT', value: '#{EnvstagingshadowmodelstackmodelstagingA96F20F6.RecordsBucketName}' },
    ]);
  });

  test("When the report's role is read, then beyond CDK's own grants it may list and read that endpoint's capture prefix and decrypt staging's keys through S3 only", () => {
    const own = statementsOf(template, 'ShadowReportstagingRole').filter((s) => /^"?(s3:ListBucket|s3:GetObject|kms:Decrypt)"?$/.test(JSON.stringify(s.Action)));
    expect(own).toEqual([
      {
        Action: 's3:ListBucket',
        Effect: 'Allow',
        Resource: 'arn:aws:s3:::*',
        Condition: { StringLike: { 's3:prefix': [`capture/${SHADOW_ENDPOINT_NAME}/*`] }, StringEquals: { 's3:ResourceAccount': '123456789012' } },
      },
      { Action: 's3:GetObject', Effect: 'Allow', Resource: `arn:aws:s3:::*/capture/${SHADOW_ENDPOINT_NAME}/*`, Condition: { StringEquals: { 's3:ResourceAccount': '123456789012' } } },
      {
        Action: 'kms:Decrypt',
        Effect: 'Allow',
        Resource: 'arn:aws:kms:eu-west-1:123456789012:key/*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'aws:ResourceTag/modelstack:environment': 'staging', 'aws:ResourceTag/modelstack:model': 'breast-cancer' } },
      },
    ]);
    expect(JSON.stringify(statementsOf(template, 'ShadowReportstagingRole'))).not.toMatch(/s3:PutObject"[^]*capture|cloudformation:|sagemaker:|iam:PassRole|sts:AssumeRole/);
  });

  test("When the wait action's role is read, then it starts and describes its own state machine only, and reads the artifacts", () => {
    const statements = statementsOf(template, 'ShadowWaitstagingCodePipelineActionRole');
    expect(statements[0]).toEqual({ Action: ['states:DescribeStateMachine', 'states:StartExecution'], Effect: 'Allow', Resource: { Ref: 'ModelPipelineShadowWaitstaging6E806255' } });
    expect(statements[1].Action).toBe('states:DescribeExecution');
    expect(JSON.stringify(statements)).not.toMatch(/s3:PutObject|kms:Encrypt/);
  });

  test('When the five compliance packs check it, then the shadow phase adds no finding', () => {
    for (const pack of [...compliancePacks(stack), new NIST80053R5Checks(stack), new PCIDSS321Checks(stack), new ServerlessChecks(stack)]) {
      expect(pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });
});

describe('Given invalid shadow phase props', () => {
  test.each([
    ['a duration under 10 minutes', { duration: Duration.minutes(5) }, /environments\[0\]\.shadow\.duration must be a whole number of seconds from 10 minutes to 6 days 23 hours \(got 5 minutes\)/],
    ['a duration over 7 days less an hour', { duration: Duration.days(7) }, /environments\[0\]\.shadow\.duration must be/],
    ['no threshold', { minAgreement: undefined }, /environments\[0\]\.shadow\.minAgreement must be a rate from 0 to 1, or maxMeanAbsoluteDifference/],
    ['an agreement above 1', { minAgreement: 1.5 }, /environments\[0\]\.shadow\.minAgreement must be a rate from 0 to 1/],
    ['a negative difference', { minAgreement: undefined, maxMeanAbsoluteDifference: -1 }, /environments\[0\]\.shadow\.maxMeanAbsoluteDifference must be a number of at least 0/],
    ['no pairs', { minPairedRequests: 0 }, /environments\[0\]\.shadow\.minPairedRequests must be a whole number from 1 to 1000000/],
  ])('When it has %s, then construction fails naming the field', (_case, overrides, message) => {
    expect(() => buildShadowTestPipeline(overrides)).toThrow(message);
  });

  test('When the environment has production protection, then construction fails: production takes the candidate only after its approval', () => {
    expect(() => buildShadowTestPipeline({}, true)).toThrow(/environments\[0\]\.shadow must be unset with production protection: production takes the candidate only after its approval/);
  });
});
