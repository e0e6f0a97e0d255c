/**
 * One limit, one place: the config schema accepts exactly what the constructs (and the runtime) accept, because
 * both read the same constant. Each bound is checked on both sides of the line.
 */
import { MAX_BATCH_SIZE_LIMIT } from '../../lambda/core/runtime-config';
import { LambdaPlatformSchema } from '../../config/schema';
import { SageMakerPlatformSchema } from '../../config/sagemaker-schema';
import { LAMBDA_MEMORY_SIZE_MIB, LAMBDA_TIMEOUT_SECONDS } from '../../lib/lambda-limits';
import { SERVERLESS_MEMORY_MIB } from '../../lib/sagemaker/variants';

const lambdaAccepts = (platform: Record<string, unknown>): boolean => LambdaPlatformSchema.safeParse({ type: 'lambda', ...platform }).success;
const sageMakerAccepts = (platform: Record<string, unknown>): boolean => SageMakerPlatformSchema.safeParse({ type: 'sagemaker', ...platform }).success;

describe('Given the limits the constructs enforce', () => {
  test.each([
    ['memorySizeMiB', LAMBDA_MEMORY_SIZE_MIB.min, LAMBDA_MEMORY_SIZE_MIB.max],
    ['timeoutSeconds', LAMBDA_TIMEOUT_SECONDS.min, LAMBDA_TIMEOUT_SECONDS.max],
    ['maxBatchSize', 1, MAX_BATCH_SIZE_LIMIT],
  ])('When the Lambda platform sets %s, then the schema accepts %p to %p and nothing outside', (field, min, max) => {
    expect([lambdaAccepts({ [field]: min - 1 }), lambdaAccepts({ [field]: min }), lambdaAccepts({ [field]: max }), lambdaAccepts({ [field]: max + 1 })]).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  test('When the SageMaker platform sets maxBatchSize, then the schema accepts up to the runtime limit and no more', () => {
    expect([sageMakerAccepts({ instance: {}, maxBatchSize: MAX_BATCH_SIZE_LIMIT }), sageMakerAccepts({ instance: {}, maxBatchSize: MAX_BATCH_SIZE_LIMIT + 1 })]).toEqual([true, false]);
  });

  test('When a serverless variant sets its memory, then the schema accepts exactly the sizes the construct accepts', () => {
    const candidates = Array.from({ length: 16 }, (_, i) => (i + 1) * 512);
    expect(candidates.filter((memorySizeMiB) => sageMakerAccepts({ serverless: { memorySizeMiB } }))).toEqual(SERVERLESS_MEMORY_MIB);
  });
});
