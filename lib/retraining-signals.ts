/**
 * Retraining signals out: alarms that say the model may be stale (prediction drift now, live quality as it lands)
 * are published as `Model Retraining Signal` events (lib/retraining/signal-event.ts, docs/retraining-signals.md),
 * and an optional schedule publishes the same event when retraining is due anyway. modelstack does not train: a
 * team's trainer subscribes and retrains, and the result comes back through the delivery pipeline.
 *
 * Default settings:
 * - one EventBridge rule per alarm on its `CloudWatch Alarm State Change` to ALARM, targeting one Express state
 *   machine that reshapes the event and puts it with the optimized `events:putEvents` integration (no code of ours);
 * - the state machine logs every execution to a log group encrypted with a customer-managed key, traced with X-Ray;
 * - events go to the account's default bus unless a bus is given;
 * - no schedule unless one is given (EventBridge Scheduler, straight to the bus).
 */
import { createHash } from 'node:crypto';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';
import { ManagedPolicyRole } from './managed-policy-role';
import type { AlarmDefinition } from './monitoring/alarm-definition';
import { acknowledgeSignalFindings, acknowledgeSignalRule } from './retraining/signal-findings';
import {
  RETRAINING_SIGNAL_DETAIL_TYPE,
  RETRAINING_SIGNAL_SOURCE,
  RETRAINING_SIGNAL_VERSION,
  SCHEDULE_METRIC,
  type RetrainingSignalDetail,
} from './retraining/signal-event';
import { signalTranslatorDefinition, type SignalFacts } from './retraining/signal-translator';
import { PropsValidator } from './props-validation';

export * from './retraining/signal-event';

/** An alarm whose ALARM state is a retraining signal, with the facts the event carries about it. */
export interface RetrainingSignalAlarm {
  /** The alarm. */
  readonly alarm: cloudwatch.IAlarm;
  /** What it measures, as the event's `metric`: a stable id such as `PredictionShareDrift-malignant`. */
  readonly metric: string;
  /** One line: what the value is, with its unit. */
  readonly description: string;
  /** The alarm's threshold. */
  readonly threshold: number;
  /** The alarm's comparison. */
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
  /** Length of one datapoint. */
  readonly period: Duration;
  /** Datapoints the alarm evaluates. */
  readonly evaluationPeriods: number;
  /** Of those, how many must breach. */
  readonly datapointsToAlarm: number;
}

/** The signal of an alarm that {@link Monitoring} made from `definition` (a drift alarm, for example). */
export function retrainingSignalOf(definition: AlarmDefinition, alarm: cloudwatch.IAlarm): RetrainingSignalAlarm {
  const config = definition.metric.toMetricConfig();
  const periodSeconds = config.mathExpression?.period ?? config.metricStat?.period.toSeconds() ?? Duration.minutes(5).toSeconds();
  return {
    alarm,
    metric: definition.id,
    description: definition.title,
    threshold: definition.threshold,
    comparisonOperator: definition.comparisonOperator,
    period: Duration.seconds(periodSeconds),
    evaluationPeriods: definition.evaluationPeriods,
    datapointsToAlarm: definition.datapointsToAlarm,
  };
}

/** Props of {@link RetrainingSignals}. */
export interface RetrainingSignalsProps {
  /** The model's name, as the event's `model`. */
  readonly modelName: string;
  /** The environment's name, as the event's `environment`. */
  readonly environmentName: string;
  /**
   * Alarms that are signals; more can be added with {@link RetrainingSignals.addAlarm}.
   * @default []
   */
  readonly alarms?: readonly RetrainingSignalAlarm[];
  /**
   * Where the events go.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * A schedule that publishes a `schedule` signal when retraining is due regardless of alarms, e.g.
   * `ScheduleExpression.rate(Duration.days(30))` or a cron for the first of the month.
   * @default - no schedule
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * Key of the state machine's log group.
   * @default - a new customer-managed key with rotation
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the log group and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Longest metric id the event carries. */
const MAX_METRIC_LENGTH = 256;
/** What a construct id of a rule keeps of a metric id as it is (a drift alarm's id holds a label, which may be any text). */
const ID_SAFE = /^[A-Za-z0-9_.:-]+$/;

/** The rule's construct id: the metric when it is id-safe, else its safe characters and a short hash of it. */
function ruleId(metric: string): string {
  if (ID_SAFE.test(metric)) return `Signal-${metric}`;
  return `Signal-${metric.replace(/[^A-Za-z0-9_.:-]/g, '_')}-${createHash('sha256').update(metric).digest('hex').slice(0, 8)}`;
}

/** Alarms and a schedule published as retraining signal events. */
export class RetrainingSignals extends Construct {
  /** The Express state machine that reshapes alarm state changes into signals. */
  public readonly stateMachine: sfn.StateMachine;
  /** The schedule, when one was given. */
  public readonly schedule?: scheduler.Schedule;
  private readonly props: RetrainingSignalsProps;
  private readonly metrics = new Set<string>();
  /** The role the alarms' rules start the state machine with. */
  private readonly rulesRole: iam.IRole;

  constructor(scope: Construct, id: string, props: RetrainingSignalsProps) {
    super(scope, id);
    this.props = props;
    const logs = new EncryptedLogGroup(this, 'Logs', {
      purpose: `the retraining signals of model '${props.modelName}' in '${props.environmentName}'`,
      ...(props.encryptionKey === undefined ? {} : { encryptionKey: props.encryptionKey }),
      ...(props.removalPolicy === undefined ? {} : { removalPolicy: props.removalPolicy }),
    });
    const role = new ManagedPolicyRole(this, 'TranslatorRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: `Publishes the retraining signals of model '${props.modelName}' in '${props.environmentName}' (modelstack)`,
    });
    this.rulesRole = new ManagedPolicyRole(this, 'RulesRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Starts the retraining signal translator of model '${props.modelName}' in '${props.environmentName}' (modelstack)`,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Translator', {
      role,
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(signalTranslatorDefinition(this, props.eventBus)),
      timeout: Duration.minutes(1),
      tracingEnabled: true,
      logs: { destination: logs.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      comment: `modelstack: CloudWatch alarm state changes of model '${props.modelName}' in '${props.environmentName}' as ${RETRAINING_SIGNAL_DETAIL_TYPE} events`,
    });
    if (props.schedule !== undefined) this.schedule = this.addSchedule(props.schedule);
    for (const alarm of props.alarms ?? []) this.addAlarm(alarm);
    acknowledgeSignalFindings(role);
  }

  /** Publishes `signal.alarm`'s transitions to ALARM as retraining signals. */
  public addAlarm(signal: RetrainingSignalAlarm): events.Rule {
    const v = new PropsValidator(this);
    if (signal.metric.trim() === '' || signal.metric.length > MAX_METRIC_LENGTH) v.fail('metric', signal.metric, `a non-blank id of at most ${MAX_METRIC_LENGTH} characters`);
    else if (this.metrics.has(signal.metric)) v.fail('metric', signal.metric, 'unique among the signals (it names the event and the rule)');
    v.integerInRange('evaluationPeriods', signal.evaluationPeriods, 1, Number.MAX_SAFE_INTEGER);
    v.integerInRange('datapointsToAlarm', signal.datapointsToAlarm, 1, signal.evaluationPeriods);
    v.throwIfInvalid();
    this.metrics.add(signal.metric);
    const facts: SignalFacts = {
      version: RETRAINING_SIGNAL_VERSION,
      kind: 'alarm',
      model: this.props.modelName,
      environment: this.props.environmentName,
      metric: signal.metric,
      description: signal.description,
      threshold: signal.threshold,
      comparison: signal.comparisonOperator,
      window: { periodSeconds: signal.period.toSeconds(), evaluationPeriods: signal.evaluationPeriods, datapointsToAlarm: signal.datapointsToAlarm },
    };
    const rule = new events.Rule(this, ruleId(signal.metric), {
      description: `${signal.metric} of '${this.props.modelName}' in '${this.props.environmentName}' in ALARM: a retraining signal`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [signal.alarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          role: this.rulesRole,
          input: events.RuleTargetInput.fromObject({
            signal: facts,
            alarmArn: events.EventField.fromPath('$.resources[0]'),
            time: events.EventField.time,
            detail: events.EventField.fromPath('$.detail'),
          }),
        }),
      ],
    });
    acknowledgeSignalRule(rule);
    return rule;
  }

  private addSchedule(expression: scheduler.ScheduleExpression): scheduler.Schedule {
    const detail: Omit<RetrainingSignalDetail, 'time'> & { time: string } = {
      version: RETRAINING_SIGNAL_VERSION,
      kind: 'schedule',
      model: this.props.modelName,
      environment: this.props.environmentName,
      metric: SCHEDULE_METRIC,
      description: `Retraining is due on schedule (${expression.expressionString})`,
      value: null,
      threshold: null,
      comparison: null,
      window: { schedule: expression.expressionString },
      alarm: null,
      state: 'DUE',
      time: scheduler.ContextAttribute.scheduledTime,
    };
    return new scheduler.Schedule(this, 'Schedule', {
      schedule: expression,
      description: `Retraining of '${this.props.modelName}' in '${this.props.environmentName}' is due (modelstack)`,
      target: new schedulerTargets.EventBridgePutEvents({
        detail: scheduler.ScheduleTargetInput.fromObject(detail),
        detailType: RETRAINING_SIGNAL_DETAIL_TYPE,
        source: RETRAINING_SIGNAL_SOURCE,
        eventBus: this.props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      }, {
        role: new ManagedPolicyRole(this, 'ScheduleRole', {
          assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
          description: `Publishes the scheduled retraining signal of model '${this.props.modelName}' in '${this.props.environmentName}' (modelstack)`,
        }),
      }),
    });
  }
}
