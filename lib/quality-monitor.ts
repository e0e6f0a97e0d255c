/**
 * Is the model still right? A scheduled job (EventBridge Scheduler, hourly by default) joins the endpoint's
 * captured predictions with the ground truth that has arrived, scores them with the evaluation library's own
 * metric code, compares each feature with the training profile, writes a quality record per window under
 * `quality/` and publishes the figures as EMF; alarms hold the model to what it promised (the manifest's minimums
 * and the committed evaluation minus a tolerance) and to its training distribution (PSI per feature).
 *
 * Default settings: one-hour windows evaluated two days after they end (`QUALITY_DEFAULTS`); the job's role reads
 * captures and ground truth and writes quality records, nothing more; its logs encrypted with their own key; the
 * job's own failures alarmed.
 */
import * as path from 'node:path';
import { Annotations, AssetHashType, DockerImage, Duration, Stack, Token, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import type { Manifest } from '../lambda/core/manifest';
import { QUALITY_ENV, QUALITY_NAMESPACE } from '../lambda/records/quality-metric-names';
import { RECORD_PREFIXES } from '../lambda/records/record-format';
import type { TrainingProfile } from '../lambda/records/training-profile';
import { acknowledgeInEveryPack } from './batch/batch-findings';
import { BUNDLE_ENTRY_FILE, PROJECT_ROOT } from './bundling/runtime-bundle';
import { EncryptedLogGroup } from './encrypted-log-group';
import type { IInferenceEndpoint } from './inference-endpoint';
import { ManagedPolicyRole } from './managed-policy-role';
import { definitionAlarmProps, type AlarmDefinition } from './monitoring/alarm-definition';
import type { AlarmSeverity } from './monitoring/platform-metric';
import type { IPredictionRecords } from './prediction-records-interface';
import { iam5ResourceFinding } from './private/nag-findings';
import { PropsValidator } from './props-validation';
import { qualityAlarms } from './quality/quality-alarms';
import { QUALITY_DEFAULTS, ONE_SIDED_95_Z } from './quality/quality-defaults';
import { QualityJobBundling } from './quality/quality-job-bundling';
import { qualityWidgets } from './quality/quality-dashboard';
import type { QualityMetricSource } from './quality/quality-metrics';

export { QUALITY_DEFAULTS } from './quality/quality-defaults';

/** Where alarms notify: a topic per severity (`Monitoring.topics` is one). */
export interface IAlarmTopicSource {
  /** The topic of `severity`, or undefined when that severity has none. */
  tryTopic(severity: AlarmSeverity): sns.ITopic | undefined;
}

/** Properties of a {@link QualityMonitor}. */
export interface QualityMonitorProps {
  /** The bucket of the endpoint's prediction records. */
  readonly records: IPredictionRecords;
  /** The endpoint whose predictions are judged (its model name is the metrics' `service` dimension). */
  readonly endpoint: IInferenceEndpoint;
  /** The served model's manifest: its labels, features and promised minimums. */
  readonly manifest: Manifest;
  /**
   * The committed evaluation's figures: the warning alarms' line.
   * @default - no alarms against the evaluation, only against the manifest's minimums
   */
  readonly evaluation?: EvaluationKeyFigures;
  /**
   * The training profile (`profile.json` beside the model): drift is measured and alarmed against it.
   * @default - no drift
   */
  readonly profile?: TrainingProfile;
  /**
   * The prefix of the endpoint's captures in the records bucket; every variant under it is read.
   * @default 'capture/'
   */
  readonly capturePrefix?: string;
  /**
   * The length of a window, in whole hours (1 to 24).
   * @default QUALITY_DEFAULTS.window (1 hour)
   */
  readonly window?: Duration;
  /**
   * When the job runs.
   * @default - every window: `rate(<window>)`
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * How long labels may take to arrive: a window is evaluated this long after it ends (whole hours).
   * @default QUALITY_DEFAULTS.labelDelay (2 days)
   */
  readonly labelDelay?: Duration;
  /**
   * How much worse than the evaluation a live figure may be before the warning alarm: absolute for accuracy,
   * recall and precision, relative for MAE and RMSE.
   * @default QUALITY_DEFAULTS.tolerance (0.05)
   */
  readonly tolerance?: number;
  /**
   * Labelled predictions a window needs before a quality alarm may fire.
   * @default QUALITY_DEFAULTS.minLabelledPredictions (100)
   */
  readonly minLabelledPredictions?: number;
  /**
   * PSI past which a feature's drift alarm fires.
   * @default QUALITY_DEFAULTS.psiThreshold (0.2)
   */
  readonly psiThreshold?: number;
  /**
   * Predictions a window needs before a drift alarm may fire.
   * @default QUALITY_DEFAULTS.minDriftPredictions (100)
   */
  readonly minDriftPredictions?: number;
  /**
   * Where the alarms notify, by severity (a severity without a topic notifies the other one's): `Monitoring.topics`.
   */
  readonly topics: IAlarmTopicSource;
  /**
   * A dashboard to add the quality row to.
   * @default - none
   */
  readonly dashboard?: cloudwatch.Dashboard;
  /**
   * CloudWatch namespace of the quality metrics.
   * @default 'modelstack'
   */
  readonly metricsNamespace?: string;
  /**
   * How long the job's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the job's log group and key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One quality alarm with what it means. */
export interface QualityAlarm {
  readonly definition: AlarmDefinition;
  readonly alarm: cloudwatch.Alarm;
}

/** The id of the alarm on the job's own failures: about the job, not the model. */
export const QUALITY_JOB_FAILED_ALARM_ID = 'QualityJobFailed';

/** The quality job, its schedule, its alarms and its dashboard row. */
export class QualityMonitor extends Construct {
  /** The job. */
  public readonly function: lambda.Function;
  /** The job's role: reads captures and ground truth, writes quality records. */
  public readonly role: ManagedPolicyRole;
  /** The job's encrypted log group. */
  public readonly logs: EncryptedLogGroup;
  /** The schedule that runs the job. */
  public readonly schedule: scheduler.Schedule;
  /** Every quality alarm (critical: a minimum broken; warning: worse than the evaluation, a feature drifted, the job failed). */
  public readonly alarms: readonly QualityAlarm[];
  /** Where the quality metrics are. */
  public readonly metricSource: QualityMetricSource;

  constructor(scope: Construct, id: string, props: QualityMonitorProps) {
    super(scope, id);
    const window = props.window ?? QUALITY_DEFAULTS.window;
    const labelDelay = props.labelDelay ?? QUALITY_DEFAULTS.labelDelay;
    this.validate(props, window, labelDelay);
    const modelName = props.endpoint.modelName;
    this.metricSource = { namespace: props.metricsNamespace ?? QUALITY_NAMESPACE, service: props.manifest.name, period: window };
    this.logs = new EncryptedLogGroup(this, 'Logs', { purpose: `the quality job of model '${modelName}'`, retention: props.logRetention, removalPolicy: props.removalPolicy });
    this.role = new ManagedPolicyRole(this, 'ServiceRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Evaluates the live quality of model '${modelName}' (modelstack)` });
    this.function = this.createFunction(props, window, labelDelay);
    props.records.grantReadRecords(this.function);
    props.records.grantWriteQuality(this.function);
    this.logs.grantWrite(this.function);
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: props.schedule ?? scheduler.ScheduleExpression.rate(window),
      target: new targets.LambdaInvoke(this.function, { role: this.schedulerRole(), retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      description: `Runs the quality job of model '${modelName}' once per window`,
    });
    this.alarms = this.createAlarms(props);
    props.dashboard?.addWidgets(...qualityWidgets({ source: this.metricSource, manifest: props.manifest, evaluation: props.evaluation, profile: props.profile }));
    this.acknowledgeFindings(props.records);
  }

  /** The scheduler's role (a managed policy, not an inline one): the LambdaInvoke target grants it the job alone. */
  private schedulerRole(): iam.IRole {
    const role = new ManagedPolicyRole(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: `Lets EventBridge Scheduler run the quality job of model '${this.node.path}' (modelstack)`,
    });
    Validations.of(role).acknowledge({
      id: iam5ResourceFinding(this, `${this.function.functionArn}:*`),
      reason: "lambda:InvokeFunction on the quality job and its versions (the scheduler target's grant includes the qualified ARN); no other function.",
    });
    return role;
  }

  /**
   * The alarms that say the model may be stale (live metrics past their minimum or worse than the evaluation,
   * feature drift): every alarm but the job's own failure. What retraining signals are made of.
   */
  public get modelAlarms(): QualityAlarm[] {
    return this.alarms.filter((a) => a.definition.id !== QUALITY_JOB_FAILED_ALARM_ID);
  }

  /** The alarms of one severity. */
  public alarmsOf(severity: AlarmSeverity): cloudwatch.Alarm[] {
    return this.alarms.filter((a) => a.definition.severity === severity).map((a) => a.alarm);
  }

  private createFunction(props: QualityMonitorProps, window: Duration, labelDelay: Duration): lambda.Function {
    const entry = path.join(PROJECT_ROOT, 'lambda', 'hosts', 'quality-handler.ts');
    return new lambda.Function(this, 'Resource', {
      description: `modelstack quality job: model '${props.manifest.name}' ${props.manifest.version}`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: `${path.basename(BUNDLE_ENTRY_FILE, '.js')}.handler`,
      code: lambda.Code.fromAsset(path.dirname(entry), {
        assetHashType: AssetHashType.OUTPUT,
        bundling: { image: DockerImage.fromRegistry('none-local-only'), local: new QualityJobBundling(props.manifest, props.profile) },
      }),
      role: this.role,
      memorySize: QUALITY_DEFAULTS.memorySizeMiB,
      timeout: QUALITY_DEFAULTS.timeout,
      // One run at a time: a late run must not race the next one over the same records.
      reservedConcurrentExecutions: 1,
      environment: {
        [QUALITY_ENV.recordsBucket]: props.records.bucket.bucketName,
        [QUALITY_ENV.capturePrefix]: props.capturePrefix ?? RECORD_PREFIXES.capture,
        [QUALITY_ENV.labelDelayHours]: String(labelDelay.toHours()),
        [QUALITY_ENV.windowHours]: String(window.toHours()),
        [QUALITY_ENV.namespace]: this.metricSource.namespace,
        [QUALITY_ENV.service]: props.manifest.name,
        NODE_OPTIONS: '--enable-source-maps',
      },
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logs.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
    });
  }

  private createAlarms(props: QualityMonitorProps): QualityAlarm[] {
    const definitions = qualityAlarms({
      source: this.metricSource,
      manifest: props.manifest,
      evaluation: props.evaluation,
      profile: props.profile,
      tolerance: props.tolerance ?? QUALITY_DEFAULTS.tolerance,
      minLabelledPredictions: props.minLabelledPredictions ?? QUALITY_DEFAULTS.minLabelledPredictions,
      psiThreshold: props.psiThreshold ?? QUALITY_DEFAULTS.psiThreshold,
      minDriftPredictions: props.minDriftPredictions ?? QUALITY_DEFAULTS.minDriftPredictions,
    });
    definitions.push(this.jobFailureAlarm());
    const scope = new Construct(this, 'Alarms');
    return definitions.map((definition) => {
      const { id, props: alarmProps } = definitionAlarmProps(definition);
      const alarm = new cloudwatch.Alarm(scope, id, alarmProps);
      const topic = props.topics.tryTopic(definition.severity) ?? props.topics.tryTopic(definition.severity === 'critical' ? 'warning' : 'critical');
      if (topic !== undefined) {
        alarm.addAlarmAction(new actions.SnsAction(topic));
        alarm.addOkAction(new actions.SnsAction(topic));
      }
      return { definition, alarm };
    });
  }

  private jobFailureAlarm(): AlarmDefinition {
    return {
      id: QUALITY_JOB_FAILED_ALARM_ID,
      severity: 'warning',
      title: 'Quality job errors',
      metric: this.function.metricErrors({ period: this.metricSource.period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      missingDataReason: 'no invocation in a period is no failure',
      meaning: 'The quality job failed: a window went unevaluated, so its quality alarms cannot fire.',
      runbook: "Read the job's log group for the error (a record that is not in the capture format, a missing permission, a timeout), fix it, and evaluate the window offline with modelstack quality-report.",
    };
  }

  private validate(props: QualityMonitorProps, window: Duration, labelDelay: Duration): void {
    const v = new PropsValidator(this);
    const hours = window.toHours({ integral: false });
    if (!Number.isInteger(hours) || hours < 1 || hours > 24) v.fail('window', window.toHumanString(), 'whole hours from 1 to 24');
    const delay = labelDelay.toHours({ integral: false });
    if (!Number.isInteger(delay) || delay < 0) v.fail('labelDelay', labelDelay.toHumanString(), 'whole hours, 0 or more');
    const check = (name: string, value: number | undefined, ok: (n: number) => boolean, allowed: string) => {
      if (value !== undefined && !Token.isUnresolved(value) && !ok(value)) v.fail(name, value, allowed);
    };
    check('tolerance', props.tolerance, (n) => n >= 0 && n < 1, 'a number from 0 to below 1');
    check('minLabelledPredictions', props.minLabelledPredictions, (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');
    check('minDriftPredictions', props.minDriftPredictions, (n) => Number.isInteger(n) && n >= 1, 'a whole number of at least 1');
    check('psiThreshold', props.psiThreshold, (n) => n > 0, 'a number above 0');
    if (props.metricsNamespace !== undefined) v.metricsNamespace('metricsNamespace', props.metricsNamespace);
    v.throwIfInvalid();
    this.warnIfTooFewLabels(props);
  }

  /** A minimum labelled count too small for the tolerance makes the warning alarm fire on noise: say so. */
  private warnIfTooFewLabels(props: QualityMonitorProps): void {
    const p = props.evaluation?.metrics.accuracy;
    if (p === undefined) return;
    const n = props.minLabelledPredictions ?? QUALITY_DEFAULTS.minLabelledPredictions;
    const tolerance = props.tolerance ?? QUALITY_DEFAULTS.tolerance;
    const band = ONE_SIDED_95_Z * Math.sqrt((p * (1 - p)) / n);
    if (band > tolerance) {
      const needed = Math.ceil((ONE_SIDED_95_Z ** 2 * p * (1 - p)) / tolerance ** 2);
      Annotations.of(this).addWarningV2(
        'modelstack:qualityTooFewLabels',
        `minLabelledPredictions ${n} is too few for the tolerance ${tolerance} at the evaluation's accuracy ${p.toFixed(3)}: accuracy on ${n} predictions varies by ±${band.toFixed(3)} (one-sided 95%), so the warning alarm would fire on noise; use at least ${needed}`,
      );
    }
  }

  private acknowledgeFindings(records: IPredictionRecords): void {
    acknowledgeInEveryPack(this.function, 'LambdaDLQ', 'Run by EventBridge Scheduler, which retries a failed invocation; a failure is alarmed (QualityJobFailed) and the window can be evaluated again offline with modelstack quality-report.');
    acknowledgeInEveryPack(this.function, 'LambdaInsideVPC', 'Reads and writes S3 only and reaches no private resources; a VPC would add NAT or endpoint costs for no data-path benefit. S3 access is TLS-only and KMS-encrypted.');
    Validations.of(this.role).acknowledge(
      { id: iam5ResourceFinding(this, '*'), reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) do not support resource-level permissions; AWS requires Resource "*".' },
      ...[RECORD_PREFIXES.capture, RECORD_PREFIXES.groundTruth].map((prefix) => ({
        id: iam5ResourceFinding(this, records.bucket.arnForObjects(`${prefix}*`)),
        reason: `Reads the records under ${prefix} only: captures and labels are written to hourly folders with generated names.`,
      })),
      { id: iam5ResourceFinding(this, records.bucket.arnForObjects(`${RECORD_PREFIXES.quality}*`)), reason: 'Writes quality records under quality/ only, one per window in its hour folder.' },
    );
  }
}
