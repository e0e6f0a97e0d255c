/**
 * Capture in the Lambda function: the environment the construct writes (CAPTURE_SAMPLING_PERCENTAGE,
 * CAPTURE_INPUTS) turns it on, and each sampled prediction is one line on stdout that the subscription filter's
 * pattern selects (lambda/records/log-line-sink.ts); the runtime configuration names a bad value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHandler } from '../../../lambda/hosts/lambda-handler';
import { readManifest } from '../../../lambda/core/manifest';
import { sha256Hex } from '../../../lambda/core/model-source';
import { containerConfigFromEnv, runtimeConfigFromEnv, RuntimeConfigError } from '../../../lambda/core/runtime-config';
import type { CapturedLine } from '../../../lambda/serving/prediction-capture';
import type { CaptureRecord } from '../../../lambda/records/record-format';
import { createObservability } from '../../../lambda/serving/observability';
import { functionUrlEvent } from '../../support/function-url-event';
import { EXAMPLES, expected } from '../../support/serving';

const IRIS = join(EXAMPLES, 'iris');
const bytes = readFileSync(join(IRIS, 'model.onnx'));
const BASE = { MODEL_BUCKET: 'models', MODEL_KEY: 'iris/model.onnx', MODEL_SHA256: sha256Hex(bytes), MODEL_MANIFEST: join(IRIS, 'model.json') };

describe('Given the runtime configuration of capture', () => {
  test('When CAPTURE_SAMPLING_PERCENTAGE is unset or 0, then capture is off', () => {
    expect(runtimeConfigFromEnv(BASE).capture).toBeUndefined();
    expect(runtimeConfigFromEnv({ ...BASE, CAPTURE_SAMPLING_PERCENTAGE: '0' }).capture).toBeUndefined();
  });

  test('When it is 12.5 with CAPTURE_INPUTS true, then 12.5% are captured with inputs', () => {
    expect(runtimeConfigFromEnv({ ...BASE, CAPTURE_SAMPLING_PERCENTAGE: '12.5', CAPTURE_INPUTS: 'true' }).capture).toEqual({ samplingPercentage: 12.5, captureInputs: true });
  });

  test('When it is set without CAPTURE_INPUTS, then inputs are not kept', () => {
    expect(runtimeConfigFromEnv({ ...BASE, CAPTURE_SAMPLING_PERCENTAGE: '5' }).capture).toEqual({ samplingPercentage: 5, captureInputs: false });
  });

  test.each([
    ['CAPTURE_SAMPLING_PERCENTAGE', '101', /CAPTURE_SAMPLING_PERCENTAGE: must be a percentage from 0 to 100 \(got "101"\)/],
    ['CAPTURE_SAMPLING_PERCENTAGE', 'half', /CAPTURE_SAMPLING_PERCENTAGE: must be a percentage from 0 to 100 \(got "half"\)/],
    ['CAPTURE_INPUTS', 'maybe', /CAPTURE_INPUTS: must be true or false \(got "maybe"\)/],
  ])('When %s is %p, then the configuration is refused naming it', (name, value, message) => {
    expect(() => runtimeConfigFromEnv({ ...BASE, [name]: value })).toThrow(RuntimeConfigError);
    expect(() => runtimeConfigFromEnv({ ...BASE, [name]: value })).toThrow(message);
  });

  test('When the container outside SageMaker has CAPTURE_BUCKET, then it captures there (endpoint and name too)', () => {
    const env = { MODEL_SHA256: BASE.MODEL_SHA256, CAPTURE_SAMPLING_PERCENTAGE: '100', CAPTURE_BUCKET: 'records', CAPTURE_NAME: 'iris', CAPTURE_S3_ENDPOINT: 'http://127.0.0.1:4569' };
    expect(containerConfigFromEnv(env).capture).toEqual({ samplingPercentage: 100, captureInputs: false, bucket: 'records', name: 'iris', endpoint: 'http://127.0.0.1:4569' });
    expect(containerConfigFromEnv({ MODEL_SHA256: BASE.MODEL_SHA256, CAPTURE_SAMPLING_PERCENTAGE: '100' }).capture).toBeUndefined();
  });
});

describe('Given a function with capture on at 100% with inputs', () => {
  test('When it answers a prediction, then the sink gets one record with the id the client got', async () => {
    const lines: CapturedLine[] = [];
    const handler = createHandler({
      config: runtimeConfigFromEnv({ ...BASE, CAPTURE_SAMPLING_PERCENTAGE: '100', CAPTURE_INPUTS: 'true' }),
      modelSource: () => Promise.resolve(bytes),
      observability: (name) => createObservability({ serviceName: name, metrics: false, logLevel: 'SILENT' }),
      captureSink: { write: (line) => lines.push(line) },
      // The example's model.json as it is (a bundled manifest is stamped; this one is read as the tests read it).
      readManifest,
    });
    const instance = expected.iris.instances[0];
    const response = await handler(functionUrlEvent('POST', '/invocations', JSON.stringify({ instances: [instance] }), { contentType: 'application/json', headers: { 'x-inference-id': 'client-7' } }));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['x-inference-id']).toBe('client-7');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0].line) as CaptureRecord;
    expect(record.eventMetadata.inferenceId).toBe('client-7');
    expect(JSON.parse(record.captureData.endpointInput?.data ?? '')).toEqual({ instances: [instance] });
  });
});
