/**
 * The SageMaker container's entry point, as the image runs it: the bundled `index.js` started with `serve`, the
 * model in a directory laid out like `/opt/ml/model`, the environment as SageMaker and the stack set it. It passes
 * the serving contract (ping, JSON, CSV, Open Inference Protocol v2, error codes) and refuses a model whose SHA-256
 * is not the one the stack expects.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../../../lambda/core/model-source';
import type { Manifest } from '../../../lambda/core/manifest';
import { bundleContainer, runContainer, sageMakerModelDir, type ContainerProcess } from '../../support/container-process';

const IRIS = join(__dirname, '..', '..', '..', 'examples', 'iris');
const IRIS_SHA = sha256Hex(readFileSync(join(IRIS, 'model.onnx')));
const manifest = JSON.parse(readFileSync(join(IRIS, 'model.json'), 'utf8')) as Manifest;
const expected = JSON.parse(readFileSync(join(IRIS, 'expected.json'), 'utf8')) as {
  instances: Array<Record<string, number>>;
  float32Predictions: Array<{ label: string }>;
};
const ONE = { sepal_length_cm: 4.4, sepal_width_cm: 3.2, petal_length_cm: 1.3, petal_width_cm: 0.2 };

let bundleDir: string;
let modelDir: string;
const cleanup: string[] = [];

beforeAll(() => {
  bundleDir = bundleContainer(manifest);
  modelDir = sageMakerModelDir(IRIS);
  cleanup.push(bundleDir, dirname(dirname(dirname(modelDir))));
});
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function sageMakerEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return { SAGEMAKER_BIND_TO_PORT: '0', MODELSTACK_MODEL_DIR: modelDir, MODEL_SHA256: IRIS_SHA, MAX_PAYLOAD_BYTES: '65536', ...overrides };
}

async function post(url: string, path: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

describe('Given the container started with `serve` and the SageMaker file layout', () => {
  let container: ContainerProcess;
  let url: string;
  beforeAll(async () => {
    container = runContainer(bundleDir, ['serve'], sageMakerEnv());
    url = await container.listening;
  });
  afterAll(async () => {
    container.child.kill('SIGTERM');
    await container.exited;
  });

  test('When it starts, then it listens on all interfaces and announces the model', () => {
    expect(container.stdout()).toMatch(/modelstack: serving iris 1\.0\.0 on http:\/\/0\.0\.0\.0:\d+/);
  });

  test('When SageMaker pings it, then GET /ping answers 200', async () => {
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });

  test('When POST /invocations carries JSON instances, then the predictions are the reference ones', async () => {
    const response = await post(url, '/invocations', JSON.stringify({ instances: expected.instances }));
    expect(response.status).toBe(200);
    const { predictions } = (await response.json()) as { predictions: Array<{ label: string }> };
    expect(predictions.map((p) => p.label)).toEqual(expected.float32Predictions.map((p) => p.label));
  });

  test('When POST /invocations carries CSV, then each row is predicted', async () => {
    const response = await post(url, '/invocations', '4.4,3.2,1.3,0.2\n6.3,3.3,4.7,1.6\n', 'text/csv');
    expect(response.status).toBe(200);
    const { predictions } = (await response.json()) as { predictions: Array<{ label: string }> };
    expect(predictions.map((p) => p.label)).toEqual(expected.float32Predictions.slice(0, 2).map((p) => p.label));
  });

  test('When an Open Inference Protocol v2 request comes, then it answers in v2 tensors', async () => {
    const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [4.4, 3.2, 1.3, 0.2] }] };
    const response = await post(url, '/v2/models/iris/infer', JSON.stringify(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ model_name: 'iris', outputs: [{ name: 'label', data: ['setosa'] }, { name: 'probabilities' }] });
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
  });

  test.each([
    ['an invalid value', '/invocations', JSON.stringify({ instances: [{ ...ONE, sepal_length_cm: 'x' }] }), 'application/json', 400],
    ['an unknown path', '/nope', '{}', 'application/json', 404],
    ['a body over MAX_PAYLOAD_BYTES', '/invocations', JSON.stringify({ instances: new Array(3000).fill(ONE) }), 'application/json', 413],
    ['an unsupported content type', '/invocations', '<x/>', 'application/xml', 415],
  ])('When a request has %s, then the status is the contract one', async (_case, path, body, type, status) => {
    const response = await post(url, path, body, type);
    expect(response.status).toBe(status);
    expect(typeof ((await response.json()) as { error: unknown }).error).toBe('string');
  });

  test('When GET is sent to /invocations, then 405 names the allowed method', async () => {
    const response = await fetch(`${url}/invocations`);
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('Given SAGEMAKER_MODEL_SERVER_WORKERS=3', () => {
  test('When the container starts, then 3 workers share the port, and SIGTERM stops them all with exit 0', async () => {
    const container = runContainer(bundleDir, ['serve'], sageMakerEnv({ SAGEMAKER_MODEL_SERVER_WORKERS: '3' }));
    try {
      const url = await container.listening;
      // The workers line follows the serving line, maybe in a later chunk.
      for (let i = 0; i < 100 && !/workers \(pids/.test(container.stdout()); i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(container.stdout()).toMatch(/modelstack: 3 workers \(pids \d+, \d+, \d+\)/);
      const statuses = await Promise.all([1, 2, 3].map(async () => (await fetch(`${url}/ping`)).status));
      expect(statuses).toEqual([200, 200, 200]);
    } finally {
      container.child.kill('SIGTERM');
    }
    expect(await container.exited).toBe(0);
  });
});

describe('Given MODELSTACK_DYNAMIC_BATCHING', () => {
  // A server that batches logs its counts of requests and runs when it stops; one that does not, has none.
  test.each([
    [undefined, true],
    ['false', false],
  ])('When it is %p, then the container batches: %p', async (value, batches) => {
    const env = sageMakerEnv({ POWERTOOLS_LOG_LEVEL: 'INFO', ...(value === undefined ? {} : { MODELSTACK_DYNAMIC_BATCHING: value }) });
    const container = runContainer(bundleDir, ['serve'], env);
    try {
      const url = await container.listening;
      expect((await post(url, '/invocations', JSON.stringify({ instances: [ONE] }))).status).toBe(200);
    } finally {
      container.child.kill('SIGTERM');
    }
    expect(await container.exited).toBe(0);
    expect(container.stdout().includes('"message":"dynamic batching"')).toBe(batches);
  });

  test('When it is not true or false, then the configuration error names it and the process exits 2', async () => {
    const container = runContainer(bundleDir, ['serve'], sageMakerEnv({ MODELSTACK_DYNAMIC_BATCHING: 'sometimes' }));
    expect(await container.exited).toBe(2);
    expect(container.stderr()).toContain('MODELSTACK_DYNAMIC_BATCHING: must be true or false (got "sometimes")');
  });
});

describe('Given a container that cannot serve', () => {
  test('When /opt/ml/model holds bytes with another SHA-256, then it refuses them and exits 1 without listening', async () => {
    const container = runContainer(bundleDir, ['serve'], sageMakerEnv({ MODEL_SHA256: 'a'.repeat(64) }));
    expect(await container.exited).toBe(1);
    expect(container.stderr()).toContain(`expected SHA-256 ${'a'.repeat(64)} but the bytes read have SHA-256 ${IRIS_SHA}`);
    await expect(container.listening).rejects.toThrow();
  });

  test('When MODEL_SHA256 is missing, then the configuration error names it and the process exits 2', async () => {
    const env = sageMakerEnv();
    delete env.MODEL_SHA256;
    const container = runContainer(bundleDir, ['serve'], env);
    expect(await container.exited).toBe(2);
    expect(container.stderr()).toContain('MODEL_SHA256: is required');
  });

  test('When SAGEMAKER_MODEL_SERVER_WORKERS is not a whole number, then the configuration error names it and the process exits 2', async () => {
    const container = runContainer(bundleDir, ['serve'], sageMakerEnv({ SAGEMAKER_MODEL_SERVER_WORKERS: 'four' }));
    expect(await container.exited).toBe(2);
    expect(container.stderr()).toContain('SAGEMAKER_MODEL_SERVER_WORKERS: must be a positive whole number (got "four")');
  });

  test('When started without `serve`, then it prints the usage and exits 2', async () => {
    const container = runContainer(bundleDir, ['train'], sageMakerEnv());
    expect(await container.exited).toBe(2);
    expect(container.stderr()).toContain("SageMaker starts serving containers with 'serve'");
  });
});
