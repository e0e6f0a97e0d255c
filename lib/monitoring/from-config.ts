/** The {@link MonitoringProps} an environment's validated config describes (thresholds left unset keep their construct defaults). */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { SeverityAlarmsConfig } from '../../config/monitoring-schema';
import type { EnvironmentConfig } from '../../config/schema';
import type { Manifest } from '../../lambda/core/manifest';
import type { IInferenceEndpoint } from '../inference-endpoint';
import type { MonitoringProps } from '../monitoring';
import { DRIFT_DEFAULTS, type PredictionBaseline } from './drift';
import type { SeverityAlarmOptions } from './severity-options';

/** Hours in an average month, to turn the traffic profile's monthly requests into a rate. */
const HOURS_PER_MONTH = 730;

function severityOptions(config: SeverityAlarmsConfig | undefined): SeverityAlarmOptions | undefined {
  if (config === undefined) return undefined;
  const { periodMinutes, platform, ...rest } = config;
  return { ...rest, period: periodMinutes === undefined ? undefined : Duration.minutes(periodMinutes), platformThresholds: platform };
}

/** Monitoring of `endpoint` as `config.alarms` says, with drift around `baseline` (when there is one). */
export function monitoringProps(
  config: EnvironmentConfig,
  endpoint: IInferenceEndpoint,
  manifest: Manifest,
  baseline: PredictionBaseline | undefined,
  removalPolicy: RemovalPolicy,
): MonitoringProps {
  const { alarms, traffic } = config;
  const drift = alarms.drift;
  const windowHours = drift?.windowHours ?? DRIFT_DEFAULTS.window.toHours();
  const predictionsPerHour = (traffic.requestsPerMonth * traffic.meanInstancesPerRequest) / HOURS_PER_MONTH;
  return {
    endpoint,
    labels: manifest.task === 'regression' ? [] : manifest.output.labels,
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
            enabled: drift.enabled,
            severity: drift.severity,
            sigmas: drift.sigmas,
            floorPercentagePoints: drift.floorPercentagePoints,
            floorStandardDeviations: drift.floorStandardDeviations,
            minPredictionsPerWindow: drift.minPredictionsPerWindow,
            window: drift.windowHours === undefined ? undefined : Duration.hours(drift.windowHours),
            evaluationWindows: drift.evaluationWindows,
          },
    expectedPredictionsPerWindow: predictionsPerHour > 0 ? predictionsPerHour * windowHours : undefined,
    removalPolicy,
  };
}
