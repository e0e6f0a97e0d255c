import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { compliancePacks } from '../../lib/compliance';
import { joinAsSub } from '../../lib/pipeline/role-arn-subs';
import { buildTestPipeline } from '../support/pipeline';
import { buildSpecOf, policyOf, stagesOf, type Action } from '../support/pipeline-template';

describe('Given a model pipeline for staging and a production-protected prod', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = buildTestPipeline().stack;
    template = Template.fromStack(stack);
  });

  test('When synthesized, then the stages run source, build, self-update, gate, staging, prod in that order', () => {
    expect(stagesOf(template).map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Gate', 'Env-staging', 'Env-prod']);
  });

  test('When the source is read, then it comes through the CodeStar connection as a full clone of the branch', () => {
    const [source] = stagesOf(template)[0].Actions;
    expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
    expect(source.Configuration).toMatchObject({ FullRepositoryId: 'example-org/modelstack', BranchName: 'main', OutputArtifactFormat: 'CODEBUILD_CLONE_REF' });
  });

  test('When the build runs, then it runs npm ci, npm test and cdk synth as CI does, without the CUDA download', () => {
    const spec = buildSpecOf(template, 'Build');
    expect(spec.phases.build.commands).toEqual(['npm ci --no-audit --no-fund', 'npm test', 'npx cdk synth -q']);
    expect(spec.phases.install).toMatchObject({ 'runtime-versions': { nodejs: '20' } });
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Description: Match.stringLikeRegexp('Build$'),
      Environment: Match.objectLike({ PrivilegedMode: false, EnvironmentVariables: Match.arrayWith([{ Name: 'ONNXRUNTIME_NODE_INSTALL', Type: 'PLAINTEXT', Value: 'skip' }]) }),
    });
  });

  test('When the gate runs, then it evaluates the candidate against the prod stack`s live model, prices prod and exports the verdict', () => {
    const spec = buildSpecOf(template, 'EvaluationGate');
    expect(spec.phases.build.commands).toEqual(
      expect.arrayContaining([
        'npx tsx bin/modelstack.ts gate examples/breast-cancer --production-stack Env-prod-modelstack-model-prod --region eu-west-1 --out gate-report',
        'npx tsx bin/modelstack.ts estimate --env prod --cdk-out cdk.out --markdown > gate-report/estimate.md',
      ]),
    );
    expect(spec.env?.['exported-variables']).toEqual(expect.arrayContaining(['GATE_VERDICT', 'GATE_COST']));
  });

  test('When staging and prod are deployed, then each is followed by modelstack verify of its own stack', () => {
    const staging = stagesOf(template)[4].Actions.sort((a, b) => a.RunOrder - b.RunOrder).map((a) => a.Name);
    expect(staging).toEqual(['modelstack-model-staging.Prepare', 'modelstack-model-staging.Deploy', 'Verify-staging']);
    expect(buildSpecOf(template, 'Verify-prod').phases.build.commands).toContain('npx tsx bin/modelstack.ts verify --env prod --stack Env-prod-modelstack-model-prod');
  });

  test('When prod is reached, then a manual approval comes first, its message carrying the gate verdict and the cost line', () => {
    const prod = stagesOf(template)[5].Actions.sort((a, b) => a.RunOrder - b.RunOrder);
    expect(prod.map((a) => a.Name)).toEqual(['Approve-prod', 'modelstack-model-prod.Prepare', 'modelstack-model-prod.Deploy', 'Verify-prod', 'RecordDeployed-prod']);
    expect(prod[0].ActionTypeId).toMatchObject({ Category: 'Approval', Provider: 'Manual' });
    const message = JSON.stringify(prod[0].Configuration?.CustomData);
    expect(message).toContain('#{Gate@EvaluationGate.GATE_VERDICT}');
    expect(message).toContain('#{Gate@EvaluationGate.GATE_COST}');
    expect(prod[0].Configuration).toHaveProperty('NotificationArn');
  });

  test("When prod's approval is read, then its review link opens this execution's approval summary in the artifact bucket", () => {
    const [approval] = stagesOf(template)[5].Actions.filter((a) => a.Name === 'Approve-prod');
    const link = JSON.stringify(stack.resolve(approval.Configuration?.ExternalEntityLink));
    expect(link).toMatch(/^\{"Fn::Sub":\["https:\/\/console\.aws\.amazon\.com\/s3\/object\/\$\{Bucket\}\?region=\$\{AWS::Region\}&prefix=approvals\/#\{codepipeline\.PipelineExecutionId\}\/approval\.md",\{"Bucket":\{"Ref":"ModelPipelineArtifactsBucket[0-9A-F]{8}"\}\}\]\}$/);
    // CodePipeline substitutes variables in action configuration fields of at most 1000 characters.
    expect(JSON.stringify(approval.Configuration?.CustomData).length).toBeLessThan(1000);
  });

  test('When the gate runs, then it diffs cost and infrastructure against the synth prod last deployed and uploads the summary under the execution id', () => {
    const commands = buildSpecOf(template, 'EvaluationGate').phases.build.commands;
    expect(commands).toEqual(
      expect.arrayContaining([
        'if aws s3 cp "s3://$ARTIFACT_BUCKET/deployed/prod/cdk.out.tgz" gate-report/deployed-cdk.out.tgz; then mkdir -p gate-report/deployed-cdk.out && tar -xzf gate-report/deployed-cdk.out.tgz -C gate-report/deployed-cdk.out; fi',
        expect.stringContaining('estimate --env prod --cdk-out cdk.out --compare gate-report/deployed-cdk.out --markdown --allow-over-budget > gate-report/cost-difference.md'),
        expect.stringContaining('review gate-report/deployed-cdk.out cdk.out --env prod --output gate-report/review.md'),
        'aws s3 cp gate-report/approval.md "s3://$ARTIFACT_BUCKET/approvals/$PIPELINE_EXECUTION_ID/approval.md" --content-type "text/markdown; charset=utf-8"',
      ]),
    );
    const [gate] = stagesOf(template)[3].Actions;
    const variables = JSON.parse(stack.resolve(gate.Configuration?.EnvironmentVariables) as string) as Array<{ name: string; value: unknown }>;
    expect(variables).toEqual(expect.arrayContaining([{ name: 'PIPELINE_EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' }]));
  });

  test("When prod is verified, then the record step keeps that synth as the next run's base, and staging has none", () => {
    expect(buildSpecOf(template, 'RecordDeployed-prod').phases.build.commands).toEqual(['tar -czf /tmp/deployed-cdk.out.tgz .', 'aws s3 cp /tmp/deployed-cdk.out.tgz "s3://$ARTIFACT_BUCKET/deployed/prod/cdk.out.tgz"']);
    const prod = stagesOf(template)[5].Actions;
    const runOrder = (name: string) => prod.find((a) => a.Name === name)?.RunOrder ?? 0;
    expect(runOrder('RecordDeployed-prod')).toBeGreaterThan(runOrder('Verify-prod'));
    expect(stagesOf(template)[4].Actions.map((a) => a.Name)).not.toContain('RecordDeployed-staging');
    const record = policyOf(template, 'RecordDeployedprod');
    expect(record).toMatch(/"Action":"s3:PutObject","Effect":"Allow","Resource":\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["ModelPipelineArtifactsBucket[0-9A-F]{8}","Arn"\]\},"\/deployed\/prod\/\*"\]\]\}/);
    expect(record).not.toMatch(/cloudformation:|sagemaker:|lambda:/);
  });

  test('When staging (standard protection) is reached, then no approval stops it', () => {
    expect(stagesOf(template)[4].Actions.some((a) => a.ActionTypeId.Category === 'Approval')).toBe(false);
  });

  test('When artifacts are stored, then the bucket uses a rotated customer-managed key, TLS only, and logs its access', () => {
    template.hasResourceProperties('AWS::KMS::Key', { Description: 'modelstack pipeline artifacts and build logs', EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() }, BucketKeyEnabled: true }] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { ArtifactStore: Match.objectLike({ EncryptionKey: Match.objectLike({ Type: 'KMS' }) }) });
  });

  test('When a step builds, then its logs go to a log group encrypted with the same key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: 365 });
    template.hasResourceProperties('AWS::CodeBuild::Project', { Description: Match.stringLikeRegexp('EvaluationGate$'), EncryptionKey: Match.anyValue(), LogsConfig: Match.objectLike({ CloudWatchLogs: Match.objectLike({ Status: 'ENABLED' }) }) });
  });

  test('When the gate role is read, then it may describe the prod stack only, and nothing of staging', () => {
    const gate = policyOf(template, 'EvaluationGate');
    expect(gate).toContain('cloudformation:DescribeStacks');
    expect(gate).toContain(':stack/Env-prod-modelstack-model-prod/*');
    expect(gate).not.toContain('staging');
    expect(gate).not.toMatch(/"sagemaker:|"lambda:|"iam:/);
  });

  test('When a verify role is read, then it reads its own stack and invokes endpoints, and cannot deploy or pass roles', () => {
    const verify = policyOf(template, 'Verifystaging');
    expect(verify).toContain(':stack/Env-staging-modelstack-model-staging/*');
    expect(verify).toContain('lambda:InvokeFunctionUrl');
    expect(verify).toContain('sagemaker:InvokeEndpoint');
    expect(verify).not.toMatch(/cloudformation:(CreateStack|UpdateStack|ExecuteChangeSet)|iam:PassRole|sts:AssumeRole/);
  });

  test('When a run fails, then an EventBridge rule on failed executions of this pipeline publishes to the critical topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'], resources: [Match.anyValue()], detail: { state: ['FAILED'] } },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Critical') }, InputTransformer: Match.anyValue(), RoleArn: Match.anyValue() })],
    });
    // The rule's role may use the topic's key (the topic is KMS-encrypted).
    const rulePolicy = policyOf(template, 'FailureNotificationRuleEventsRole');
    expect(rulePolicy).toContain('sns:Publish');
    expect(rulePolicy).toMatch(/kms:GenerateDataKey|kms:Decrypt/);
  });

  test('When the AwsSolutions, HIPAA, NIST 800-53 R5, PCI DSS 3.2.1 and Serverless packs check it, then every finding is fixed or acknowledged with a reason', () => {
    for (const pack of [...compliancePacks(stack), new NIST80053R5Checks(stack), new PCIDSS321Checks(stack), new ServerlessChecks(stack)]) {
      const findings = pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
      expect(findings).toEqual([]);
    }
  });
});

describe('Given the deploy actions of a pipeline', () => {
  test("When their roles are rendered, then each is the Fn::Sub of CDK's bootstrap role, never an empty-delimiter Fn::Join (cfn-lint E3703)", () => {
    const template = Template.fromStack(buildTestPipeline().stack);
    const actions = stagesOf(template).flatMap((stage) => stage.Actions) as Array<Action & { RoleArn?: unknown }>;
    const prepare = actions.find((a) => a.Name === 'modelstack-model-prod.Prepare');
    expect(prepare?.RoleArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-deploy-role-123456789012-eu-west-1' });
    expect(prepare?.Configuration?.RoleArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-west-1' });
    expect(JSON.stringify(actions.map((a) => [a.RoleArn, a.Configuration?.RoleArn]))).not.toContain('"Fn::Join":[""');
  });

  test('When a join holds text, Ref and Fn::GetAtt, then its Fn::Sub says the same, and ${ in the text is escaped', () => {
    expect(joinAsSub({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { 'Fn::GetAtt': ['Role', 'Arn'] }, '/${literal}']] })).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:x:${Role.Arn}/${!literal}',
    });
    expect(joinAsSub({ 'Fn::Join': [',', ['a', 'b']] })).toBeUndefined();
    expect(joinAsSub({ 'Fn::Join': ['', [{ 'Fn::Select': [0, ['a']] }]] })).toBeUndefined();
  });
});

describe('Given a pipeline whose gate role is given a grant no reason covers', () => {
  test('When the AwsSolutions pack checks it, then that wildcard is a finding (acknowledgements are not blanket)', () => {
    const { stack, pipeline } = buildTestPipeline();
    pipeline.gate.project.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::some-other-bucket/*'] }));
    const findings = new AwsSolutionsChecks(stack).validateScope(stack).violations.map((v) => v.ruleName);
    expect(findings).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:::some-other-bucket/*]']);
  });
});

describe('Given a pipeline with a model drop', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = buildTestPipeline({ modelDropKey: 'drops/model.zip' }).stack;
    template = Template.fromStack(stack);
  });
  const apply =
    'if [ -f model-drop/model.onnx ] && [ -f model-drop/model.json ]; then cp model-drop/model.onnx model-drop/model.json examples/breast-cancer/ && ' +
    'if [ -f model-drop/evaluation.json ]; then cp model-drop/evaluation.json examples/breast-cancer/; else rm -f examples/breast-cancer/evaluation.json; fi && ' +
    'echo "model drop: examples/breast-cancer now holds the dropped model"; else echo "model drop: empty, the repository\'s model stays"; fi';

  test('When synthesized, then the source stage reads the zip from the drop bucket beside the repository, not by polling', () => {
    const actions = stagesOf(template)[0].Actions;
    const drop = actions.find((a) => a.Name === 'ModelDrop');
    expect(drop?.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'S3' });
    expect(drop?.Configuration).toMatchObject({ S3ObjectKey: 'drops/model.zip', PollForSourceChanges: false });
  });

  test('When the zip is uploaded, then an EventBridge rule on the bucket\'s Object Created event for that key starts the pipeline', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [{ Ref: Match.stringLikeRegexp('ModelDropBucket') }] }, object: { key: ['drops/model.zip'] } } },
      Targets: [Match.objectLike({ Arn: Match.anyValue(), RoleArn: Match.anyValue() })],
    });
    // S3 sends the events itself (the bucket's own property), with no notifications function of CDK's.
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('When the drop bucket is read, then it is encrypted with the pipeline key, versioned, TLS only and access-logged', () => {
    const [id] = Object.keys(template.findResources('AWS::S3::Bucket')).filter((key) => key.startsWith('ModelPipelineModelDropBucket'));
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ModelPipelineArtifactsKey'), 'Arn'] } }, BucketKeyEnabled: true }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^ModelPipelineArtifactsAccessLogs') }, LogFilePrefix: 'model-drop/' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('When the build, the gate and each verify run, then they put the dropped files into the model folder first (the build after its tests)', () => {
    expect(buildSpecOf(template, 'Build').phases.build.commands).toEqual(['npm ci --no-audit --no-fund', 'npm test', apply, 'npx cdk synth -q']);
    expect(buildSpecOf(template, 'EvaluationGate').phases.build.commands[0]).toBe(apply);
    expect(buildSpecOf(template, 'Verify-prod').phases.build.commands[0]).toBe(apply);
  });

  test('When the five compliance packs check it, then the drop adds no finding', () => {
    for (const pack of [...compliancePacks(stack), new NIST80053R5Checks(stack), new PCIDSS321Checks(stack), new ServerlessChecks(stack)]) {
      expect(pack.validateScope(stack).violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    }
  });
});

describe('Given invalid pipeline props', () => {
  test.each([
    ['modelDropKey', { modelDropKey: 'drops/model.onnx' }, /modelDropKey must be an S3 key of a \.zip/],
    ['repository', { repository: 'not-a-repo' }, /repository must be "owner\/name"/],
    ['environments', { environments: [] }, /environments must be at least one environment/],
    ['modelDirectory', { modelDirectory: '/abs/path' }, /modelDirectory must be a folder relative to the repository root/],
  ])('When %s is wrong, then construction fails naming it', (_field, overrides, message) => {
    expect(() => buildTestPipeline(overrides)).toThrow(message);
  });
});
