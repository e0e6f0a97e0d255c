/**
 * `modelstack serve [model-dir]`: serves a model directory (`model.json` + `model.onnx`) on the local server, with
 * the same HTTP contract as the Lambda function URL. Stops gracefully on SIGTERM/SIGINT.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../lambda/hosts/local-server';
import type { ServerCapture } from '../../lambda/hosts/local-server';
import { MAX_WORKERS, startServing, WORKERS_ENV } from '../../lambda/hosts/serving';
import { handleShutdownSignals } from '../../lambda/hosts/shutdown-signals';
import { DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_PAYLOAD_BYTES } from '../../lambda/core/runtime-defaults';
import type { CliContext } from '../cli-contract';

export const DEFAULT_MODEL_DIR = 'examples/breast-cancer';
export const DEFAULT_PORT = 8080;

/** Options as commander parses them. */
interface ServeOptions {
  readonly port?: number;
  readonly host: string;
  readonly maxBatchSize?: number;
  readonly maxPayloadBytes?: number;
  readonly requestTimeoutMs?: number;
  readonly workers?: number;
  readonly metrics?: boolean;
  readonly dynamicBatching: boolean;
  readonly logPayloads?: boolean;
  readonly captureBucket?: string;
  readonly captureSampling: number;
  readonly captureInputs?: boolean;
  readonly captureName?: string;
  readonly captureEndpoint?: string;
}

function parsePercentage(text: string): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value > 0 && value <= 100)) throw new InvalidArgumentError('must be a percentage above 0 and at most 100.');
  return value;
}

function parseUrl(text: string): string {
  if (!URL.canParse(text)) throw new InvalidArgumentError('must be a URL such as http://127.0.0.1:4569.');
  return text;
}

/** The server's capture from the options: on with a bucket only. */
function captureOf(options: ServeOptions): ServerCapture | undefined {
  if (options.captureBucket === undefined) return undefined;
  return {
    bucket: options.captureBucket,
    samplingPercentage: options.captureSampling,
    captureInputs: options.captureInputs === true,
    ...(options.captureName === undefined ? {} : { name: options.captureName }),
    ...(options.captureEndpoint === undefined ? {} : { endpoint: options.captureEndpoint }),
  };
}

function parsePort(text: string): number {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port).');
  }
  return port;
}

function parsePositive(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError('must be a positive whole number.');
  return value;
}

/** `--port`, else `PORT`, else 8080. A bad `PORT` is a usage error (exit 2) naming the variable. */
function resolvePort(option: number | undefined, env: NodeJS.ProcessEnv, command: Command): number {
  if (option !== undefined) return option;
  const fromEnv = env.PORT;
  if (fromEnv === undefined || fromEnv.trim() === '') return DEFAULT_PORT;
  try {
    return parsePort(fromEnv);
  } catch {
    return command.error(
      `error: the PORT environment variable is ${JSON.stringify(fromEnv)}; it must be a port number from 0 to 65535`,
      { exitCode: 2, code: 'modelstack.invalidEnvironment' },
    );
  }
}

function parseWorkers(text: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new InvalidArgumentError(`must be a whole number of workers from 1 to ${MAX_WORKERS}.`);
  }
  return value;
}

/** `--workers`, else `SAGEMAKER_MODEL_SERVER_WORKERS`, else undefined (one per CPU). A bad variable is a usage error. */
function resolveWorkers(option: number | undefined, env: NodeJS.ProcessEnv, command: Command): number | undefined {
  if (option !== undefined) return option;
  const fromEnv = env[WORKERS_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
  try {
    return parseWorkers(fromEnv);
  } catch {
    return command.error(
      `error: the ${WORKERS_ENV} environment variable is ${JSON.stringify(fromEnv)}; it must be a whole number from 1 to ${MAX_WORKERS}`,
      { exitCode: 2, code: 'modelstack.invalidEnvironment' },
    );
  }
}

export function serveCommand(context: CliContext): Command {
  return new Command('serve')
    .description('Serve a model directory (model.json + model.onnx) over HTTP, as the Lambda function URL does')
    .argument('[model-dir]', 'directory holding model.json and model.onnx', DEFAULT_MODEL_DIR)
    .option('-p, --port <port>', `port to listen on; 0 picks a free one (default: $PORT, else ${DEFAULT_PORT})`, parsePort)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--max-batch-size <n>', `most instances per request (default: ${DEFAULT_MAX_BATCH_SIZE})`, parsePositive)
    .option('--max-payload-bytes <n>', `largest request body in bytes (default: ${DEFAULT_MAX_PAYLOAD_BYTES})`, parsePositive)
    .option(
      '--request-timeout-ms <ms>',
      `time a client has to send a whole request (headers and body); then 408 and the connection is closed (default: ${DEFAULT_REQUEST_TIMEOUT_MS})`,
      parsePositive,
    )
    .option(
      '--workers <n>',
      `server processes sharing the port, each with its own model session (default: $${WORKERS_ENV}, else one per CPU available)`,
      parseWorkers,
    )
    .option('--metrics', 'print CloudWatch EMF metrics to stdout (flushed every 10 s and at shutdown; namespace: $POWERTOOLS_METRICS_NAMESPACE, else modelstack)')
    .option(
      '--no-dynamic-batching',
      'run every prediction alone: by default, the predictions asked for at the same moment (one event-loop turn) run together, one model run for many requests (a row\'s answer may then differ in the last bit of a float32)',
    )
    .option('--log-payloads', 'log request bodies (off by default: they may hold personal data)')
    .option('--capture-bucket <bucket>', 'capture sampled predictions as JSON Lines under capture/<name>/live/<hour>/ of this records bucket (default: no capture)')
    .option('--capture-sampling <percent>', 'share of predictions captured, above 0 to 100', parsePercentage, 100)
    .option('--capture-inputs', 'keep the inputs of captured predictions (features with "capture": false are left out)')
    .option('--capture-name <name>', 'the folder under capture/ (default: the model name)')
    .option('--capture-endpoint <url>', 'an S3-compatible server for the records bucket (default: S3, with the environment\'s region and credentials)', parseUrl)
    .action(async (modelDir: string, options: ServeOptions, command: Command) => {
      const port = resolvePort(options.port, context.env, command);
      const workers = resolveWorkers(options.workers, context.env, command);
      const capture = captureOf(options);
      const server = await startServing({
        model: resolve(context.cwd, modelDir),
        port,
        host: options.host,
        limits: {
          ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
          ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
        },
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        metrics: options.metrics === true,
        // As in Lambda, POWERTOOLS_METRICS_NAMESPACE overrides the default namespace.
        ...(context.env.POWERTOOLS_METRICS_NAMESPACE ? { metricsNamespace: context.env.POWERTOOLS_METRICS_NAMESPACE } : {}),
        logPayloads: options.logPayloads === true,
        dynamicBatching: options.dynamicBatching,
        announce: context.stdout,
        log: context.stderr,
        ...(workers === undefined ? {} : { workers }),
        ...(capture === undefined ? {} : { capture }),
      });
      // A pool worker: the primary announces and handles the signals.
      if (server === undefined) return;
      handleShutdownSignals(server, { announce: context.stderr });
      const name = server.name;
      context.stdout(
        `modelstack: POST ${server.url}/invocations (JSON or CSV) or ${server.url}/v2/models/${name}/infer; ` +
          `metadata at ${server.url}/v2/models/${name}; Ctrl-C stops`,
      );
    });
}
