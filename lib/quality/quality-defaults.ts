/**
 * The quality monitor's defaults, written once (the construct, the config schema and the docs read them here).
 */
import { Duration } from 'aws-cdk-lib';

export const QUALITY_DEFAULTS = {
  /** One window per run, one run per hour. */
  window: Duration.hours(1),
  /** Labels usually arrive within two days; a window is evaluated two days after it ends. */
  labelDelay: Duration.days(2),
  /**
   * How far below the evaluation's figure a live figure may fall before the warning alarm: 0.05 absolute for
   * accuracy, recall and precision; 5% relative for MAE and RMSE (errors have the target's unit).
   */
  tolerance: 0.05,
  /**
   * Labelled predictions a window needs before any quality alarm may fire. The binomial standard error of an
   * accuracy p measured on n predictions is sqrt(p(1-p)/n): at n = 100 and p = 0.9 it is 0.03, so a one-sided 95%
   * band (1.645 standard errors, 0.049) fits inside the default tolerance of 0.05: a model as good as its
   * evaluation breaches it in about one window in twenty at most, and fewer labels would raise false alarms.
   */
  minLabelledPredictions: 100,
  /** PSI past which a feature has drifted significantly (the common 0.1 / 0.2 reading). */
  psiThreshold: 0.2,
  /**
   * Predictions a window needs before a PSI alarm may fire: with 10 bins, PSI's sampling noise on n rows of an
   * unchanged distribution is about (bins - 1) / n (chi-squared over n), 0.09 at 100 rows: under the threshold.
   */
  minDriftPredictions: 100,
  /** The job reads an hour of JSON Lines and a few days of labels: memory for parsing, minutes for S3. */
  memorySizeMiB: 1024,
  timeout: Duration.minutes(5),
} as const;

/** The z of a one-sided 95% band, for the warning that a minimum labelled count is too small for the tolerance. */
export const ONE_SIDED_95_Z = 1.645;
