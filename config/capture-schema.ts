/**
 * An environment's `capture`: sampled predictions and their ground truth, kept in the endpoint's prediction records
 * (`lib/prediction-records.ts`) on either platform. Off unless set (payloads may hold personal data).
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

export const CaptureSchema = z.strictObject({
  /** Share of prediction requests captured (%). */
  samplingPercentage: int(1, 100).default(100),
  /** Keep the requests' inputs (features marked `"capture": false` in the manifest are left out), not only the answers. */
  captureInputs: z.boolean().default(false),
  /** Days captured predictions are kept. */
  expirationDays: int(1, 3650).default(30),
  /** Days ground truth is kept (labels arrive late: keep them longer than captures). */
  groundTruthExpirationDays: int(1, 3650).default(365),
  /** Days the quality job's records are kept. Unset: kept. */
  qualityExpirationDays: int(1, 3650).optional(),
  /** ARN of the IAM principal that may assume the ground-truth writer role. Unset: the account (its IAM policies decide). */
  groundTruthWriterArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/, { message: 'must be the ARN of an IAM role, user or account root (arn:aws:iam::<account>:role/<name>)' })
    .optional(),
});

export type CaptureConfig = z.output<typeof CaptureSchema>;
