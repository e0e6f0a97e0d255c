/**
 * The security groups of a workload placed in private subnets (a Lambda function's or a SageMaker model's ENIs) and
 * of the interface endpoints it reaches: the workload accepts nothing inbound and sends only HTTPS; the endpoints
 * accept HTTPS from the workload's groups only.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

/** The workload's own group (construct id `SecurityGroup`): no inbound rule, HTTPS out only. */
export function workloadSecurityGroup(scope: Construct, vpc: ec2.IVpc, description: string): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: false });
  // The S3 gateway endpoint is reached through the route table at S3's public addresses, so HTTPS is not
  // limited to the VPC's range; in subnets without an internet route only the endpoints answer.
  group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the VPC endpoints and the S3 gateway');
  return group;
}

/** The interface endpoints' group (construct id `EndpointSecurityGroup`): HTTPS in from `sources` only, nothing out. */
export function endpointSecurityGroup(
  scope: Construct,
  vpc: ec2.IVpc,
  description: string,
  sources: readonly ec2.ISecurityGroup[],
  sourceDescription: string,
): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'EndpointSecurityGroup', { vpc, description, allowAllOutbound: false });
  for (const source of sources) group.addIngressRule(source, ec2.Port.tcp(443), sourceDescription);
  return group;
}
