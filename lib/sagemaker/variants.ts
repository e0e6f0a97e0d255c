/** Production variant options of a SageMaker endpoint: instances or serverless, and their checks. */
import { Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { PropsValidator } from '../props-validation';
import { SageMakerInstanceType } from './instance-type';

/** The production variant's name, kept across updates: deployment guardrails and autoscaling refer to it. */
export const PRODUCTION_VARIANT_NAME = 'primary';

/** A variant on dedicated instances. */
export interface InstanceVariantOptions {
  /**
   * The instance type.
   * @default SageMakerInstanceType.C6I_LARGE
   */
  readonly instanceType?: SageMakerInstanceType;
  /**
   * Instances at creation (and the autoscaling floor's ceiling: min <= initial <= max), at least 1.
   * @default 1
   */
  readonly initialInstanceCount?: number;
}

/** A serverless variant: SageMaker starts containers on demand, billed per request and duration. */
export interface ServerlessVariantOptions {
  /**
   * Memory of each container: 1 GiB to 6 GiB in steps of 1 GiB.
   * @default Size.gibibytes(2)
   */
  readonly memorySize?: Size;
  /**
   * Most concurrent invocations, 1 to 200.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * Containers kept warm (no cold start), 1 to `maxConcurrency`; billed while idle.
   * @default - none: every container may cold-start
   */
  readonly provisionedConcurrency?: number;
}

/** The serverless memory sizes SageMaker accepts, in MiB: 1 GiB to 6 GiB in 1 GiB steps. */
export const SERVERLESS_MEMORY_MIB: readonly number[] = [1024, 2048, 3072, 4096, 5120, 6144];

/** Serverless memory in MiB, or `undefined` when it is a token. */
export function serverlessMemoryMiB(options: ServerlessVariantOptions): number | undefined {
  const size = options.memorySize ?? Size.gibibytes(2);
  return size.isUnresolved() ? undefined : size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
}

/** Checks an instance variant. */
export function validateInstanceVariant(validator: PropsValidator, options: InstanceVariantOptions): void {
  const type = options.instanceType ?? SageMakerInstanceType.C6I_LARGE;
  if (!type.isWellFormed) validator.fail('instanceVariant.instanceType', type.name, "a SageMaker hosting instance type such as 'ml.c6i.large'");
  validator.integerInRange('instanceVariant.initialInstanceCount', options.initialInstanceCount ?? 1, 1, 100);
}

/** Checks a serverless variant. */
export function validateServerlessVariant(validator: PropsValidator, options: ServerlessVariantOptions): void {
  const memory = serverlessMemoryMiB(options);
  if (memory !== undefined && !SERVERLESS_MEMORY_MIB.includes(memory)) {
    validator.fail('serverlessVariant.memorySize', `${memory} MiB`, `one of ${SERVERLESS_MEMORY_MIB.join(', ')} MiB (1 GiB to 6 GiB in 1 GiB steps)`);
  }
  const maxConcurrency = options.maxConcurrency ?? 10;
  validator.integerInRange('serverlessVariant.maxConcurrency', maxConcurrency, 1, 200);
  if (options.provisionedConcurrency !== undefined) {
    validator.integerInRange('serverlessVariant.provisionedConcurrency', options.provisionedConcurrency, 1, Math.max(1, Math.min(200, maxConcurrency)));
  }
}

/** The production variant of the endpoint config: instances or serverless. */
export function renderProductionVariant(
  options: { readonly instanceVariant?: InstanceVariantOptions; readonly serverlessVariant?: ServerlessVariantOptions },
  modelName: string,
): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  const base = { variantName: PRODUCTION_VARIANT_NAME, modelName, initialVariantWeight: 1 };
  const serverless = options.serverlessVariant;
  if (serverless !== undefined) {
    return {
      ...base,
      serverlessConfig: {
        memorySizeInMb: serverlessMemoryMiB(serverless) ?? 2048,
        maxConcurrency: serverless.maxConcurrency ?? 10,
        provisionedConcurrency: serverless.provisionedConcurrency,
      },
    };
  }
  const instances = options.instanceVariant ?? {};
  return { ...base, instanceType: (instances.instanceType ?? SageMakerInstanceType.C6I_LARGE).name, initialInstanceCount: instances.initialInstanceCount ?? 1 };
}
