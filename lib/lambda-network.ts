/**
 * VPC placement of the inference function: its network interfaces in private subnets, behind a security group
 * that accepts nothing inbound and allows only HTTPS out, plus the VPC endpoints the function then needs without
 * an internet route. What the function itself reaches from inside the VPC:
 * - S3 (gateway endpoint): it downloads its model at start;
 * - X-Ray (interface endpoint): with active tracing, the X-Ray daemon in the execution environment sends segments.
 * Its logs and EMF metrics are shipped by the Lambda service (not through the VPC), and S3 decrypts the model
 * with KMS on the function's behalf (`kms:ViaService`), so neither CloudWatch Logs nor KMS needs an endpoint.
 *
 * Use it when the account's rules require every function in a VPC (HIPAA, NIST 800-53, PCI DSS) or the model
 * must only be fetched over private endpoints; it costs an interface endpoint per zone and a little cold start.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { endpointSecurityGroup, workloadSecurityGroup } from './private/private-subnet-security';

/** Where the function's network interfaces go. */
export interface LambdaNetworkOptions {
  /** The VPC (imported by id: `ec2.Vpc.fromVpcAttributes`, no lookup needed). */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets of the network interfaces: private ones (Lambda gives its interfaces no public address).
   * @default - CDK's default selection: the VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Security groups of the network interfaces.
   * @default - one new group: no inbound, HTTPS outbound only
   */
  readonly securityGroups?: readonly ec2.ISecurityGroup[];

  /**
   * Create the S3 gateway endpoint and the X-Ray interface endpoint in the VPC. Turn off when the VPC already
   * has them, or routes to the internet through NAT.
   * @default true
   */
  readonly createVpcEndpoints?: boolean;
}

/**
 * What Lambda does with the function's role to manage its network interfaces (the AWSLambdaVPCAccessExecutionRole
 * actions, written out: they take no resource ARNs).
 */
const ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** The security group and the endpoints of a function in a VPC (construct id of the group: `SecurityGroup`). */
export class LambdaNetwork extends Construct {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The subnets of the network interfaces. */
  public readonly subnets: ec2.SubnetSelection;
  /** The function's security groups. */
  public readonly securityGroups: readonly ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: LambdaNetworkOptions) {
    super(scope, id);
    this.vpc = props.vpc;
    this.subnets = props.subnets ?? {};
    this.securityGroups = props.securityGroups ?? [workloadSecurityGroup(this, this.vpc, 'Inference function ENIs (modelstack): no inbound; HTTPS outbound only')];
    if (props.createVpcEndpoints ?? true) this.createEndpoints();
  }

  /** Lets the function's role manage its network interfaces. */
  public grantEni(role: iam.IRole): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ManageFunctionNetworkInterfaces', actions: ENI_ACTIONS, resources: ['*'] }));
  }

  private createEndpoints(): void {
    new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', { vpc: this.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.subnets] });
    const endpointGroup = endpointSecurityGroup(
      this,
      this.vpc,
      'Interface endpoints of the inference function (modelstack): HTTPS from the function ENIs only',
      this.securityGroups,
      'HTTPS from the inference function ENIs',
    );
    new ec2.InterfaceVpcEndpoint(this, 'XRayEndpoint', {
      vpc: this.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.XRAY,
      subnets: this.subnets,
      privateDnsEnabled: true,
      securityGroups: [endpointGroup],
      open: false,
    });
  }
}
