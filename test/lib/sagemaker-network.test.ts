import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ModelStore } from '../../lib/model-store';
import { SageMakerInference, type SageMakerInferenceProps } from '../../lib/sagemaker-inference';
import { testApp } from '../support/app';
import { createSageMaker, MANIFEST, MODEL, nagFindings } from '../support/sagemaker';

function inVpc(props: Partial<SageMakerInferenceProps> = {}, createVpcEndpoints = true) {
  const app = testApp();
  const stack = new Stack(app, 'Test');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const store = new ModelStore(stack, 'ModelStore', { modelName: 'breast-cancer', model: MODEL });
  const inference = new SageMakerInference(stack, 'Inference', { store, model: MODEL, manifest: MANIFEST, network: { vpc, createVpcEndpoints }, ...props });
  return { stack, vpc, inference, template: Template.fromStack(stack) };
}

describe('When the model is placed in a VPC', () => {
  const { template, stack, inference } = inVpc();

  test('then the model gets the private subnets and a security group with no inbound and HTTPS-only outbound', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      EnableNetworkIsolation: true,
      VpcConfig: { Subnets: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1') }]), SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceNetworkSecurityGroup'), 'GroupId'] }] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^SageMaker model ENIs'),
      SecurityGroupEgress: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0', Description: Match.anyValue() }],
    });
    const group = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker model ENIs') } }))[0];
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
  });

  test('then the S3 gateway and the ECR, ECR Docker and CloudWatch Logs interface endpoints exist', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])] } });
    for (const service of ['ecr.api', 'ecr.dkr', 'logs']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true, ServiceName: { 'Fn::Join': ['', Match.arrayWith([`.${service}`])] } });
    }
  });

  test('then the execution role may manage the model ENIs, and the endpoint constructs have no unacknowledged findings', () => {
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ManageModelNetworkInterfaces', Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']), Resource: '*' })]) },
    });
    expect(nagFindings(stack, 'Test/Inference')).toEqual([]);
    expect(inference.network?.securityGroups).toHaveLength(1);
  });

  test('then the interface endpoints accept HTTPS from the model ENIs only', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InferenceNetworkSecurityGroup'), 'GroupId'] },
    });
    expect(nagFindings(stack, 'Test/Vpc').filter((rule) => !['AwsSolutions-VPC7', 'HIPAA.Security-VPCFlowLogsEnabled'].includes(rule))).toEqual([]);
  });

  test('then the endpoints can be left to a VPC that has them', () => {
    inVpc({}, false).template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });
});

describe('Given a serverless variant in a VPC', () => {
  test('When synthesized, then it is refused naming both settings', () => {
    const vpc = new ec2.Vpc(new Stack(testApp(), 'Other'), 'Vpc');
    expect(() => createSageMaker({ serverlessVariant: {}, network: { vpc } })).toThrow(/network must be unset with serverlessVariant: .* cannot specify both network and serverlessVariant/);
  });
});
