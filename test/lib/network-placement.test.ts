/** NetworkPlacement: a VPC and subnets by id, imported when bound, or a VPC construct of the app, as it is. */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NetworkPlacement } from '../../lib/network-placement';

const SUBNETS = [
  { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0123456789abcdef0' },
  { subnetId: 'subnet-0123456789abcdef1', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0123456789abcdef1' },
];

describe('Given a NetworkPlacement', () => {
  test('When given by id and bound, then the VPC and each subnet are imported into the scope as <id>Vpc and <id>Subnet<n>, endpoints on by default', () => {
    const stack = new Stack();
    const bound = NetworkPlacement.fromIds({ vpcId: 'vpc-0123456789abcdef0', subnets: SUBNETS }).bind(stack, 'Inference');
    expect(stack.node.tryFindChild('InferenceVpc')).toBe(bound.vpc);
    expect(bound.vpc.vpcId).toBe('vpc-0123456789abcdef0');
    expect(bound.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(bound.subnets.subnets?.map((subnet) => [subnet.node.id, subnet.subnetId, subnet.routeTable.routeTableId])).toEqual([
      ['InferenceSubnet0', 'subnet-0123456789abcdef0', 'rtb-0123456789abcdef0'],
      ['InferenceSubnet1', 'subnet-0123456789abcdef1', 'rtb-0123456789abcdef1'],
    ]);
    expect(bound.createVpcEndpoints).toBe(true);
  });

  test('When given by id with no subnet, then it is refused naming the field and the VPC', () => {
    expect(() => NetworkPlacement.fromIds({ vpcId: 'vpc-0123456789abcdef0', subnets: [] })).toThrow("subnets of VPC 'vpc-0123456789abcdef0' must name at least one subnet (got none)");
  });

  test('When given a VPC construct, then binding imports nothing and keeps the VPC, the selection and the endpoint choice', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const bound = NetworkPlacement.fromVpc(vpc, { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, { createVpcEndpoints: false }).bind(stack, 'Inference');
    expect(bound).toEqual({ vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, createVpcEndpoints: false });
    expect(stack.node.tryFindChild('InferenceVpc')).toBeUndefined();
  });
});
