/**
 * The one place an environment's validated config becomes construct props: {@link modelStackProps} maps
 * `config/environments.ts` onto `ModelStack` (and so onto `ModelEndpoint`). The constructs know nothing of this
 * format; a user who does not write our config calls `ModelEndpoint` with the same props directly.
 */
import { Duration, RemovalPolicy, TimeZone } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { EvaluationKeyFigures } from '../lambda/core/evaluation-figures';
import { RolloutStrategy } from '../lib/lambda-rollout';
import type { ProvisionedConcurrencyScalingProps } from '../lib/lambda-scaling';
import type { ModelArtifact } from '../lib/model-artifact';
import type { ModelEndpointBudgetOptions, ModelEndpointCaptureOptions, ModelEndpointMonitoringOptions, ModelEndpointRetrainingOptions } from '../lib/model-endpoint';
import { qualityOptions } from './quality-props';
import type { CaptureConfig } from './capture-schema';
import type { ModelStackProps } from '../lib/model-stack';
import { ModelFile } from '../lib/model-file';
import { NetworkPlacement } from '../lib/network-placement';
import { SageMakerInstanceType } from '../lib/sagemaker/instance-type';
import type { ShadowVariantOptions } from '../lib/sagemaker/shadow-variant';
import { DRIFT_DEFAULTS, type PredictionBaseline } from '../lib/monitoring/drift';
import type { SeverityAlarmOptions } from '../lib/monitoring/severity-options';
import { ServingPlatform, type LambdaServingOptions } from '../lib/serving-platform';
import { batchOptions } from './batch-props';
import type { LambdaRolloutConfig, LambdaScalingConfig, SeverityAlarmsConfig } from './monitoring-schema';
import type { RetrainingConfig } from './retraining-schema';
import type { ShadowConfig } from './shadow-schema';
import { sageMakerServingOptions } from './sagemaker-props';
import type { EnvironmentConfig, LambdaPlatformConfig, Protection } from './schema';

/** Hours in an average month, to turn the traffic profile's monthly requests into a rate. */
const HOURS_PER_MONTH = 730;

/** What the stack of one environment is built from, besides its config. */
export interface EnvironmentStackInputs {
  /** The environment's name: tagged, never a policy switch. */
  readonly environmentName: string;
  /** The environment's validated config. */
  readonly config: EnvironmentConfig;
  /** The model and its manifest, checked against each other. */
  readonly model: ModelArtifact;
  /** The fresh evaluation's key figures. @default - none */
  readonly evaluation?: EvaluationKeyFigures;
  /** The center of the drift bands. @default - none: no drift alarms, and synth warns unless drift is off */
  readonly predictionBaseline?: PredictionBaseline;
  /**
   * The candidate of the pipeline's shadow phase, run as the SageMaker shadow variant (the environment's `shadow`
   * block sizes it) while `model` is the one production serves.
   * @default - no shadow variant
   */
  readonly shadowCandidate?: ModelArtifact;
}

/** The `ModelStack` props an environment describes (without `StackProps`, which the app sets). */
export function modelStackProps(inputs: EnvironmentStackInputs): ModelStackProps {
  const { config, model } = inputs;
  return {
    environmentName: inputs.environmentName,
    resourceTags: config.tags,
    endpoint: {
      model,
      platform: servingPlatform(config, inputs.shadowCandidate),
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      store: {
        noncurrentVersionExpiration: Duration.days(config.storage.noncurrentVersionExpirationDays),
        accessLogsExpiration: Duration.days(config.storage.accessLogsExpirationDays),
      },
      monitoring: monitoringOptions(config, inputs.predictionBaseline),
      ...(config.budget === undefined ? {} : { budget: budgetOptions(config.budget, config.alarms.emails) }),
      ...(inputs.evaluation === undefined ? {} : { evaluation: inputs.evaluation }),
      ...(config.batch === undefined ? {} : { batch: batchOptions(config.batch) }),
      ...(config.retraining === undefined ? {} : { retraining: retrainingOptions(config.retraining, inputs.environmentName) }),
      ...(config.capture === undefined ? {} : { capture: captureOptions(config.capture) }),
      // The schema refuses an enabled quality block without capture: the job reads the endpoint's own records.
      ...(config.quality?.enabled === true && config.capture !== undefined ? { quality: qualityOptions(config.quality) } : {}),
    },
  };
}

/** Retraining signals as `config.retraining` says: the environment's name, the schedule, the bus. */
export function retrainingOptions(config: RetrainingConfig, environmentName: string): ModelEndpointRetrainingOptions {
  return {
    environmentName,
    ...(config.schedule === undefined ? {} : { schedule: scheduler.ScheduleExpression.expression(config.schedule) }),
    ...(config.eventBusArn === undefined ? {} : { eventBusArn: config.eventBusArn }),
  };
}

/** The endpoint's capture and records as `config.capture` says. */
export function captureOptions(capture: CaptureConfig): ModelEndpointCaptureOptions {
  return {
    samplingPercentage: capture.samplingPercentage,
    captureInputs: capture.captureInputs,
    captureExpiration: Duration.days(capture.expirationDays),
    groundTruthExpiration: Duration.days(capture.groundTruthExpirationDays),
    ...(capture.qualityExpirationDays === undefined ? {} : { qualityExpiration: Duration.days(capture.qualityExpirationDays) }),
    ...(capture.groundTruthWriterArn === undefined ? {} : { groundTruthWriterPrincipal: new iam.ArnPrincipal(capture.groundTruthWriterArn) }),
  };
}

/** The platform `config.platform` names, with its options, and `shadowCandidate` as a SageMaker shadow variant. */
export function servingPlatform(config: EnvironmentConfig, shadowCandidate?: ModelArtifact): ServingPlatform {
  const platform = config.platform;
  switch (platform.type) {
    case 'lambda':
      return ServingPlatform.lambda(lambdaServingOptions(platform, config.protection));
    case 'sagemaker':
      return ServingPlatform.sageMaker({
        ...sageMakerServingOptions(platform),
        // The schema allows a shadow block only on SageMaker instances; without a candidate there is no variant to add.
        ...(config.shadow === undefined || shadowCandidate === undefined ? {} : { shadowVariant: shadowVariantOptions(config.shadow, shadowCandidate) }),
      });
  }
}

/** The shadow variant `shadow` sizes, running `candidate`. */
export function shadowVariantOptions(shadow: ShadowConfig, candidate: ModelArtifact): ShadowVariantOptions {
  return {
    model: ModelFile.fromArtifact(candidate),
    manifest: candidate.manifest,
    ...(shadow.instanceType === undefined ? {} : { instanceType: SageMakerInstanceType.of(shadow.instanceType) }),
    initialInstanceCount: shadow.instanceCount,
    samplingPercentage: shadow.samplingPercentage,
  };
}

/** The Lambda endpoint's options a validated Lambda platform config describes. */
export function lambdaServingOptions(platform: LambdaPlatformConfig, protection: Protection): LambdaServingOptions {
  return {
    architecture: platform.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    memorySizeMiB: platform.memorySizeMiB,
    timeout: Duration.seconds(platform.timeoutSeconds),
    reservedConcurrentExecutions: platform.reservedConcurrency,
    accountConcurrencyQuota: platform.accountConcurrencyQuota,
    maxBatchSize: platform.maxBatchSize,
    maxPayloadBytes: platform.maxPayloadBytes,
    // The schema accepts only CloudWatch Logs' retention periods, which are the enum's values (typed as such).
    logRetention: platform.logRetentionDays,
    // The VPC and subnets are imported by id (no lookup), next to the endpoint that uses them.
    ...(platform.network === undefined ? {} : { network: NetworkPlacement.fromIds(platform.network) }),
    ...(platform.scaling === undefined ? {} : { scaling: lambdaScalingProps(platform.scaling) }),
    rollout: lambdaRolloutStrategy(platform.rollout, protection),
  };
}

/** The scaling props a validated `platform.scaling` describes. */
export function lambdaScalingProps(scaling: LambdaScalingConfig): ProvisionedConcurrencyScalingProps {
  return {
    minCapacity: scaling.minProvisionedConcurrency,
    maxCapacity: scaling.maxProvisionedConcurrency,
    targetUtilizationPercent: scaling.targetUtilizationPercent,
    schedules: scaling.schedules.map((schedule) => ({
      id: schedule.name,
      schedule: appscaling.Schedule.cron(schedule.cron),
      timeZone: schedule.timeZone === undefined ? undefined : TimeZone.of(schedule.timeZone),
      minCapacity: schedule.minProvisionedConcurrency,
      maxCapacity: schedule.maxProvisionedConcurrency,
    })),
  };
}

/**
 * The strategy a validated `platform.rollout` describes; unset, it follows protection: canary 10% for 5 minutes
 * with `production`, all at once otherwise.
 */
export function lambdaRolloutStrategy(rollout: LambdaRolloutConfig | undefined, protection: Protection): RolloutStrategy {
  const chosen = rollout ?? (protection === 'production' ? { strategy: 'canary', percent: 10, intervalMinutes: 5 } : { strategy: 'all-at-once' });
  switch (chosen.strategy) {
    case 'all-at-once':
      return RolloutStrategy.allAtOnce();
    case 'canary':
      return RolloutStrategy.canary(chosen.percent, Duration.minutes(chosen.intervalMinutes));
    case 'linear':
      return RolloutStrategy.linear(chosen.percent, Duration.minutes(chosen.intervalMinutes));
  }
}

function severityOptions(config: SeverityAlarmsConfig | undefined): SeverityAlarmOptions | undefined {
  if (config === undefined) return undefined;
  const { periodMinutes, platform, ...rest } = config;
  return { ...rest, period: periodMinutes === undefined ? undefined : Duration.minutes(periodMinutes), platformThresholds: platform };
}

/** Monitoring as `config.alarms` says (thresholds left unset keep their construct defaults), with drift around `baseline`. */
export function monitoringOptions(config: EnvironmentConfig, baseline: PredictionBaseline | undefined): ModelEndpointMonitoringOptions {
  const { alarms, traffic } = config;
  const drift = alarms.drift;
  const windowHours = drift?.windowHours ?? DRIFT_DEFAULTS.window.toHours();
  const predictionsPerHour = (traffic.requestsPerMonth * traffic.meanInstancesPerRequest) / HOURS_PER_MONTH;
  return {
    emails: alarms.emails,
    warning: severityOptions(alarms.warning),
    critical: severityOptions(alarms.critical),
    invalidRequestReasons: alarms.invalidRequestReasons,
    predictionBaseline: baseline,
    // An environment asks for drift alarms unless it turns them off, so a missing baseline warns.
    drift:
      drift === undefined
        ? { enabled: true }
        : {
            enabled: drift.enabled ?? true,
            severity: drift.severity,
            sigmas: drift.sigmas,
            floorPercentagePoints: drift.floorPercentagePoints,
            floorStandardDeviations: drift.floorStandardDeviations,
            minPredictionsPerWindow: drift.minPredictionsPerWindow,
            window: drift.windowHours === undefined ? undefined : Duration.hours(drift.windowHours),
            evaluationWindows: drift.evaluationWindows,
          },
    expectedPredictionsPerWindow: predictionsPerHour > 0 ? predictionsPerHour * windowHours : undefined,
  };
}

/** The budget `config.budget` describes; its alerts go to `alarms.emails` unless it names its own. */
function budgetOptions(budget: NonNullable<EnvironmentConfig['budget']>, alarmEmails: readonly string[]): ModelEndpointBudgetOptions {
  return {
    monthlyLimitUsd: budget.monthlyLimitUsd,
    actualThresholdsPercent: budget.alertThresholdsPercent,
    forecastThresholdPercent: budget.forecastThresholdPercent,
    emails: budget.emails ?? alarmEmails,
  };
}
