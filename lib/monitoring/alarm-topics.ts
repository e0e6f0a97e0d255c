/**
 * The SNS topics alarms notify, one per severity, encrypted with one customer-managed KMS key.
 *
 * Default settings:
 * - a dedicated key, rotation on, whose policy gives the account its usual administration and lets exactly two
 *   services use it: CloudWatch, for this stack's alarms (`aws:SourceArn` = `alarm:<stack name>-*`), and AWS
 *   Budgets, for this account's budgets (the cost budget publishes to these topics), both only
 *   `kms:GenerateDataKey*` and `kms:Decrypt`, both only for this account (`aws:SourceAccount`);
 * - topic policies allowing `sns:Publish` to CloudWatch under the same conditions (a `CostBudget` publishing to a
 *   topic adds its own statement for AWS Budgets), and denying any request not made over TLS;
 * - e-mail subscriptions per severity (each recipient confirms by e-mail once).
 */
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { severityTitle } from './severity-options';
import type { AlarmSeverity } from './platform-metric';
import { separatedKeyPolicy } from '../private/key-policy';

/** Sid of the key-policy and topic-policy statements for this stack's CloudWatch alarms. */
const CLOUDWATCH_SID = 'AllowCloudWatchAlarmsOfThisStack';
/** Sid of the key-policy statement for AWS Budgets. */
const BUDGETS_SID = 'AllowBudgetsOfThisAccount';

/** What the key lets the publishing services do: encrypt a message for the topic, and read it back to deliver it. */
export const NOTIFICATION_KEY_ACTIONS = ['kms:GenerateDataKey*', 'kms:Decrypt'];

/** Properties of {@link AlarmTopics}. */
export interface AlarmTopicsProps {
  /** Subscribers of each severity's topic; a severity that is absent gets no topic. */
  readonly recipients: Partial<Readonly<Record<AlarmSeverity, readonly string[]>>>;

  /** What the topics are for, for the key's description, e.g. `model 'iris'`. */
  readonly purpose: string;

  /**
   * Start of the topics' display names (the e-mail sender's name), the severity is appended; characters other
   * than letters, digits, spaces, `_` and `-` become `-`.
   * @default 'modelstack'
   */
  readonly displayName?: string;

  /**
   * What happens to the key when it leaves the stack (the topics hold no data and are always deleted).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One encrypted topic per severity. */
export class AlarmTopics extends Construct {
  /** The key encrypting every topic. */
  public readonly encryptionKey: kms.Key;
  private readonly topics = new Map<AlarmSeverity, sns.Topic>();

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: `Encrypts the alarm notifications of ${props.purpose} (modelstack)`,
      enableKeyRotation: true,
      policy: separatedKeyPolicy(),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const publishers = this.publishers(stack);
    for (const { sid, principal, conditions } of publishers) {
      this.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({ sid, principals: [principal], actions: NOTIFICATION_KEY_ACTIONS, resources: ['*'], conditions }),
      );
    }
    for (const [severity, emails] of Object.entries(props.recipients) as Array<[AlarmSeverity, readonly string[]]>) {
      const topic = new sns.Topic(this, severityTitle(severity), {
        displayName: `${props.displayName ?? 'modelstack'} ${severity}`.replace(/[^A-Za-z0-9 _-]/g, '-').slice(0, 100),
        masterKey: this.encryptionKey,
        enforceSSL: true,
        // SHA-256 message signatures (version 1 is SHA-1).
        signatureVersion: '2',
      });
      // Only CloudWatch publishes here: Budgets' publish statement is added by the CostBudget that uses the topic
      // (it works on any topic), and SNS itself only uses the key for the dead-letter queues.
      for (const { sid, principal, conditions } of publishers.filter((publisher) => publisher.sid === CLOUDWATCH_SID)) {
        topic.addToResourcePolicy(
          new iam.PolicyStatement({ sid, principals: [principal], actions: ['sns:Publish'], resources: [topic.topicArn], conditions }),
        );
      }
      if (emails.length > 0) {
        const deadLetterQueue = this.deadLetterQueue(severity, props.removalPolicy ?? RemovalPolicy.RETAIN);
        for (const email of emails) topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue }));
      }
      this.topics.set(severity, topic);
    }
  }

  /** The topic of `severity`. @throws when that severity has no topic */
  public topic(severity: AlarmSeverity): sns.ITopic {
    const topic = this.topics.get(severity);
    if (topic === undefined) throw new Error(`${this.node.path} has no ${severity} topic: that severity is disabled`);
    return topic;
  }

  /** The topic of `severity`, or `undefined` when that severity is disabled. */
  public tryTopic(severity: AlarmSeverity): sns.ITopic | undefined {
    return this.topics.get(severity);
  }

  /**
   * Where SNS puts the notifications of `severity` it could not deliver by e-mail after its retries (a mailbox
   * that bounces, a subscription never confirmed): encrypted with the topics' key, TLS only, kept 14 days.
   */
  private deadLetterQueue(severity: AlarmSeverity, removalPolicy: RemovalPolicy): sqs.Queue {
    const queue = new sqs.Queue(this, `${severityTitle(severity)}DeadLetters`, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.encryptionKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    const reason = `It is the dead-letter queue of the ${severity} topic's e-mail subscriptions (an SNS redrive policy, which this rule does not recognize); a dead-letter queue of its own would only move the same messages again.`;
    Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason }, { id: 'Serverless-SQSRedrivePolicy', reason });
    return queue;
  }

  /** CloudWatch (this stack's alarms) and AWS Budgets (this account's budgets), each with its conditions. */
  private publishers(stack: Stack): Array<{ sid: string; principal: iam.ServicePrincipal; conditions: Record<string, unknown> }> {
    const account = { 'aws:SourceAccount': Aws.ACCOUNT_ID };
    return [
      {
        sid: CLOUDWATCH_SID,
        principal: new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
        conditions: {
          StringEquals: account,
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${stack.stackName}-*` },
        },
      },
      {
        // SNS encrypts what it moves to the e-mail subscriptions' dead-letter queues with this key.
        sid: 'AllowSnsDeadLettersOfThisAccount',
        principal: new iam.ServicePrincipal('sns.amazonaws.com'),
        conditions: { StringEquals: account, ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:sns:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` } },
      },
      {
        sid: BUDGETS_SID,
        principal: new iam.ServicePrincipal('budgets.amazonaws.com'),
        conditions: { StringEquals: account, ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:budgets::${Aws.ACCOUNT_ID}:*` } },
      },
    ];
  }
}
