/**
 * VPC placement of a SageMaker model: its ENIs in private subnets, behind a security group that accepts nothing
 * inbound and allows only HTTPS inside the VPC out, plus the VPC endpoints SageMaker then needs to start a
 * network-isolated container with no internet route: S3 (gateway, the model), ECR API and Docker registry (the
 * image) and CloudWatch Logs (its logs).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { endpointSecurityGroup, workloadSecurityGroup } from '../private/private-subnet-security';
import type { PropsValidator } from '../props-validation';

/** Where the model's ENIs go. */
export interface NetworkOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the ENIs.
   * @default - CDK's default selection: the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Security groups of the ENIs.
   * @default - one new group: no inbound, HTTPS outbound only
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * Create the S3 gateway and the ECR, ECR Docker and CloudWatch Logs interface endpoints in the VPC. Turn off
   * when the VPC already has them.
   * @default true
   */
  readonly createVpcEndpoints?: boolean;
}

/** What SageMaker does with the execution role to attach ENIs in the VPC (the actions take no resource ARNs). */
const VPC_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
];

/** Checks the network options. */
export function validateNetwork(validator: PropsValidator, serverless: boolean): void {
  if (serverless) validator.fail('network', 'set', 'unset with serverlessVariant: SageMaker Serverless Inference cannot run in a VPC; cannot specify both network and serverlessVariant');
}

/** The security group, the endpoints and the model's `VpcConfig` (construct id of the group: `SecurityGroup`). */
export class ModelNetwork extends Construct {
  public readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** The `VpcConfig` of the models. */
  public readonly vpcConfig: sagemaker.CfnModel.VpcConfigProperty;

  constructor(scope: Construct, id: string, props: NetworkOptions) {
    super(scope, id);
    const { vpc } = props;
    this.securityGroups = props.securityGroups ?? [workloadSecurityGroup(this, vpc, 'SageMaker model ENIs (modelstack): no inbound; HTTPS outbound only')];
    const subnets = vpc.selectSubnets(props.subnets ?? {});
    this.vpcConfig = { subnets: subnets.subnetIds, securityGroupIds: this.securityGroups.map((group) => group.securityGroupId) };
    if (props.createVpcEndpoints ?? true) {
      const endpointGroup = endpointSecurityGroup(
        this,
        vpc,
        'Interface endpoints of a SageMaker model (modelstack): HTTPS from the model ENIs only',
        this.securityGroups,
        'HTTPS from the SageMaker model ENIs',
      );
      vpc.addGatewayEndpoint('S3Endpoint', { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [props.subnets ?? {}] });
      for (const [name, service] of [
        ['EcrApiEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR],
        ['EcrDockerEndpoint', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER],
        ['LogsEndpoint', ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
      ] as const) {
        vpc.addInterfaceEndpoint(name, { service, subnets: props.subnets ?? {}, privateDnsEnabled: true, securityGroups: [endpointGroup], open: false });
      }
    }
  }

  /** Lets the execution role manage the model's ENIs. */
  public grantEni(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ManageModelNetworkInterfaces', actions: VPC_ACTIONS, resources: ['*'] }));
  }
}
