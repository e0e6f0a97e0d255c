/** SageMaker hosting instance types, as a class so their families can be checked (burstable, GPU). */

/** Instance type names: `ml.<family>.<size>`. */
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** Families with NVIDIA GPUs or AWS accelerators (Inferentia, Trainium) for hosting. */
const ACCELERATED_FAMILY = /^(p\d|g\d|inf\d|trn\d)/;

/** The type of the instances a production variant runs on. */
export class SageMakerInstanceType {
  /** 2 vCPU, 4 GiB: compute-optimized, the default for tabular models. */
  public static readonly C6I_LARGE = SageMakerInstanceType.of('ml.c6i.large');
  /** 2 vCPU, 4 GiB, burstable: cheap for development, refused for autoscaling. */
  public static readonly T2_MEDIUM = SageMakerInstanceType.of('ml.t2.medium');
  /** 4 vCPU, 16 GiB, one NVIDIA T4 GPU. */
  public static readonly G4DN_XLARGE = SageMakerInstanceType.of('ml.g4dn.xlarge');

  /** Any hosting instance type, e.g. `ml.m6i.xlarge` (checked by the endpoint construct). */
  public static of(name: string): SageMakerInstanceType {
    return new SageMakerInstanceType(name);
  }

  private constructor(
    /** The name SageMaker uses, e.g. `ml.c6i.large`. */
    public readonly name: string,
  ) {}

  /** Whether the name has the form `ml.<family>.<size>`. */
  public get isWellFormed(): boolean {
    return INSTANCE_TYPE_PATTERN.test(this.name);
  }

  /** The family, e.g. `c6i`. */
  public get family(): string {
    return this.name.split('.')[1] ?? '';
  }

  /** Burstable (`ml.t*`): CPU credits run out under steady load, which autoscaling would read as demand. */
  public get isBurstable(): boolean {
    return this.family.startsWith('t') && !this.family.startsWith('trn');
  }

  /**
   * vCPUs by the size's name, as EC2 sizes them: `medium` and `large` 2, `xlarge` 4, `<n>xlarge` 4n (SageMaker's
   * `CPUUtilization` is summed over them).
   */
  public get vcpus(): number {
    const size = this.name.split('.')[2] ?? '';
    if (size === 'medium' || size === 'large') return 2;
    if (size === 'xlarge') return 4;
    const multiple = /^(\d+)xlarge$/.exec(size);
    return multiple === null ? 1 : 4 * Number(multiple[1]);
  }

  /** GPU or accelerator instance. */
  public get isAccelerated(): boolean {
    return ACCELERATED_FAMILY.test(this.family);
  }

  public toString(): string {
    return this.name;
  }
}
