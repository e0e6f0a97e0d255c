/**
 * The quality job as a Lambda function, run on a schedule (EventBridge Scheduler, hourly by default): one window
 * per run (`records/quality-job.ts`). The bucket and prefixes come from the environment (`QUALITY_ENV`); the
 * manifest and the training profile from the files bundled beside `index.js` (`QUALITY_BUNDLE_FILES`), so the
 * job judges exactly the model it was deployed with. Reads and writes S3 with timeouts and a few retries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import { parseManifest, type Manifest } from '../core/manifest';
import { createModelS3Client } from '../core/model-source';
import { CheckFailure } from '../core/modelstack-error';
import { runQualityJob } from '../records/quality-job';
import { QUALITY_BUNDLE_FILES, QUALITY_ENV, QUALITY_NAMESPACE } from '../records/quality-metric-names';
import type { QualityRecord } from '../records/quality-window';
import { TrainingProfileSchema, type TrainingProfile } from '../records/training-profile';

/** Attempts per S3 call: a run is not latency-bound, so a throttle or reset is retried rather than failing the window. */
const S3_MAX_ATTEMPTS = 3;

/** What the handler is built from; every field defaults to the deployed function's environment and files. */
export interface QualityHandlerDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly client?: S3Client;
  readonly manifest?: Manifest;
  readonly profile?: TrainingProfile;
  readonly metrics?: Metrics;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

/** What a run returns (and Lambda logs): the window's record key and its figures. */
export interface QualityRunResult {
  readonly key: string;
  readonly record: QualityRecord;
}

/** The function's configuration is wrong: names the variable, its value and what is allowed. */
export class QualityJobConfigError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'QualityJobConfigError';
  }
}

function required(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new QualityJobConfigError(`the quality job needs the environment variable ${name}; it is not set`);
  return value;
}

function hours(env: Readonly<Record<string, string | undefined>>, name: string): number {
  const text = required(env, name);
  const value = Number(text);
  if (!Number.isInteger(value) || value < (name === QUALITY_ENV.windowHours ? 1 : 0)) {
    throw new QualityJobConfigError(`${name} must be a whole number of hours (at least ${name === QUALITY_ENV.windowHours ? 1 : 0}), got "${text}"`);
  }
  return value;
}

function bundledProfile(): TrainingProfile | undefined {
  const file = join(__dirname, QUALITY_BUNDLE_FILES.profile);
  return existsSync(file) ? TrainingProfileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) : undefined;
}

/** A quality handler; the configuration is read at the first run. */
export function createQualityHandler(deps: QualityHandlerDeps = {}): () => Promise<QualityRunResult> {
  return async () => {
    const env = deps.env ?? process.env;
    const manifest = deps.manifest ?? parseManifest(JSON.parse(readFileSync(join(__dirname, QUALITY_BUNDLE_FILES.manifest), 'utf8')));
    const metrics = deps.metrics ?? new Metrics({ namespace: env[QUALITY_ENV.namespace] ?? QUALITY_NAMESPACE, serviceName: manifest.name });
    return runQualityJob(
      {
        client: deps.client ?? createModelS3Client({}, { maxAttempts: S3_MAX_ATTEMPTS }),
        bucket: required(env, QUALITY_ENV.recordsBucket),
        capturePrefix: required(env, QUALITY_ENV.capturePrefix),
        labelDelayHours: hours(env, QUALITY_ENV.labelDelayHours),
        windowHours: hours(env, QUALITY_ENV.windowHours),
        manifest,
        profile: deps.profile ?? bundledProfile(),
        metrics,
      },
      (deps.now ?? (() => new Date()))(),
    );
  };
}

/** The function's entry point (`index.handler`). */
export const handler = createQualityHandler();
