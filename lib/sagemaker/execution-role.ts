/**
 * The SageMaker execution role, least privilege written out: read this model's objects and list only this
 * version's prefix, decrypt through S3, write its log group, put metrics in the runtime's namespace. Pulling the
 * image and writing data capture are granted by the image and the capture bucket when they are bound.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ManagedPolicyRole } from '../managed-policy-role';
import type { IModelStore } from '../model-store-interface';

/** What SageMaker does with the execution role to write the endpoint's logs. */
const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];

/** Properties of {@link createExecutionRole}. */
export interface ExecutionRoleProps {
  readonly store: IModelStore;
  /** The model version prefixes SageMaker copies (`models/<name>/<version>/`). */
  readonly modelPrefixes: readonly string[];
  readonly logGroup: logs.ILogGroup;
  readonly metricsNamespace: string;
}

/** Creates the role (construct id `ExecutionRole`) with its read, list, log and metric statements. */
export function createExecutionRole(scope: Construct, props: ExecutionRoleProps): ManagedPolicyRole {
  const { store } = props;
  const role = new ManagedPolicyRole(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    description: `Runs the SageMaker endpoint of model '${store.modelName}' (modelstack)`,
  });
  store.grantRead(role);
  // S3Prefix: SageMaker lists the prefix to copy what is under it; only these versions' prefixes may be listed.
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ListModelVersionPrefix',
      actions: ['s3:ListBucket'],
      resources: [store.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': props.modelPrefixes.flatMap((prefix) => [prefix, `${prefix}*`]) } },
    }),
  );
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteEndpointLogs', actions: LOG_WRITE_ACTIONS, resources: [props.logGroup.logGroupArn] }));
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'PutRuntimeMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': props.metricsNamespace } },
    }),
  );
  return role;
}
