/**
 * Batch scoring of whole data sets in S3 with the same runtime as the endpoint: a Step Functions state machine
 * that plans the input into byte ranges and runs a Distributed Map whose children each score one range with the
 * batch function (lib/batch/batch-definition.ts). `modelstack batch --env <name> s3://in s3://out` starts it.
 *
 * Default settings:
 * - a data bucket (SSE-KMS with its own rotating key, versioned, TLS-only, public access blocked, access logs),
 *   input under `batch/input/`, output under `batch/output/`;
 * - the function reads the model and the input prefix and writes the output prefix only; the state machine reads
 *   and writes the output prefix only (the plan, the map's results);
 * - 10 children at once, reserved as the function's concurrency, checked at synth against the account's quota
 *   and the live endpoint's reservation; no tolerated failures; 100,000 rows per child; 2048 MiB, 15 minutes;
 * - state machine encrypted with a customer-managed key, logs (ALL, no execution data) in a KMS-encrypted log
 *   group, X-Ray tracing; alarms on failed and timed-out executions.
 */
import { Duration, Names, RemovalPolicy, SizeRoundingBehavior, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { DEFAULT_ROWS_PER_CHILD } from '../lambda/batch/range-plan';
import type { Manifest } from '../lambda/core/manifest';
import { BatchLocations } from './batch/batch-data';
import { lambdaBatchDefinition } from './batch/batch-definition';
import { acknowledgeBatchBucket, acknowledgeStateMachine, acknowledgeTransform } from './batch/batch-findings';
import { BatchEngine } from './batch/batch-engine';
import { BatchFunction } from './batch/batch-function';
import { TRANSFORM_MAX_PAYLOAD, transformBatchDefinition } from './batch/transform-definition';
import { concurrencyProblems, DEFAULT_ACCOUNT_CONCURRENCY, DEFAULT_BATCH_MAX_CONCURRENCY, DISTRIBUTED_MAP_MAX_CONCURRENCY, LAMBDA_MAX_TIMEOUT_SECONDS, type LiveConcurrency } from './batch/batch-limits';
import { OutputScopedRole } from './batch/output-scoped-role';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { ModelStore } from './model-store';
import { dataBucketProps } from './private/bucket-defaults';
import { logServerAccess } from './private/server-access-logs';
import { PropsValidator } from './props-validation';

/** Properties of a {@link BatchScoring}. */
export interface BatchScoringProps {
  /** The model: the batch function reads `store.modelKey` (SHA-256 checked) and nothing else of the store. */
  readonly store: ModelStore;
  /** The validated manifest, bundled with the function as `model.json`. */
  readonly manifest: Manifest;
  /** Receives the S3 server access logs of the data bucket this construct creates. */
  readonly accessLogsBucket: s3.IBucket;
  /** Where the alarms on failed and timed-out executions notify. */
  readonly alarmTopic: sns.ITopic;
  /**
   * Key prefix runs read from (the `s3://in` of a run must be under it); ends with `/`.
   * @default 'batch/input/'
   */
  readonly inputPrefix?: string;
  /**
   * Key prefix runs write to (the `s3://out` of a run must be under it); ends with `/`; must not overlap the input.
   * @default 'batch/output/'
   */
  readonly outputPrefix?: string;
  /**
   * Children scoring at once: the map's MaxConcurrency and the function's reserved concurrency, 1 to 10,000.
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * What the live endpoint and the account leave for batch; `maxConcurrency` must fit (checked at synth).
   * @default - { accountLimit: 1000 } and no live reservation
   */
  readonly liveConcurrency?: LiveConcurrency;
  /**
   * Share of children that may fail before the run fails, 0 to 100.
   * @default 0
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * Rows per child, 1,000 to 10,000,000: sized so a child finishes well inside the function timeout.
   * @default 100000
   */
  readonly rowsPerChild?: number;
  /**
   * Memory of the batch function in MiB, 128 to 10240.
   * @default 2048
   */
  readonly memorySizeMiB?: number;
  /**
   * Timeout of the batch function, 1 second to 15 minutes (it also bounds planning: one pass over the input).
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;
  /**
   * How long the function's and the state machine's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the data bucket, keys and log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A dashboard to add the batch row to (executions, children, the function).
   * @default - no dashboard row
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * What scores the rows: the batch function on a Distributed Map, or a SageMaker Batch Transform job with the
   * endpoint's model (then the function, `maxConcurrency`, `rowsPerChild` and `memorySizeMiB` do not apply).
   * @default BatchEngine.lambda()
   */
  readonly engine?: BatchEngine;
}

/** Scores whole data sets in S3 on a Step Functions Distributed Map. */
export class BatchScoring extends Construct {
  /** The state machine (construct id `Resource`); the input of an execution is `{ "input": "s3://...", "output": "s3://..." }`. */
  public readonly stateMachine: sfn.StateMachine;
  /** The batch function (one Distributed Map child); `undefined` with a SageMaker transform engine. */
  public readonly function?: BatchFunction;
  /** What scores the rows. */
  public readonly engine: BatchEngine;
  /** The bucket of the input and output prefixes. */
  public readonly bucket: s3.IBucket;
  /** The input and output prefixes and their grants. */
  public readonly locations: BatchLocations;
  /** Children scoring at once. */
  public readonly maxConcurrency: number;
  /** Alarms on failed and timed-out executions. */
  public readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: BatchScoringProps) {
    super(scope, id);
    // ResultWriterV2 writes the map's results with the state machine's own role; opt in here, not app-wide.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const inputPrefix = props.inputPrefix ?? 'batch/input/';
    const outputPrefix = props.outputPrefix ?? 'batch/output/';
    this.maxConcurrency = props.maxConcurrency ?? DEFAULT_BATCH_MAX_CONCURRENCY;
    const timeout = props.timeout ?? Duration.seconds(LAMBDA_MAX_TIMEOUT_SECONDS);
    this.engine = props.engine ?? BatchEngine.lambda();
    this.validate(props, { inputPrefix, outputPrefix, timeout });

    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the batch data and state machine of model '${props.store.modelName}' (modelstack)`,
      enableKeyRotation: true,
      alias: `alias/modelstack/${Stack.of(this).stackName}/${Names.uniqueResourceName(this, { maxLength: 100, separator: '-' })}`,
      removalPolicy,
    });
    const bucket = new s3.Bucket(this, 'Data', {
      ...dataBucketProps(key),
      lifecycleRules: [{ id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    logServerAccess(bucket, props.accessLogsBucket, 'batch-data/');
    this.bucket = bucket;
    acknowledgeBatchBucket(bucket);
    this.locations = new BatchLocations(this.bucket, key, inputPrefix, outputPrefix);
    if (this.engine.kind === 'lambda') {
      this.function = new BatchFunction(this, 'Function', {
        store: props.store,
        manifest: props.manifest,
        locations: this.locations,
        memorySizeMiB: props.memorySizeMiB ?? 2048,
        timeout,
        reservedConcurrentExecutions: this.maxConcurrency,
        logRetention: props.logRetention,
        removalPolicy,
      });
    }
    this.stateMachine = this.buildStateMachine(props, key, removalPolicy);
    this.alarms = this.buildAlarms(props.alarmTopic);
    if (props.dashboard !== undefined) props.dashboard.addWidgets(...this.dashboardWidgets());
  }

  /** Lets `grantee` start runs and follow them (`modelstack batch --env`). */
  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    const start = this.stateMachine.grantStartExecution(grantee);
    this.stateMachine.grantRead(grantee);
    return start;
  }

  /** Executions that failed (sum over 5 minutes unless overridden). */
  public metricExecutionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /** Executions that timed out (sum over 5 minutes unless overridden). */
  public metricExecutionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTimedOut(props);
  }

  /** The dashboard row: executions and the batch function. */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    const executions = new cloudwatch.GraphWidget({
      title: 'Batch executions',
      width: 12,
      left: [this.stateMachine.metricStarted(), this.stateMachine.metricSucceeded(), this.metricExecutionsFailed(), this.metricExecutionsTimedOut()],
    });
    if (this.function === undefined) return [executions];
    const fn = this.function.function;
    return [
      executions,
      new cloudwatch.GraphWidget({
        title: 'Batch function',
        width: 12,
        left: [fn.metricInvocations(), fn.metricErrors(), fn.metricThrottles()],
        right: [fn.metricDuration({ statistic: 'p99' })],
      }),
    ];
  }

  private validate(props: BatchScoringProps, resolved: { inputPrefix: string; outputPrefix: string; timeout: Duration }): void {
    const validator = new PropsValidator(this);
    validator.integerInRange('maxConcurrency', this.maxConcurrency, 1, DISTRIBUTED_MAP_MAX_CONCURRENCY);
    const transform = this.engine.transform;
    if (transform !== undefined) {
      validator.integerInRange('engine.instanceCount', transform.instanceCount, 1, 100);
      validator.integerInRange('engine.maxConcurrentTransforms', transform.maxConcurrentTransforms, 1, 100);
      const payload = transform.maxPayload?.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      if (payload !== undefined && !(payload > 0 && payload <= TRANSFORM_MAX_PAYLOAD.toMebibytes())) validator.fail('engine.maxPayload', `${payload} MiB`, `more than 0 and at most ${TRANSFORM_MAX_PAYLOAD.toMebibytes()} MiB (the runtime's largest request body)`);
      if (!/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(transform.instanceType)) validator.fail('engine.instanceType', transform.instanceType, 'a SageMaker instance type such as ml.c6i.large');
    }
    for (const problem of this.engine.kind === 'lambda' ? concurrencyProblems(this.maxConcurrency, props.liveConcurrency ?? { accountLimit: DEFAULT_ACCOUNT_CONCURRENCY }) : []) {
      validator.fail('maxConcurrency', this.maxConcurrency, problem);
    }
    const tolerated = props.toleratedFailurePercentage ?? 0;
    if (!(tolerated >= 0 && tolerated <= 100)) validator.fail('toleratedFailurePercentage', tolerated, 'a percentage from 0 to 100');
    validator.integerInRange('rowsPerChild', props.rowsPerChild, 1000, 10_000_000);
    validator.integerInRange('memorySizeMiB', props.memorySizeMiB, 128, 10240, ' MiB');
    validator.durationInRange('timeout', resolved.timeout, Duration.seconds(1), Duration.seconds(LAMBDA_MAX_TIMEOUT_SECONDS), 'seconds');
    const prefix = /^([A-Za-z0-9!_.*'()-]+\/)+$/;
    for (const [name, value] of [['inputPrefix', resolved.inputPrefix], ['outputPrefix', resolved.outputPrefix]] as const) {
      if (!prefix.test(value)) validator.fail(name, value, 'a key prefix of letters, digits and ! _ . * \' ( ) - segments, each ending with /');
    }
    if (resolved.inputPrefix.startsWith(resolved.outputPrefix) || resolved.outputPrefix.startsWith(resolved.inputPrefix)) {
      validator.fail('outputPrefix', resolved.outputPrefix, `a prefix that does not overlap inputPrefix ${resolved.inputPrefix} (the function may only read input and write output)`);
    }
    validator.throwIfInvalid();
  }

  private buildStateMachine(props: BatchScoringProps, key: kms.IKey, removalPolicy: RemovalPolicy): sfn.StateMachine {
    const logs = new EncryptedLogGroup(this, 'Logs', { purpose: `the batch state machine of model '${props.store.modelName}'`, retention: props.logRetention, removalPolicy });
    const role = new OutputScopedRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: `Runs batch scoring of model '${props.store.modelName}' (modelstack)`,
      outputObjectsArn: this.locations.outputObjectsArn,
    });
    const definition = this.definition(props, key);
    const stateMachine = new sfn.StateMachine(this, 'Resource', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      role,
      tracingEnabled: true,
      logs: { destination: logs.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key, Duration.minutes(5)),
      comment: `modelstack batch scoring of model '${props.store.modelName}' ${props.manifest.version}: { "input": "s3://...", "output": "s3://..." }`,
    });
    this.locations.grantReadWriteOutput(role);
    logs.grantWrite(role);
    acknowledgeStateMachine(stateMachine, role, this.function?.function.functionArn, this.locations.outputObjectsArn);
    const executionRole = this.engine.transform?.executionRole;
    if (executionRole instanceof Construct) acknowledgeTransform(role, executionRole, this.locations.inputObjectsArn, this.locations.outputObjectsArn);
    return stateMachine;
  }

  private definition(props: BatchScoringProps, key: kms.IKey): sfn.IChainable {
    const transform = this.engine.transform;
    if (transform !== undefined) {
      // The job runs as the model's role: it reads the input prefix and writes the output prefix, encrypted with the key.
      this.locations.grantReadInput(transform.executionRole);
      this.locations.grantReadWriteOutput(transform.executionRole);
      key.grant(transform.executionRole, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey');
      return transformBatchDefinition(this, transform, key);
    }
    return lambdaBatchDefinition(this, {
      function: (this.function as BatchFunction).function,
      locations: this.locations,
      maxConcurrency: this.maxConcurrency,
      toleratedFailurePercentage: props.toleratedFailurePercentage ?? 0,
      rowsPerChild: props.rowsPerChild ?? DEFAULT_ROWS_PER_CHILD,
    });
  }

  private buildAlarms(topic: sns.ITopic): cloudwatch.Alarm[] {
    const action = new cwActions.SnsAction(topic);
    const alarm = (id: string, name: string, metric: cloudwatch.Metric, what: string): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmName: `${Stack.of(this).stackName}-${name}`,
        metric: metric.with({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        actionsEnabled: true,
        alarmDescription: `[warning] A batch scoring run ${what}. Runbook: open the execution in the Step Functions console, then its map run; failed parts are listed in <output>/map-results/<map run id>/FAILED_*.json with their error (docs/batch.md).`,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };
    return [
      alarm('ExecutionsFailedAlarm', 'BatchExecutionsFailed-Warning', this.metricExecutionsFailed(), 'failed'),
      alarm('ExecutionsTimedOutAlarm', 'BatchExecutionsTimedOut-Warning', this.metricExecutionsTimedOut(), 'timed out'),
    ];
  }
}

