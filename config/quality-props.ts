/** The quality monitor's options from an environment's `quality` block (config/quality-schema.ts). */
import { Duration } from 'aws-cdk-lib';
import type { QualityMonitorProps } from '../lib/quality-monitor';
import type { QualityConfig } from './quality-schema';

/** What a `quality` block sets; the rest comes from the endpoint, the model and the records. */
export type QualityOptions = Pick<QualityMonitorProps, 'window' | 'labelDelay' | 'tolerance' | 'minLabelledPredictions' | 'psiThreshold' | 'minDriftPredictions'>;

/** The monitor options a validated `quality` block describes (unset fields keep the construct's defaults). */
export function qualityOptions(quality: QualityConfig): QualityOptions {
  return {
    ...(quality.windowHours === undefined ? {} : { window: Duration.hours(quality.windowHours) }),
    ...(quality.labelDelayHours === undefined ? {} : { labelDelay: Duration.hours(quality.labelDelayHours) }),
    ...(quality.tolerance === undefined ? {} : { tolerance: quality.tolerance }),
    ...(quality.minLabelledPredictions === undefined ? {} : { minLabelledPredictions: quality.minLabelledPredictions }),
    ...(quality.psiThreshold === undefined ? {} : { psiThreshold: quality.psiThreshold }),
    ...(quality.minDriftPredictions === undefined ? {} : { minDriftPredictions: quality.minDriftPredictions }),
  };
}
