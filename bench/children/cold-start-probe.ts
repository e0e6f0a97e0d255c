/**
 * Child process of the cold-start benchmark (bundled by esbuild, run with plain `node`). Reads the monotonic
 * clock first thing, then, in `handler` mode: loads onnxruntime-node, requires the Lambda bundle (`index.js`, whose
 * import starts loading the model, as in Lambda's init phase), waits for the model, invokes the handler with one
 * function URL event, and prints the clock readings. In `bare` mode it prints its first reading and ends, as the
 * baseline of a bare Node.js start.
 *
 * No static imports (but erased type imports): everything this file needs is required inside, after the first clock
 * reading.
 */
import type * as Fs from 'node:fs';

const startNs = process.hrtime.bigint();
/** ms since Node's own time origin (process start as Node measures it). */
const startSinceOrigin = performance.now();

function emit(tag: string, payload: Record<string, unknown>): void {
  process.stdout.write(`BENCH_${tag} ${JSON.stringify(payload)}\n`);
}

interface FunctionUrlResult {
  statusCode?: number;
  body?: string;
}
type ProbeHandler = ((event: unknown, context: unknown) => Promise<FunctionUrlResult>) & {
  ready?: () => Promise<string>;
};

/**
 * The main thread's time on a CPU and waiting for one, since the process started (Linux `schedstat`, ns), read after
 * the last clock reading: load on the machine inflates the wall times, less so the time on a CPU.
 */
function mainThreadSchedstat(): { mainThreadCpuNs?: string; mainThreadWaitNs?: string } {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the probe loads nothing before its first clock reading
    const fs = require('node:fs') as typeof Fs;
    const [cpu, wait] = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').trim().split(/\s+/);
    return { mainThreadCpuNs: cpu, mainThreadWaitNs: wait };
  } catch {
    return {};
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}

async function probeHandler(): Promise<void> {
  const ortPath = requiredEnv('BENCH_ORT_PATH');
  const handlerPath = requiredEnv('BENCH_HANDLER_PATH');
  const event = JSON.parse(requiredEnv('BENCH_EVENT')) as unknown;

  // 0. node:http, which Lambda's runtime interface client loads for itself before it loads the handler (its Runtime
  //    API client); timed apart so that the model download is not charged with compiling Node's HTTP modules.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the cost of require() is what is measured
  require('node:http');
  const httpLoadedNs = process.hrtime.bigint();
  // 1. onnxruntime-node (native addon + libonnxruntime): the handler bundle requires it first thing anyway;
  //    loading it here first only separates its cost from the rest of the bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the cost of require() is what is measured
  require(ortPath);
  const ortLoadedNs = process.hrtime.bigint();
  // 2. The bundle: parse/compile, module init; in Lambda mode this starts the model load (S3, SHA-256, session).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the cost of require() is what is measured
  const mod = require(handlerPath) as { handler?: ProbeHandler };
  const requiredNs = process.hrtime.bigint();
  const handler = mod.handler;
  if (typeof handler !== 'function') throw new Error(`${handlerPath} exports no handler function`);
  // 3. Wait for the load started at import (the first request would wait for it the same way).
  const status = typeof handler.ready === 'function' ? await handler.ready() : 'unknown';
  const readyNs = process.hrtime.bigint();
  // 4. The first invocation.
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'modelstack-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:modelstack-bench',
    memoryLimitInMB: '1024',
    awsRequestId: 'bench-cold-start',
    logGroupName: '/aws/lambda/modelstack-bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  const response = await handler(event, context);
  const respondedNs = process.hrtime.bigint();
  const body = typeof response.body === 'string' ? response.body : '';
  let predictions = -1;
  try {
    const parsed = JSON.parse(body) as { predictions?: unknown[] };
    predictions = Array.isArray(parsed.predictions) ? parsed.predictions.length : -1;
  } catch {
    // reported below
  }
  emit('RESULT', {
    mode: 'handler',
    startNs: startNs.toString(),
    startSinceOriginMs: startSinceOrigin,
    httpLoadedNs: httpLoadedNs.toString(),
    ortLoadedNs: ortLoadedNs.toString(),
    requiredNs: requiredNs.toString(),
    readyNs: readyNs.toString(),
    respondedNs: respondedNs.toString(),
    ...mainThreadSchedstat(),
    modelStatus: status,
    statusCode: response.statusCode ?? -1,
    predictions,
    body: response.statusCode === 200 ? undefined : body.slice(0, 1000),
  });
}

if (process.env.BENCH_PROBE_MODE === 'bare') {
  emit('RESULT', { mode: 'bare', startNs: startNs.toString(), startSinceOriginMs: startSinceOrigin, ...mainThreadSchedstat() });
} else {
  probeHandler().then(
    // The S3 client's sockets, metrics timers... must not hold the process: it is done.
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`cold-start probe failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
