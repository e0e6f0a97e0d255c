/**
 * AWS Lambda's limits that modelstack's Lambda functions are validated against, written once: `LambdaInference`
 * and the model-copy step enforce them, and the config schema reads them.
 */

/** Memory of a function, in MiB (Lambda allocates CPU in proportion). */
export const LAMBDA_MEMORY_SIZE_MIB = { min: 128, max: 10_240 } as const;

/** Size of a function's `/tmp`, in MiB. */
export const LAMBDA_EPHEMERAL_STORAGE_MIB = { min: 512, max: 10_240 } as const;

/** Timeout of a function, in seconds (15 minutes at most). */
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
