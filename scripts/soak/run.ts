/**
 * `npm run soak [-- --requests N] [-- --connections N] [-- --max-seconds N] [-- --scenario NAME]`
 *
 * The local server under a mixed load of valid and invalid requests (see mix.ts), on loopback, with autocannon.
 * Prints req/s, p50/p99, counts by status, unexpected statuses and the server's RSS at start, after the warm-up and
 * at the end; exits 1 on any unexpected status, any connection error, or RSS growth over 10% after the warm-up.
 *
 * Fault scenarios (`--scenario`), each with its own pass/fail rule (see scenarios.ts):
 * `s3-hung`, `s3-slow`, `s3-403`, `s3-500`, `s3-unreachable` (the Lambda handler's cold start against a loopback S3
 * that misbehaves, then recovers), and `sigterm` (SIGTERM to the server under load).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { requestMix } from './mix';
import { runLoad, startServerChild } from './load';
import type { LoadFigures } from './load';
import { runS3Scenario, runSigtermScenario, S3_SCENARIOS } from './scenarios';
import type { S3Scenario } from './scenarios';

/** Most RSS growth allowed between the end of the warm-up and the end of the run. */
export const MAX_RSS_GROWTH = 0.1;
const MODEL_DIR = join(__dirname, '..', '..', 'examples', 'breast-cancer');

/** The first row of the example's test data, as features (the target column dropped). */
export function exampleInstance(): Record<string, number> {
  const [header, row] = readFileSync(join(MODEL_DIR, 'test.csv'), 'utf8').split('\n');
  const names = header.split(',');
  const values = row.split(',');
  const target = (JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8')) as { evaluation?: { target?: string } }).evaluation?.target;
  return Object.fromEntries(names.flatMap((name, i) => (name === target || name === 'diagnosis' ? [] : [[name, Number(values[i])]])));
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function printFigures(label: string, figures: LoadFigures): void {
  console.log(`${label}: ${figures.requests} requests in ${figures.durationS.toFixed(1)} s, ${figures.requestsPerSecond.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
  console.log(`  by status: ${JSON.stringify(figures.byStatus)}; unexpected: ${figures.unexpected}; errors: ${JSON.stringify(figures.errors)}`);
  if (figures.unexpected > 0) console.log(`  unexpected: ${JSON.stringify(figures.unexpectedByKind)}`);
}

async function soak(requests: number, connections: number, maxSeconds: number): Promise<number> {
  const server = await startServerChild(MODEL_DIR);
  try {
    const mix = requestMix(exampleInstance());
    const rssStart = await server.rss();
    const warmupRequests = Math.max(1000, Math.round(requests / 10));
    const warmup = await runLoad(server.url, mix, warmupRequests, connections, maxSeconds);
    printFigures('warm-up', warmup);
    const rssWarm = await server.rss();
    const main = await runLoad(server.url, mix, requests, connections, maxSeconds);
    printFigures('soak', main);
    console.log('  p50/p99: latency of the valid JSON predictions, the largest share of the mix');
    const rssEnd = await server.rss();
    const growth = (rssEnd - rssWarm) / rssWarm;
    console.log(`RSS: start ${mb(rssStart)}, after warm-up ${mb(rssWarm)}, end ${mb(rssEnd)} (${(growth * 100).toFixed(1)}% after warm-up; limit ${MAX_RSS_GROWTH * 100}%)`);
    const failures = [
      ...(main.unexpected + warmup.unexpected > 0 ? [`${main.unexpected + warmup.unexpected} unexpected statuses`] : []),
      ...(Object.keys(main.errors).length + Object.keys(warmup.errors).length > 0 ? ['connection errors'] : []),
      ...(growth > MAX_RSS_GROWTH ? [`RSS grew ${(growth * 100).toFixed(1)}% after the warm-up`] : []),
      ...(main.requests < requests ? [`only ${main.requests} of ${requests} requests within ${maxSeconds} s`] : []),
    ];
    console.log(failures.length === 0 ? 'soak: PASS' : `soak: FAIL (${failures.join('; ')})`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    server.process.kill('SIGKILL');
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '100000' },
      connections: { type: 'string', default: '32' },
      'max-seconds': { type: 'string', default: '600' },
      scenario: { type: 'string' },
    },
  });
  const requests = Number(values.requests);
  const connections = Number(values.connections);
  const maxSeconds = Number(values['max-seconds']);
  for (const [name, value] of [['--requests', requests], ['--connections', connections], ['--max-seconds', maxSeconds]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      console.error(`${name} must be a positive whole number (got ${JSON.stringify(values[name.slice(2) as keyof typeof values])})`);
      return 2;
    }
  }
  const scenario = values.scenario;
  if (scenario === undefined) return soak(requests, connections, maxSeconds);
  if (scenario === 'sigterm') return runSigtermScenario(MODEL_DIR, requestMix(exampleInstance()), connections);
  if ((S3_SCENARIOS as readonly string[]).includes(scenario)) return runS3Scenario(scenario as S3Scenario, MODEL_DIR);
  console.error(`--scenario must be one of ${[...S3_SCENARIOS, 'sigterm'].join(', ')} (got ${JSON.stringify(scenario)})`);
  return 2;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
