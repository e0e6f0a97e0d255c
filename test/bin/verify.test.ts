/**
 * `modelstack verify` against the real runtime: the local server on loopback stands in for the function URL (and,
 * behind a stubbed InvokeEndpoint, for the SageMaker container); only the AWS API calls are stubbed
 * (test/support/verify-edge.ts). The environments are the project's own: dev on Lambda, staging on SageMaker.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCommand } from '../../bin/commands/verify';
import { EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE, main, type CliContext } from '../../bin/modelstack';
import { startServer, type RunningServer } from '../../lambda/hosts/local-server';
import { createObservability } from '../../lambda/serving/observability';
import { PROJECT_ROOT } from '../support/app';
import { BREAST_CANCER, BREAST_CANCER_SHA256, DEPLOYED_CONFIG, fakeAws, SAGEMAKER_URL, type FakeDeployment } from '../support/verify-edge';

const quiet = () => createObservability({ serviceName: 'breast-cancer', metrics: false, logLevel: 'SILENT' });

let served: RunningServer;
/** The same model.onnx behind a manifest whose scaling changed: same SHA-256, other answers. */
let changed: RunningServer;
let changedDir: string;
/** A loopback port nothing listens on. */
let closedUrl: string;

beforeAll(async () => {
  served = await startServer({ model: BREAST_CANCER, port: 0, announce: () => undefined, observability: quiet() });
  changedDir = mkdtempSync(join(tmpdir(), 'modelstack-verify-'));
  cpSync(BREAST_CANCER, changedDir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(changedDir, 'model.json'), 'utf8')) as { input: { features: Array<{ scale?: { mean: number } }> } };
  for (const feature of manifest.input.features) if (feature.scale !== undefined) feature.scale.mean *= 1.5;
  writeFileSync(join(changedDir, 'model.json'), JSON.stringify(manifest));
  changed = await startServer({ model: changedDir, port: 0, announce: () => undefined, observability: quiet() });
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
  closedUrl = `http://127.0.0.1:${(probe.address() as { port: number }).port}/`;
  await new Promise((done) => probe.close(done));
});
afterAll(async () => {
  await served.close();
  await changed.close();
  rmSync(changedDir, { recursive: true, force: true });
});

async function verify(argv: string[], world: FakeDeployment) {
  const out: string[] = [];
  const err: string[] = [];
  const context: CliContext = { cwd: PROJECT_ROOT, env: {}, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) };
  const { aws, sent } = fakeAws(world);
  const code = await main(['verify', ...argv], context, [(c) => verifyCommand(c, { aws: () => aws })]);
  return { code, out: out.join('\n'), err: err.join('\n'), sent };
}

describe('Given a Lambda environment (dev) whose function URL is the local server', () => {
  test('When it serves the deployed model, then every check passes (exit 0) and every request was SigV4-signed for lambda', async () => {
    const { code, out, sent } = await verify(['--env', 'dev'], { url: `${served.url}/` });
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('modelstack-breast-cancer-dev (dev, lambda)');
    expect(out).toMatch(/ok\s+GET \/ping/);
    expect(out).toMatch(/ok\s+GET \/v2\/models\/breast-cancer: model SHA-256/);
    expect(out).toMatch(/ok\s+POST \/invocations: 5 rows of the evaluation data/);
    expect(out).toContain('verified: 6 checks passed');
    expect(sent.map((request) => new URL(request.url).pathname)).toEqual(['/ping', '/v2/models/breast-cancer', '/invocations']);
    for (const request of sent) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
      expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    }
  });

  test('When the stack says another SHA-256 than the endpoint serves, then it exits 1 naming both', async () => {
    const other = 'a'.repeat(64);
    const { code, err } = await verify(['--env', 'dev'], { url: `${served.url}/`, modelSha256: other });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('modelstack-breast-cancer-dev does not serve what was deployed:');
    expect(err).toContain(`GET /v2/models/breast-cancer: model SHA-256: expected ${other}, found ${BREAST_CANCER_SHA256}`);
    expect(err).toContain(`stack output ModelSha256 is the configured model.onnx: expected ${BREAST_CANCER_SHA256}, found ${other}`);
  });

  test('When the endpoint answers otherwise than the model offline, then it exits 1 listing the rows that differ', async () => {
    const { code, err } = await verify(['--env', 'dev'], { url: `${changed.url}/` });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toMatch(/POST \/invocations: 5 rows of the evaluation data: expected 5 predictions as offline \(tolerance 0\.0001\), found row 1: .*probability of "(benign|malignant)"/);
    expect(err).not.toContain('model SHA-256: expected');
  });

  test('When nothing answers at the function URL, then ping and every later request fail (exit 1)', async () => {
    const { code, err } = await verify(['--env', 'dev'], { url: closedUrl });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('GET /ping: expected 200, found error:');
    expect(err).toContain('POST /invocations: 5 rows of the evaluation data: expected 5 predictions as offline');
  });

  test('When the last stack update rolled back, then the stack status check fails', async () => {
    const { code, err } = await verify(['--env', 'dev'], { url: `${served.url}/`, stackStatus: 'UPDATE_ROLLBACK_COMPLETE' });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('stack status: expected CREATE_COMPLETE or UPDATE_COMPLETE, found UPDATE_ROLLBACK_COMPLETE');
  });

  test('When --json is given, then the report is printed as JSON', async () => {
    const { code, out } = await verify(['--env', 'dev', '--json', '--rows', '2'], { url: `${served.url}/` });
    expect(code).toBe(EXIT_OK);
    const report = JSON.parse(out) as { ok: boolean; platform: string; checks: Array<{ name: string; ok: boolean }> };
    expect(report).toMatchObject({ ok: true, platform: 'lambda', stackName: 'modelstack-breast-cancer-dev' });
    expect(report.checks.map((c) => c.name)).toContain('POST /invocations: 2 rows of the evaluation data');
  });

  test('When the SDK finds no credentials, then it exits 1 saying how to configure them', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const { code, err } = await verify(['--env', 'dev'], { url: `${served.url}/`, cloudFormationError: noCredentials });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain("modelstack: error: no AWS credentials: the SDK's default chain");
    expect(err).toContain('modelstack verify --env dev again');
  });

  test('When the stack does not exist, then it exits 1 saying to deploy it first', async () => {
    const missing = new Error('Stack with id modelstack-breast-cancer-dev does not exist');
    const { code, err } = await verify(['--env', 'dev'], { url: `${served.url}/`, cloudFormationError: missing });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('stack modelstack-breast-cancer-dev does not exist in this account and region: deploy it first');
  });
});

describe('Given a SageMaker environment (staging) whose container is the local server behind InvokeEndpoint', () => {
  test('When the endpoint is InService on the deployed config and answers as offline, then every check passes', async () => {
    const { code, out } = await verify(['--env', 'staging'], { url: SAGEMAKER_URL, containerUrl: served.url });
    expect(code).toBe(EXIT_OK);
    expect(out).toContain('modelstack-breast-cancer-staging (staging, sagemaker)');
    expect(out).toMatch(/ok\s+endpoint modelstack-breast-cancer-staging-inference: status/);
    expect(out).toMatch(/ok\s+InvokeEndpoint: 5 rows of the evaluation data/);
    expect(out).toContain('verified: 7 checks passed');
  });

  test('When SageMaker rolled the endpoint back to another endpoint config, then it exits 1 naming both configs', async () => {
    const { code, err } = await verify(['--env', 'staging'], { url: SAGEMAKER_URL, containerUrl: served.url, runningEndpointConfig: 'InferenceEndpointConfig-Old999' });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain(`endpoint modelstack-breast-cancer-staging-inference: endpoint config: expected ${DEPLOYED_CONFIG.toLowerCase()}, found InferenceEndpointConfig-Old999`);
    expect(err).toContain(`model SHA-256 of the running endpoint config: expected ${BREAST_CANCER_SHA256}, found ${'f'.repeat(64)}`);
  });

  test('When the endpoint is not InService, then the status check fails', async () => {
    const { code, err } = await verify(['--env', 'staging'], { url: SAGEMAKER_URL, containerUrl: served.url, endpointStatus: 'Updating' });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toContain('endpoint modelstack-breast-cancer-staging-inference: status: expected InService, found Updating');
  });

  test('When the container answers otherwise than the model offline, then the InvokeEndpoint check fails', async () => {
    const { code, err } = await verify(['--env', 'staging'], { url: SAGEMAKER_URL, containerUrl: changed.url });
    expect(code).toBe(EXIT_CHECK_FAILED);
    expect(err).toMatch(/InvokeEndpoint: 5 rows of the evaluation data: expected .*, found row 1: /);
  });
});

describe('Given bad usage', () => {
  test.each([
    [['--env', 'qa'], "argument 'qa' is not a known environment; known: dev, staging, sandbox, prod"],
    [[], "error: required option '--env <name>' not specified"],
    [['--env', 'dev', '--rows', '0'], 'must be a whole number from 1 to 1000'],
    [['--env', 'dev', '--tolerance', 'x'], 'must be a number from 0 up to (not including) 1'],
  ])('When verify %j runs, then it is a usage error (exit 2) and AWS is not called', async (argv, message) => {
    const { code, err, sent } = await verify(argv, { url: closedUrl, cloudFormationError: new Error('AWS must not be called') });
    expect(code).toBe(EXIT_USAGE);
    expect(err).toContain(message);
    expect(sent).toEqual([]);
  });
});
