/** Validation of {@link SageMakerInferenceProps}: every rule names the property, the value and what is allowed. */
import type { IConstruct } from 'constructs';
import { MAX_BATCH_SIZE_LIMIT } from '../../lambda/core/runtime-config';
import { PropsValidator } from '../props-validation';
import type { SageMakerInferenceProps } from '../sagemaker-inference';
import { validateAutoScaling } from './autoscaling';
import { validateDataCapture } from './data-capture';
import { validateDeployment } from './deployment';
import { SageMakerInstanceType } from './instance-type';
import { validateNetwork } from './network';
import { validateShadowVariant } from './shadow-variant';
import { validateInstanceVariant, validateServerlessVariant } from './variants';


/** Values the construct resolved from its defaults. */
export interface ResolvedLimits {
  readonly metricsNamespace: string;
  readonly maxPayloadBytes: number;
  readonly payloadLimit: number;
}

/** Checks the props and throws once with every problem. */
export function validateSageMakerProps(scope: IConstruct, props: SageMakerInferenceProps, resolved: ResolvedLimits): void {
  const { metricsNamespace, maxPayloadBytes, payloadLimit } = resolved;
  const validator = new PropsValidator(scope);
  const { store } = props;
  if (props.manifest.name !== store.modelName) validator.fail('manifest.name', props.manifest.name, `the store's modelName ('${store.modelName}')`);
  if (props.model.sha256 !== store.modelSha256) validator.fail('model.sha256', props.model.sha256, `the store's modelSha256 ('${store.modelSha256}')`);
  if (props.instanceVariant !== undefined && props.serverlessVariant !== undefined) {
    validator.fail('instanceVariant', 'set', 'unset when serverlessVariant is set: cannot specify both instanceVariant and serverlessVariant');
  }
  if (props.serverlessVariant !== undefined) validateServerlessVariant(validator, props.serverlessVariant);
  else validateInstanceVariant(validator, props.instanceVariant ?? {});
  if (props.autoScaling !== undefined) {
    if (props.serverlessVariant !== undefined) {
      validator.fail('autoScaling', 'set', 'unset with serverlessVariant: serverless scales by maxConcurrency; cannot specify both autoScaling and serverlessVariant');
    } else {
      const variant = props.instanceVariant ?? {};
      validateAutoScaling(validator, props.autoScaling, variant.instanceType ?? SageMakerInstanceType.C6I_LARGE, variant.initialInstanceCount ?? 1);
    }
  }
  if (props.network !== undefined) validateNetwork(validator, props.serverlessVariant !== undefined);
  if (props.shadowVariant !== undefined) {
    if (props.serverlessVariant !== undefined) {
      validator.fail('shadowVariant', 'set', 'unset with serverlessVariant: SageMaker Serverless Inference has no shadow variants; cannot specify both shadowVariant and serverlessVariant');
    }
    validateShadowVariant(validator, props.shadowVariant, store.modelName);
  }
  if (props.dataCapture !== undefined) {
    if (props.serverlessVariant !== undefined) {
      validator.fail('dataCapture', 'set', 'unset with serverlessVariant: SageMaker Serverless Inference does not capture data; cannot specify both dataCapture and serverlessVariant');
    }
    validateDataCapture(validator, props.dataCapture, props.manifest);
  }
  if (props.deployment !== undefined) {
    validateDeployment(validator, props.deployment, props.serverlessVariant !== undefined);
    const initial = props.instanceVariant?.initialInstanceCount ?? 1;
    const smallestFleet = Math.min(initial, props.autoScaling?.minCapacity ?? initial);
    const routing = props.deployment.trafficRouting;
    if (props.serverlessVariant === undefined && routing?.type === 'CANARY' && routing.percent !== undefined) {
      const canaryInstances = Math.ceil((routing.percent * smallestFleet) / 100);
      if (canaryInstances > smallestFleet / 2) {
        validator.fail('deployment.trafficRouting (canary size)', `${routing.percent}% of ${smallestFleet} instance(s) = ${canaryInstances}`, 'at most half of the smallest fleet (raise instanceVariant.initialInstanceCount / autoScaling.minCapacity to 2 or more)');
      }
    }
  }
  validator.integerInRange('maxBatchSize', props.maxBatchSize, 1, MAX_BATCH_SIZE_LIMIT);
  validator.integerInRange('maxPayloadBytes', maxPayloadBytes, 1, payloadLimit, ' bytes');
  validator.metricsNamespace('metricsNamespace', metricsNamespace);
  validator.throwIfInvalid();
}

