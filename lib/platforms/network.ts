/** An environment's `network` block as CDK objects: the VPC and subnets imported by id, with no lookup. */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { NetworkConfig } from '../../config/network-schema';

/** The imported VPC, the subnets to select, and whether to create endpoints. */
export interface ImportedNetwork {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly createVpcEndpoints: boolean;
}

/** Imports the configured VPC and subnets into `scope` (construct ids `<id>Vpc`, `<id>Subnet<n>`). */
export function importNetwork(scope: Construct, id: string, network: NetworkConfig): ImportedNetwork {
  const vpc = ec2.Vpc.fromVpcAttributes(scope, `${id}Vpc`, {
    vpcId: network.vpcId,
    availabilityZones: [...new Set(network.subnets.map((subnet) => subnet.availabilityZone))],
  });
  const subnets = network.subnets.map((subnet, index) => ec2.Subnet.fromSubnetAttributes(scope, `${id}Subnet${index}`, subnet));
  return { vpc, subnets: { subnets }, createVpcEndpoints: network.createVpcEndpoints };
}
