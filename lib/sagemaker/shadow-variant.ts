/**
 * A candidate model as a shadow variant (`ShadowProductionVariants`: one production plus one shadow): SageMaker
 * sends it a copy of a sample of live traffic and discards its answers; only production answers callers. With data
 * capture on, both variants are captured, which `modelstack shadow-report` compares.
 */
import type * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import type { Manifest } from '../../lambda/core/manifest';
import type { ModelFile } from '../model-file';
import type { PropsValidator } from '../props-validation';
import { SageMakerInstanceType } from './instance-type';

/** The shadow variant's name (`modelstack shadow-report --shadow` defaults to it). */
export const SHADOW_VARIANT_NAME = 'shadow';

/** A candidate model to shadow-test against production. */
export interface ShadowVariantOptions {
  /** The candidate's ONNX file. */
  readonly model: ModelFile;
  /** Its validated manifest (same `name` as production: it is a new version of the same model). */
  readonly manifest: Manifest;
  /**
   * Instance type of the shadow fleet.
   * @default - the production variant's
   */
  readonly instanceType?: SageMakerInstanceType;
  /**
   * Shadow instances, at least 1.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * Percentage of production requests copied to the shadow, 1 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
}

/** Checks the shadow variant. */
export function validateShadowVariant(validator: PropsValidator, options: ShadowVariantOptions, modelName: string): void {
  if (options.manifest.name !== modelName) validator.fail('shadowVariant.manifest.name', options.manifest.name, `the production model's name ('${modelName}')`);
  const type = options.instanceType ?? SageMakerInstanceType.C6I_LARGE;
  if (!type.isWellFormed) validator.fail('shadowVariant.instanceType', type.name, "a SageMaker hosting instance type such as 'ml.c6i.large'");
  validator.integerInRange('shadowVariant.initialInstanceCount', options.initialInstanceCount, 1, 100);
  validator.integerInRange('shadowVariant.samplingPercentage', options.samplingPercentage, 1, 100, '%');
}

/** The shadow variant of the endpoint config. */
export function renderShadowVariant(
  options: ShadowVariantOptions,
  modelName: string,
  productionType: SageMakerInstanceType | undefined,
): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
  return {
    variantName: SHADOW_VARIANT_NAME,
    modelName,
    instanceType: (options.instanceType ?? productionType ?? SageMakerInstanceType.C6I_LARGE).name,
    initialInstanceCount: options.initialInstanceCount ?? 1,
    // Relative to production's weight of 1: the share of requests copied to the shadow.
    initialVariantWeight: (options.samplingPercentage ?? 100) / 100,
  };
}
