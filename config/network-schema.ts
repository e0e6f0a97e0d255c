/**
 * The `network` block of a platform: private subnets of an existing VPC, named by id so synth needs no lookup
 * (and no AWS credentials). Used by the Lambda platform and by SageMaker real-time endpoints.
 */
import { z } from 'zod';

const awsId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8}(?:[0-9a-f]{9})?$`), { message: `must be an id such as '${prefix}-0123456789abcdef0'` });

export const NetworkSchema = z
  .strictObject({
    /** The VPC's id. */
    vpcId: awsId('vpc'),
    /** Private subnets for the network interfaces, each with its zone and route table (for the S3 gateway endpoint). */
    subnets: z
      .array(
        z.strictObject({
          subnetId: awsId('subnet'),
          availabilityZone: z.string().regex(/^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$/, { message: "must be an availability zone such as 'eu-west-1a'" }),
          routeTableId: awsId('rtb'),
        }),
      )
      .min(1),
    /** Create the VPC endpoints the endpoint needs; turn off when the VPC already has them (or a NAT route). */
    createVpcEndpoints: z.boolean().default(true),
  })
  .superRefine((network, ctx) => {
    const seen = new Set<string>();
    network.subnets.forEach((subnet, index) => {
      if (seen.has(subnet.subnetId)) ctx.addIssue({ code: 'custom', path: ['subnets', index, 'subnetId'], input: subnet.subnetId, message: 'must be unique among the subnets' });
      seen.add(subnet.subnetId);
    });
  });

export type NetworkConfig = z.output<typeof NetworkSchema>;
