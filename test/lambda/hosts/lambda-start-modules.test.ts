/**
 * What the Lambda handler loads at init (cold start: see docs/benchmarks.md): a fresh process (tsx) sets the
 * environment the stack gives the function, loads the handler's module and lists the modules it loaded. With a valid
 * configuration, neither zod nor the configuration's schemas (`lambda/core/runtime-config`) are among them: the plain
 * reader reads it. With a bad one, the schemas load, to name its problems.
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../support/app';
import { runInFreshProcess } from '../../support/fresh-process';

const SHA = 'a3122f47e2c23f26582451320035d4e0640515d4974c012795e2d6aa247cda78';
/** As LambdaInference writes it (test/lib/lambda-inference.test.ts), with a bucket name for the bucket's Ref. */
const FUNCTION_ENV = {
  MODEL_BUCKET: 'modelstack-models',
  MODEL_KEY: `breast-cancer/${SHA}.onnx`,
  MODEL_SHA256: SHA,
  MAX_BATCH_SIZE: '1000',
  MAX_PAYLOAD_BYTES: '6291456',
  LOG_PAYLOADS: 'false',
  POWERTOOLS_SERVICE_NAME: 'breast-cancer',
  POWERTOOLS_METRICS_NAMESPACE: 'modelstack',
  MODEL_EVALUATION: JSON.stringify({ verdict: 'pass', keyMetric: 'macroF1', metrics: { macroF1: 0.96 }, rows: 143, dataSha256: SHA, evaluatedAt: '2025-01-01T00:00:00Z' }),
  CAPTURE_SAMPLING_PERCENTAGE: '25',
  CAPTURE_INPUTS: 'true',
};

/** The modules, relative to the repository, that loading the handler with `env` loads in a fresh process. */
function modulesLoadedWith(env: Readonly<Record<string, string>>): string[] {
  const script =
    `Object.assign(process.env, ${JSON.stringify(env)});` +
    `require(${JSON.stringify(join(PROJECT_ROOT, 'lambda', 'hosts', 'lambda-handler.ts'))});` +
    `process.stdout.write(JSON.stringify(Object.keys(require.cache).map((k) => require('node:path').relative(${JSON.stringify(PROJECT_ROOT)}, k))));`;
  return JSON.parse(runInFreshProcess(script)) as string[];
}

const schemas = (loaded: readonly string[]) =>
  loaded.filter((file) => file.endsWith('lambda/core/runtime-config.ts') || file.endsWith('lambda/core/evaluation-figures.ts') || file.includes('node_modules/zod/'));

describe('Given the Lambda handler', () => {
  test('when it loads with the configuration the stack gives it, then the plain reader reads it and neither zod nor the schemas load', () => {
    const loaded = modulesLoadedWith(FUNCTION_ENV);
    // Not vacuous: the handler and the plain reader did load.
    expect(loaded).toEqual(expect.arrayContaining(['lambda/hosts/lambda-handler.ts', 'lambda/core/plain-runtime-config.ts']));
    expect(schemas(loaded)).toEqual([]);
  });

  test('when it loads with a bad configuration, then the schemas load to name its problems', () => {
    const loaded = modulesLoadedWith({ ...FUNCTION_ENV, MAX_BATCH_SIZE: 'many' });
    expect(schemas(loaded)).toEqual(expect.arrayContaining(['lambda/core/runtime-config.ts', 'lambda/core/evaluation-figures.ts']));
  });
});
