/**
 * Where an endpoint's network interfaces go, as a union-like class: `NetworkPlacement.fromIds()` names an existing
 * VPC and its private subnets by id (imported when the endpoint is built, no lookup, so synth needs no AWS
 * credentials), `NetworkPlacement.fromVpc()` takes a VPC construct the app already has. A platform binds it next to
 * the endpoint it builds: the imported VPC and subnets need a scope, which props do not have.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';

/** A private subnet named by id, with what an S3 gateway endpoint and the zone selection need. */
export interface SubnetIds {
  /** The subnet's id. */
  readonly subnetId: string;
  /** Its availability zone. */
  readonly availabilityZone: string;
  /** Its route table's id (the S3 gateway endpoint adds a route there). */
  readonly routeTableId: string;
}

/** An existing VPC and its private subnets, by id. */
export interface NetworkIds {
  /** The VPC's id. */
  readonly vpcId: string;
  /** The private subnets of the network interfaces: at least one. */
  readonly subnets: readonly SubnetIds[];
  /**
   * Create the VPC endpoints the endpoint needs; turn off when the VPC already has them (or routes through NAT).
   * @default true
   */
  readonly createVpcEndpoints?: boolean;
}

/** Options of {@link NetworkPlacement.fromVpc}. */
export interface VpcPlacementOptions {
  /**
   * Create the VPC endpoints the endpoint needs; turn off when the VPC already has them (or routes through NAT).
   * @default true
   */
  readonly createVpcEndpoints?: boolean;
}

/** A network placement bound to a scope: what `LambdaInference` and `SageMakerInference` take as `network`. */
export interface BoundNetworkPlacement {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnets of the network interfaces. */
  readonly subnets: ec2.SubnetSelection;
  /** Whether the endpoint creates its VPC endpoints. */
  readonly createVpcEndpoints: boolean;
}

/** The VPC and subnets an endpoint's network interfaces are placed in. */
export abstract class NetworkPlacement {
  /** An existing VPC and subnets by id, imported by {@link bind} (construct ids `<id>Vpc`, `<id>Subnet<n>`). */
  public static fromIds(ids: NetworkIds): NetworkPlacement {
    if (ids.subnets.length === 0) throw new Error(`NetworkPlacement.fromIds: subnets of VPC '${ids.vpcId}' must name at least one subnet (got none)`);
    return new IdsPlacement(ids);
  }

  /**
   * A VPC construct of the app, and the subnets to use in it.
   * @param subnets default: CDK's default selection, the VPC's private subnets
   */
  public static fromVpc(vpc: ec2.IVpc, subnets: ec2.SubnetSelection = {}, options: VpcPlacementOptions = {}): NetworkPlacement {
    return new VpcPlacement({ vpc, subnets, createVpcEndpoints: options.createVpcEndpoints ?? true });
  }

  /** The VPC and subnets, imported into `scope` when given by id. Called once by the platform building the endpoint `id`. */
  public abstract bind(scope: Construct, id: string): BoundNetworkPlacement;
}

class IdsPlacement extends NetworkPlacement {
  constructor(private readonly ids: NetworkIds) {
    super();
  }

  public bind(scope: Construct, id: string): BoundNetworkPlacement {
    const vpc = ec2.Vpc.fromVpcAttributes(scope, `${id}Vpc`, {
      vpcId: this.ids.vpcId,
      availabilityZones: [...new Set(this.ids.subnets.map((subnet) => subnet.availabilityZone))],
    });
    const subnets = this.ids.subnets.map((subnet, index) => ec2.Subnet.fromSubnetAttributes(scope, `${id}Subnet${index}`, subnet));
    return { vpc, subnets: { subnets }, createVpcEndpoints: this.ids.createVpcEndpoints ?? true };
  }
}

class VpcPlacement extends NetworkPlacement {
  constructor(private readonly network: BoundNetworkPlacement) {
    super();
  }

  public bind(): BoundNetworkPlacement {
    return this.network;
  }
}
