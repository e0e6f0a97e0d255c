/** The stack outputs naming an endpoint's prediction records (written by `ModelStack`), read by `modelstack label` and `forget`. */
export const RECORDS_OUTPUTS = { bucket: 'RecordsBucketName', groundTruthWriter: 'GroundTruthWriterRoleArn' } as const;
