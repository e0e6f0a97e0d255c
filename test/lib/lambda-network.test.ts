import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { LambdaInference } from '../../lib/lambda-inference';
import { ModelFile } from '../../lib/model-file';
import { ModelStore } from '../../lib/model-store';
import { NetworkPlacement } from '../../lib/network-placement';
import { ruleIds } from '../../lib/private/nag-rules';
import { PROJECT_ROOT, testApp } from '../support/app';
import { exampleManifest } from '../support/endpoints';

const NETWORK = {
  vpcId: 'vpc-0123456789abcdef0',
  subnets: [
    { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0123456789abcdef0' },
    { subnetId: 'subnet-0123456789abcdef1', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0123456789abcdef1' },
  ],
};

/** A Lambda endpoint, in the configured VPC unless `network` is false. */
function endpoint(network: { createVpcEndpoints: boolean } | false) {
  const stack = new Stack(testApp(), 'Test', { env: { region: 'eu-west-1' } });
  const manifest = exampleManifest('breast-cancer');
  const store = new ModelStore(stack, 'ModelStore', { modelName: manifest.name, model: ModelFile.fromPath(path.join(PROJECT_ROOT, 'examples', 'breast-cancer', 'model.onnx')) });
  const placement = network === false ? {} : { network: NetworkPlacement.fromIds({ ...NETWORK, ...network }).bind(stack, 'Inference') };
  const inference = new LambdaInference(stack, 'Inference', { store, manifest, reservedConcurrentExecutions: 5, accountConcurrencyQuota: 1000, ...placement });
  return { stack, inference, template: Template.fromStack(stack) };
}

/** Unacknowledged findings of all five packs on the inference function and its network. */
function findings(stack: Stack): string[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new NIST80053R5Checks(), new PCIDSS321Checks(), new ServerlessChecks()].flatMap((pack) =>
    pack
      .validateScope(stack)
      .violations.filter((v) => v.violatingResources.some((r) => (r.constructPath ?? '').startsWith('Test/Inference')))
      .map((v) => v.ruleName),
  );
}

describe('Given the inference function placed in private subnets by id', () => {
  const { stack, inference, template } = endpoint({ createVpcEndpoints: true });

  test('When synthesized, then the function has the configured subnets and a security group with no inbound and HTTPS-only outbound', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: NETWORK.subnets.map((s) => s.subnetId), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceNetworkSecurityGroup'), 'GroupId'] }] },
    });
    const [group] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Inference function ENIs') } }));
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' })]);
    expect(inference.network?.securityGroups).toHaveLength(1);
  });

  test('When synthesized, then the S3 gateway uses the subnets\' route tables and X-Ray has an interface endpoint reachable from the function only', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', VpcId: NETWORK.vpcId, RouteTableIds: NETWORK.subnets.map((s) => s.routeTableId) });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SubnetIds: NETWORK.subnets.map((s) => s.subnetId),
      ServiceName: 'com.amazonaws.eu-west-1.xray',
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceNetworkSecurityGroup'), 'GroupId'] },
    });
  });

  test('When synthesized, then the role may manage the function\'s network interfaces, in its customer-managed policy', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ManageFunctionNetworkInterfaces', Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']), Resource: '*' })]) },
    });
  });

  test('When the five packs check it, then nothing is found and LambdaInsideVPC is fixed, not acknowledged', () => {
    expect(findings(stack)).toEqual([]);
    const acknowledged = JSON.stringify(inference.function.node.metadata);
    for (const id of ruleIds('LambdaInsideVPC')) expect(acknowledged).not.toContain(id);
  });

  test('When the VPC already has its endpoints, then none is created', () => {
    endpoint({ createVpcEndpoints: false }).template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

describe('Given a function outside a VPC (negative control)', () => {
  test('When the five packs check a plain function, then LambdaInsideVPC is found under HIPAA, NIST and PCI', () => {
    const stack = new Stack(testApp(), 'Test');
    new lambda.Function(stack, 'Inference', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;') });
    Template.fromStack(stack);
    expect(findings(stack)).toEqual(expect.arrayContaining(ruleIds('LambdaInsideVPC')));
  });

  test('When LambdaInference has no network, then the finding is acknowledged with the reason to configure one', () => {
    const acknowledged = JSON.stringify(endpoint(false).inference.function.node.metadata);
    for (const id of ruleIds('LambdaInsideVPC')) expect(acknowledged).toContain(id);
    expect(acknowledged).toMatch(/Set a VPC placement/);
  });
});
