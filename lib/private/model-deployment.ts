/**
 * Copying model files into a store's prefix at deploy time, the one way every store does it (a `ModelStore` and an
 * imported one): CDK's BucketDeployment run by the stack's {@link DeploymentHandler} (a role scoped to the prefix,
 * an encrypted log group with retention), extracting, never pruning, so a rollback finds older files.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import type { IModelStore, ModelDeploymentOptions } from '../model-store-interface';
import { PropsValidationError } from '../props-validation';
import { acknowledgeBucketDeploymentProvider } from './cdk-provider-findings';
import { DeploymentHandler } from './deployment-handler';

/**
 * Deploys `options.sources` under `options.prefix` of `store` as `scope`/`id`. The copy step's role and log group
 * belong to the stack of `store` (the importing stack for an imported store); `removalPolicy` applies to that log
 * group when this call creates it, and decides whether the files stay when the deployment leaves the stack.
 */
export function deployModelFiles(store: IModelStore, scope: Construct, id: string, options: ModelDeploymentOptions, removalPolicy: RemovalPolicy): s3deploy.BucketDeployment {
  if (!options.prefix.startsWith(store.modelPrefix) || !options.prefix.endsWith('/')) {
    throw new PropsValidationError(`${scope.node.path}/${id}`, [`prefix: a folder ending in '/' under ${store.modelPrefix} (got '${options.prefix}')`]);
  }
  const handler = DeploymentHandler.of(store, removalPolicy);
  const deployment = new s3deploy.BucketDeployment(scope, id, {
    sources: [...options.sources],
    destinationBucket: store.bucket,
    destinationKeyPrefix: options.prefix,
    extract: true,
    // Older files stay in the bucket so that a rollback to an older version finds them.
    prune: false,
    retainOnDelete: options.retainOnDelete ?? removalPolicy !== RemovalPolicy.DESTROY,
    ephemeralStorageSize: options.ephemeralStorageSize,
    role: handler.deploymentRole,
    logGroup: handler.logs.logGroup,
  });
  handler.grant({ deployment, bucket: store.bucket, key: store.encryptionKey, prefix: options.prefix });
  acknowledgeBucketDeploymentProvider(deployment);
  return deployment;
}
