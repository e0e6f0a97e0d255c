/**
 * The SageMaker serving container's entry point (`ENTRYPOINT ["node", "/opt/program/index.js"]`): SageMaker starts
 * the image with the argument `serve`. It serves the local server's app ({@link startServer}) on `0.0.0.0`, port
 * `SAGEMAKER_BIND_TO_PORT` (default 8080): `GET /ping`, `POST /invocations` and the Open Inference Protocol routes.
 *
 * The model comes from `/opt/ml/model` (`MODELSTACK_MODEL_DIR` overrides it, for tests), where SageMaker copies the
 * model's S3 prefix: `model.onnx` and its `model.json`. `model.onnx` must have the SHA-256 in `MODEL_SHA256`
 * (set by the stack); any other bytes are refused before a session is created, and the process exits 1 so the
 * endpoint never becomes healthy. It runs `SAGEMAKER_MODEL_SERVER_WORKERS` workers (default: one per vCPU) sharing the
 * port (`serving.ts`), each batching the predictions that reach its model together unless
 * `MODELSTACK_DYNAMIC_BATCHING=false` (`core/dynamic-batching.ts`). Metrics (EMF) and logs go to stdout, which SageMaker sends to CloudWatch Logs.
 */
import { containerConfigFromEnv, CONTAINER_ENV, RuntimeConfigError } from '../core/runtime-config';
import { startServing } from './serving';
import { handleShutdownSignals } from './shutdown-signals';

/** The one command SageMaker passes. */
export const SERVE_COMMAND = 'serve';

/** Where the container host writes and how it ends; injectable for tests. */
export interface ContainerMainDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
  readonly exit: (code: number) => void;
}

/**
 * Runs the container: `serve` starts the server; anything else is a usage error (exit 2). A bad configuration
 * (exit 2) or a model that cannot be loaded (exit 1) is reported on stderr.
 */
export async function containerMain(args: readonly string[], deps: ContainerMainDeps): Promise<void> {
  if (args.length !== 1 || args[0] !== SERVE_COMMAND) {
    deps.stderr(`usage: index.js ${SERVE_COMMAND} (got ${JSON.stringify(args)}); SageMaker starts serving containers with '${SERVE_COMMAND}'`);
    deps.exit(2);
    return;
  }
  let config;
  try {
    config = containerConfigFromEnv(deps.env);
  } catch (error) {
    if (!(error instanceof RuntimeConfigError)) throw error;
    deps.stderr(`modelstack: ${error.message}`);
    deps.exit(2);
    return;
  }
  try {
    const server = await startServing({
      model: config.modelDir,
      expectedSha256: config.modelSha256,
      port: config.port,
      host: '0.0.0.0',
      limits: config.limits,
      metrics: true,
      metricsNamespace: config.metricsNamespace,
      logPayloads: config.logPayloads,
      dynamicBatching: config.dynamicBatching,
      announce: deps.stdout,
      log: deps.stderr,
      ...(config.workers === undefined ? {} : { workers: config.workers }),
      ...(config.capture === undefined ? {} : { capture: config.capture }),
    });
    // A pool worker: the primary handles the signals.
    if (server === undefined) return;
    handleShutdownSignals(server, { announce: deps.stderr, exit: deps.exit });
  } catch (error) {
    deps.stderr(`modelstack: cannot serve the model in ${config.modelDir} (${CONTAINER_ENV.modelDir}): ${error instanceof Error ? error.message : String(error)}`);
    deps.exit(1);
  }
}

if (require.main === module) {
  void containerMain(process.argv.slice(2), {
    env: process.env,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
    exit: (code) => process.exit(code),
  });
}
