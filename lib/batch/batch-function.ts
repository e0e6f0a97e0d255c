/**
 * The batch host as a Lambda function: the same runtime bundle as the inference function (esbuild + a pruned
 * onnxruntime-node, no Docker) with `lambda/hosts/batch-handler.ts` as its entry. Its role reads the model, reads
 * the input prefix and writes the output prefix, nothing else; its reserved concurrency is the map's, so a run can
 * never take more of the account than it was given.
 */
import * as path from 'node:path';
import { AssetHashType, DockerImage, Validations, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Manifest } from '../../lambda/core/manifest';
import { BATCH_ENV, RUNTIME_ENV } from '../../lambda/core/runtime-config';
import { OnnxRuntimeBundling } from '../bundling/lambda-bundling';
import { BUNDLE_ENTRY_FILE, PROJECT_ROOT } from '../bundling/runtime-bundle';
import { EncryptedLogGroup } from '../encrypted-log-group';
import { ManagedPolicyRole } from '../managed-policy-role';
import type { ModelStore } from '../model-store';
import { iam5ResourceFinding } from '../private/nag-findings';
import type { BatchLocations } from './batch-data';
import { acknowledgeBatchFunction } from './batch-findings';

export interface BatchFunctionProps {
  readonly store: ModelStore;
  readonly manifest: Manifest;
  readonly locations: BatchLocations;
  readonly memorySizeMiB: number;
  readonly timeout: Duration;
  readonly reservedConcurrentExecutions: number;
  readonly logRetention?: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

export class BatchFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly role: ManagedPolicyRole;
  public readonly logs: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: BatchFunctionProps) {
    super(scope, id);
    const { store, locations } = props;
    this.logs = new EncryptedLogGroup(this, 'Logs', { purpose: `the batch function of model '${store.modelName}'`, retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.role = new ManagedPolicyRole(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Scores batch input of model '${store.modelName}' (modelstack)`,
    });
    const entry = path.join(PROJECT_ROOT, 'lambda', 'hosts', 'batch-handler.ts');
    const bundling = new OnnxRuntimeBundling({ entry, architecture: lambda.Architecture.X86_64, manifest: props.manifest, projectRoot: PROJECT_ROOT });
    this.function = new lambda.Function(this, 'Resource', {
      description: `modelstack batch scoring: model '${store.modelName}' ${props.manifest.version}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64,
      handler: `${path.basename(BUNDLE_ENTRY_FILE, '.js')}.handler`,
      code: lambda.Code.fromAsset(path.dirname(entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: DockerImage.fromRegistry('none-local-only'), local: bundling },
      }),
      role: this.role,
      memorySize: props.memorySizeMiB,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        [RUNTIME_ENV.modelBucket]: store.bucket.bucketName,
        [RUNTIME_ENV.modelKey]: store.modelKey,
        [RUNTIME_ENV.modelSha256]: store.modelSha256,
        [BATCH_ENV.inputUri]: locations.inputUri,
        [BATCH_ENV.outputUri]: locations.outputUri,
        POWERTOOLS_SERVICE_NAME: store.modelName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logs.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
    this.function.node.addDependency(store.modelDeployment);
    this.logs.grantWrite(this.function);
    store.grantRead(this.function);
    locations.grantReadInput(this.function);
    locations.grantReadWriteOutput(this.function);
    this.acknowledgeFindings(locations);
  }

  private acknowledgeFindings(locations: BatchLocations): void {
    Validations.of(this.role).acknowledge(
      { id: iam5ResourceFinding(this, '*'), reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) do not support resource-level permissions; AWS requires Resource "*".' },
      { id: iam5ResourceFinding(this, locations.inputObjectsArn), reason: `Reads the batch input prefix ${locations.inputPrefix}* only: a run names its own objects under it.` },
      { id: iam5ResourceFinding(this, locations.outputObjectsArn), reason: `Writes the batch output prefix ${locations.outputPrefix}* only: each child writes results/<part> and rejected/<part> under the run's folder.` },
    );
    acknowledgeBatchFunction(this.function);
  }
}
