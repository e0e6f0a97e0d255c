/** The validation of `LambdaInference` props: every problem named with its property, value and what is allowed. */
import { Duration, SizeRoundingBehavior, type Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { IConstruct } from 'constructs';
import { FUNCTION_URL_MAX_PAYLOAD_BYTES, MAX_BATCH_SIZE_LIMIT } from '../../lambda/core/runtime-config';
import { LAMBDA_EPHEMERAL_STORAGE_MIB, LAMBDA_MEMORY_SIZE_MIB, LAMBDA_TIMEOUT_SECONDS } from '../lambda-limits';
import type { LambdaInferenceProps } from '../lambda-inference-props';
import { PropsValidator } from '../props-validation';

/** The props with their defaults applied, as the construct uses them. */
export interface ResolvedLambdaInferenceProps {
  readonly architecture: lambda.Architecture;
  readonly memorySizeMiB: number;
  readonly timeout: Duration;
  readonly ephemeralStorageSize: Size;
  readonly maxBatchSize: number;
  readonly maxPayloadBytes: number;
  readonly metricsNamespace: string;
}

/** Throws a `PropsValidationError` listing every invalid prop of `scope` at once. */
export function validateLambdaInferenceProps(scope: IConstruct, props: LambdaInferenceProps, resolved: ResolvedLambdaInferenceProps): void {
  const validator = new PropsValidator(scope);
  const { architecture, ephemeralStorageSize } = resolved;
  if (props.manifest.name !== props.store.modelName) {
    validator.fail('manifest.name', props.manifest.name, `the store's modelName ('${props.store.modelName}')`);
  }
  if (architecture.name !== lambda.Architecture.X86_64.name && architecture.name !== lambda.Architecture.ARM_64.name) {
    validator.fail('architecture', architecture.name, 'x86_64 or arm64 (onnxruntime-node ships Linux binaries for those only)');
  }
  validator.integerInRange('memorySizeMiB', resolved.memorySizeMiB, LAMBDA_MEMORY_SIZE_MIB.min, LAMBDA_MEMORY_SIZE_MIB.max, ' MiB');
  validator.durationInRange('timeout', resolved.timeout, Duration.seconds(LAMBDA_TIMEOUT_SECONDS.min), Duration.seconds(LAMBDA_TIMEOUT_SECONDS.max), 'seconds');
  if (props.reservedConcurrentExecutions !== undefined) {
    validator.integerInRange('reservedConcurrentExecutions', props.reservedConcurrentExecutions, 1, Number.MAX_SAFE_INTEGER);
  }
  if (!ephemeralStorageSize.isUnresolved()) {
    const mib = ephemeralStorageSize.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    const { min, max } = LAMBDA_EPHEMERAL_STORAGE_MIB;
    if (!Number.isInteger(mib) || mib < min || mib > max) {
      validator.fail('ephemeralStorageSize', `${mib} MiB`, `a whole number of MiB from ${min} MiB to ${max} MiB`);
    }
  }
  validator.integerInRange('maxBatchSize', resolved.maxBatchSize, 1, MAX_BATCH_SIZE_LIMIT);
  validator.integerInRange('maxPayloadBytes', resolved.maxPayloadBytes, 1, FUNCTION_URL_MAX_PAYLOAD_BYTES, ' bytes');
  validator.metricsNamespace('metricsNamespace', resolved.metricsNamespace);
  const rate = props.capture?.samplingPercentage;
  if (rate !== undefined && !(rate > 0 && rate <= 100)) validator.fail('capture.samplingPercentage', rate, 'a percentage above 0 and at most 100');
  validator.throwIfInvalid();
}
