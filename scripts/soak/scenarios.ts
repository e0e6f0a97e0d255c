/**
 * The soak's fault scenarios.
 * - S3 at cold start (`s3-hung`, `s3-slow`, `s3-403`, `s3-500`, `s3-unreachable`): the Lambda handler, with its
 *   default S3 client and timeouts, loads the model from a loopback S3 that misbehaves for a while and then
 *   recovers (s3rver behind {@link FaultyS3}), while 8 callers keep invoking it. It passes when no call waits longer
 *   than the handler's bound, every answer during the fault is 503 with Retry-After (or 200 for `s3-slow`), each
 *   failed attempt logged one ERROR line, and the model is served within 30 s of the recovery.
 * - `sigterm`: SIGTERM to the server process under load. It passes when the server exits 0 (drained in time) and
 *   no answer had an unexpected status; connection errors are reported by code.
 */
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { sha256Hex } from '../../lambda/core/model-source';
import { runtimeConfigFromEnv } from '../../lambda/core/runtime-config';
import { createHandler, DEFAULT_MAX_WAIT_FOR_MODEL_MS } from '../../lambda/hosts/lambda-handler';
import { createObservability } from '../../lambda/serving/observability';
import { startLocalS3 } from '../../bench/local-s3';
import { FaultyS3 } from './faulty-s3';
import type { FaultMode } from './faulty-s3';
import { runLoad, startServerChild } from './load';
import type { MixEntry } from './mix';

export const S3_SCENARIOS = ['s3-hung', 's3-slow', 's3-403', 's3-500', 's3-unreachable'] as const;
export type S3Scenario = (typeof S3_SCENARIOS)[number];

const FAULT_MODES: Readonly<Record<S3Scenario, FaultMode | 'closed'>> = {
  's3-hung': 'hang',
  's3-slow': 'slow',
  's3-403': 'error403',
  's3-500': 'error500',
  's3-unreachable': 'closed',
};
const FAULT_SECONDS = 12;
const RECOVERY_SECONDS = 30;
const CALLERS = 8;

function event(method: string, rawPath: string, body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'soak',
      domainName: 'soak.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'soak',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'soak' },
      requestId: 'soak',
      routeKey: '$default',
      stage: '$default',
      time: '04/Dec/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface PhaseRecord {
  byStatus: Record<string, number>;
  retryAfter: Set<string>;
  maxLatencyMs: number;
  firstOkAtMs: number | undefined;
}

/** Keeps `CALLERS` callers invoking until `until()` says stop; records what they got. */
async function invokeWhile(call: () => Promise<{ statusCode?: number; headers?: Record<string, unknown> }>, until: (record: PhaseRecord) => boolean): Promise<PhaseRecord> {
  const record: PhaseRecord = { byStatus: {}, retryAfter: new Set(), maxLatencyMs: 0, firstOkAtMs: undefined };
  const started = performance.now();
  const caller = async (): Promise<void> => {
    while (!until(record)) {
      const t = performance.now();
      const response = await call();
      const latency = performance.now() - t;
      record.maxLatencyMs = Math.max(record.maxLatencyMs, latency);
      const status = String(response.statusCode);
      record.byStatus[status] = (record.byStatus[status] ?? 0) + 1;
      const retryAfter = response.headers?.['retry-after'];
      if (typeof retryAfter === 'string') record.retryAfter.add(retryAfter);
      if (status === '200' && record.firstOkAtMs === undefined) record.firstOkAtMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  return record;
}

function describePhase(name: string, record: PhaseRecord): string {
  const retry = record.retryAfter.size === 0 ? 'none' : [...record.retryAfter].sort().join(', ');
  const ok = record.firstOkAtMs === undefined ? '' : `, first 200 after ${(record.firstOkAtMs / 1000).toFixed(1)} s`;
  return `${name}: by status ${JSON.stringify(record.byStatus)}, Retry-After ${retry}, longest wait ${(record.maxLatencyMs / 1000).toFixed(1)} s${ok}`;
}

/** Runs one S3 cold-start scenario; returns the exit code. */
export async function runS3Scenario(scenario: S3Scenario, modelDir: string): Promise<number> {
  const bytes = readFileSync(join(modelDir, 'model.onnx'));
  const s3 = await startLocalS3('models', [{ key: 'model.onnx', body: bytes }]);
  const upstreamPort = Number(new URL(s3.endpoint).port);
  const faulty = new FaultyS3(upstreamPort);
  const faultyPort = await faulty.listen();
  const mode = FAULT_MODES[scenario];
  faulty.mode = mode === 'closed' ? 'forward' : mode;
  const deadPort = await closedPort();
  Object.assign(process.env, s3.childEnv, { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${mode === 'closed' ? deadPort : faultyPort}` });
  let errorLines = 0;
  let failedAttempts = 0;
  const handler = createHandler({
    config: runtimeConfigFromEnv({ MODEL_BUCKET: 'models', MODEL_KEY: 'model.onnx', MODEL_SHA256: sha256Hex(bytes), MODEL_MANIFEST: join(modelDir, 'model.json') }),
    observability: (serviceName) => {
      const logger = new Logger({ serviceName, logLevel: 'SILENT' });
      logger.error = (...args: unknown[]): void => {
        errorLines++;
        if (args[0] === 'model failed to load') failedAttempts++;
      };
      return createObservability({ serviceName, logger, metrics: false });
    },
  });
  const invoke = (i: number) => (i % 2 === 0 ? handler(event('GET', '/ping')) : handler(event('POST', '/invocations', '{"instances": []}')));
  let n = 0;
  const call = () => invoke(n++);
  try {
    console.log(`${scenario}: S3 ${mode === 'closed' ? 'unreachable (nothing listens)' : `in mode ${mode}`} for ${FAULT_SECONDS} s, then healthy`);
    const faultEnds = performance.now() + FAULT_SECONDS * 1000;
    const fault = await invokeWhile(call, () => performance.now() >= faultEnds);
    faulty.mode = 'forward';
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${faultyPort}`;
    const recoveryEnds = performance.now() + RECOVERY_SECONDS * 1000;
    const recovery = await invokeWhile(call, (record) => record.firstOkAtMs !== undefined || performance.now() >= recoveryEnds);
    console.log(describePhase('  during the fault', fault));
    console.log(describePhase('  after recovery', recovery));
    console.log(`  failed load attempts: ${failedAttempts}, ERROR lines: ${errorLines}`);
    const boundMs = DEFAULT_MAX_WAIT_FOR_MODEL_MS + 1000;
    const allowed = scenario === 's3-slow' ? ['200', '400', '503'] : ['503'];
    const failures = [
      ...(Object.keys(fault.byStatus).some((status) => !allowed.includes(status)) ? [`statuses other than ${allowed.join('/')} during the fault`] : []),
      ...(scenario !== 's3-slow' && fault.retryAfter.size === 0 ? ['no Retry-After during the fault'] : []),
      ...(Math.max(fault.maxLatencyMs, recovery.maxLatencyMs) > boundMs ? [`a call waited longer than ${boundMs} ms`] : []),
      ...(errorLines !== failedAttempts ? ['more ERROR lines than failed attempts'] : []),
      ...(recovery.firstOkAtMs === undefined && fault.firstOkAtMs === undefined ? [`no 200 within ${RECOVERY_SECONDS} s of the recovery`] : []),
    ];
    console.log(failures.length === 0 ? `${scenario}: PASS` : `${scenario}: FAIL (${failures.join('; ')})`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await faulty.close();
    await s3.close();
  }
}

/** SIGTERM to the server 3 s into a load; returns the exit code. */
export async function runSigtermScenario(modelDir: string, mix: readonly MixEntry[], connections: number): Promise<number> {
  const server = await startServerChild(modelDir);
  const timer = setTimeout(() => server.process.kill('SIGTERM'), 3000);
  const figures = await runLoad(server.url, mix, 1_000_000, connections, 6);
  clearTimeout(timer);
  const exitCode = await Promise.race([server.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 15_000))]);
  if (exitCode === 'running') server.process.kill('SIGKILL');
  console.log(`sigterm: ${figures.requests} answers, by status ${JSON.stringify(figures.byStatus)}, unexpected ${figures.unexpected}`);
  console.log(`  connection errors by code (after SIGTERM the listener is closed: new connections are refused): ${JSON.stringify(figures.errors)}`);
  console.log(`  server exit code: ${String(exitCode)} (0: every request in flight was answered before the drain deadline)`);
  const failures = [...(exitCode !== 0 ? [`server exit ${String(exitCode)}`] : []), ...(figures.unexpected > 0 ? ['unexpected statuses'] : [])];
  console.log(failures.length === 0 ? 'sigterm: PASS' : `sigterm: FAIL (${failures.join('; ')})`);
  return failures.length === 0 ? 0 : 1;
}
