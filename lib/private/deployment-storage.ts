/**
 * How much `/tmp` the copy step of a `BucketDeployment` needs for one model: it downloads the zipped asset and
 * extracts it there, about twice the model. Used by every construct that deploys model files.
 */
import { Size } from 'aws-cdk-lib';
import { LAMBDA_EPHEMERAL_STORAGE_MIB } from '../lambda-limits';

/**
 * Sizes offered to the copy step, smallest first, up to Lambda's limit. Few distinct sizes keep the number of
 * copy-step Lambda functions low (CDK creates one per size).
 */
const DEPLOYMENT_STORAGE_STEPS_MIB = [LAMBDA_EPHEMERAL_STORAGE_MIB.min, 1024, 2048, 4096, LAMBDA_EPHEMERAL_STORAGE_MIB.max];
/** Room the copy step needs besides the model: the AWS CLI's temporary files. */
const DEPLOYMENT_STORAGE_HEADROOM_MIB = 64;

/** The `/tmp` size, in MiB, that fits a model of `modelSizeBytes`; `undefined` when no Lambda function has enough. */
export function deploymentStorageMiB(modelSizeBytes: number): number | undefined {
  const neededMiB = Math.ceil((2 * modelSizeBytes) / (1024 * 1024)) + DEPLOYMENT_STORAGE_HEADROOM_MIB;
  return DEPLOYMENT_STORAGE_STEPS_MIB.find((size) => size >= neededMiB);
}

/** The `ephemeralStorageSize` to give a `BucketDeployment`: unset (Lambda's default) when the smallest fits. */
export function deploymentEphemeralStorage(storageMiB: number | undefined): Size | undefined {
  return storageMiB !== undefined && storageMiB > LAMBDA_EPHEMERAL_STORAGE_MIB.min ? Size.mebibytes(storageMiB) : undefined;
}
