/**
 * N server workers sharing one port (`node:cluster`), each a whole local server (`local-server.ts`) with its own
 * onnxruntime session: `modelstack serve` and the SageMaker container use every CPU this way, where one event loop
 * would use one. The primary loads no model and answers no request; it forks the workers, waits until each has
 * loaded its model and listens, and supervises them:
 *
 * - Connections go only to workers that listen, and a worker listens only once its model is loaded: a worker that
 *   is starting (or being replaced) takes no request, so nothing answers 503 for it.
 * - Metrics: each worker records and flushes (EMF) the requests it answered, and only those; the primary emits none.
 * - A worker that dies is logged and replaced. A replacement that cannot start is retried with a growing delay
 *   (1 s, doubling, at most 30 s). A worker that fails before the pool has started fails the start: its error
 *   (the model does not load, the port is taken) is the pool's.
 * - {@link RunningPool.close} drains every worker: each closes its server gracefully (in-flight requests finish,
 *   idle keep-alive connections close) and exits; the pool is closed when all have exited. Workers ignore
 *   SIGINT/SIGTERM themselves (Ctrl-C reaches the whole process group) and close when the primary says so or
 *   when the primary is gone.
 *
 * Workers run the primary's own entry point again (cluster's default), so an entry point calls
 * `startServing` (`serving.ts`) in both roles and the worker path reaches {@link runPoolWorker}.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { CloseResult, RunningServer } from './local-server';
import { EXIT_CHECK_FAILED, EXIT_UNEXPECTED, ModelstackError } from '../core/modelstack-error';
import { flagGiven, SERVING_V8_FLAGS } from './serving-heap';

/** What a worker tells the primary about its start (JSON over the IPC channel). */
interface FailureDescription {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** The error explains itself (bad model, bad config, a port in use): not a bug. */
  readonly expected: boolean;
}

type WorkerMessage =
  | { readonly modelstack: 'listening'; readonly url: string; readonly port: number; readonly name: string; readonly version: string }
  | { readonly modelstack: 'failed'; readonly error: FailureDescription };

interface ShutdownMessage {
  readonly modelstack: 'shutdown';
  readonly timeoutMs?: number;
}

/** A worker could not start: carries the worker's own error message and code. */
export class WorkerStartError extends ModelstackError {
  /** 1 when the worker's error explains itself, 3 (a bug) otherwise. */
  public readonly exitCode: number;
  /** The worker's error code (e.g. `EADDRINUSE`), when it had one. */
  readonly code: string | undefined;
  /** The worker's error explains itself (bad model or configuration, port in use), as opposed to a bug. */
  readonly expected: boolean;

  constructor(description: FailureDescription) {
    super(description.message);
    this.name = 'WorkerStartError';
    this.code = description.code;
    this.expected = description.expected;
    this.exitCode = description.expected ? EXIT_CHECK_FAILED : EXIT_UNEXPECTED;
  }
}

/**
 * Errors of a worker's start that are the user's to fix, not bugs, by name: importing their classes would load
 * zod, the AWS SDK and onnxruntime into the primary, which needs none of them.
 */
const EXPECTED_ERRORS: ReadonlySet<string> = new Set([
  'ManifestError',
  'ModelMismatchError',
  'ModelLoadError',
  'ModelIntegrityError',
  'ModelSourceError',
  'RuntimeConfigError',
]);
const EXPECTED_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EADDRINUSE', 'EADDRNOTAVAIL']);

function describeError(error: unknown): FailureDescription {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), expected: false };
  const code = (error as NodeJS.ErrnoException).code;
  const expected = EXPECTED_ERRORS.has(error.name) || (typeof code === 'string' && EXPECTED_CODES.has(code));
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}), expected };
}

function isWorkerMessage(message: unknown): message is WorkerMessage {
  return typeof message === 'object' && message !== null && 'modelstack' in message;
}

function ignoreSignal(): void {
  // The primary decides when a worker stops.
}

/** The first delay before restarting a replacement that failed to start, and the longest. */
const RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** How long past the drain timeout the primary waits for a worker to exit before killing it. */
const EXIT_GRACE_MS = 5000;

/** Whether this process is a worker of a pool (forked by {@link startPool}). */
export function isPoolWorker(): boolean {
  return cluster.isWorker;
}

/**
 * The worker's side: starts its server, reports to the primary, and closes it when the primary asks (or is gone).
 * On a failed start it reports the error and exits 1.
 */
export async function runPoolWorker(start: () => Promise<RunningServer>): Promise<void> {
  process.on('SIGINT', ignoreSignal);
  process.on('SIGTERM', ignoreSignal);
  // Listening before the model is loaded: a shutdown asked for meanwhile is honoured as soon as it is.
  let server: RunningServer | undefined;
  let shutdownAsked: { timeoutMs?: number } | undefined;
  let closing = false;
  const shutdown = (): void => {
    if (closing || server === undefined || shutdownAsked === undefined) return;
    closing = true;
    server.close(shutdownAsked).then(
      ({ forced }) => process.exit(forced ? 1 : 0),
      () => process.exit(1),
    );
  };
  process.on('message', (message: ShutdownMessage) => {
    if (message.modelstack !== 'shutdown') return;
    shutdownAsked ??= message.timeoutMs === undefined ? {} : { timeoutMs: message.timeoutMs };
    shutdown();
  });
  process.on('disconnect', () => {
    shutdownAsked ??= {};
    if (server === undefined) process.exit(1);
    shutdown();
  });
  try {
    server = await start();
  } catch (error) {
    const failed: WorkerMessage = { modelstack: 'failed', error: describeError(error) };
    process.send?.(failed, undefined, {}, () => process.exit(1));
    return;
  }
  const { name, version } = server.model.manifest;
  const listening: WorkerMessage = { modelstack: 'listening', url: server.url, port: server.port, name, version };
  process.send?.(listening);
  shutdown();
}

/** Options of {@link startPool}. */
export interface PoolOptions {
  /** Number of workers, at least 2 (one worker is a plain server). */
  readonly workers: number;
  /** Receives worker events: a worker died and is replaced, a replacement failed. @default console.error */
  readonly log?: (line: string) => void;
  /** Default drain time of {@link RunningPool.close}, passed to each worker. @default - the workers' own (10 s) */
  readonly shutdownTimeoutMs?: number;
}

/** A running pool of workers. */
export interface RunningPool {
  /** `http://host:port`, the port all workers share. */
  readonly url: string;
  readonly port: number;
  /** The served model's name and version, as the workers report them. */
  readonly name: string;
  readonly version: string;
  readonly workers: number;
  /** Process ids of the workers alive now. */
  pids(): number[];
  /** Drains and stops every worker; idempotent. `forced` when a worker had to cut requests or be killed. */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
}

/** The workers' Node.js flags: this process's, plus {@link SERVING_V8_FLAGS} unless a semi-space size is set already. */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  return flagGiven('--max-semi-space-size', execArgv, nodeOptions) ? [...execArgv] : [...execArgv, ...SERVING_V8_FLAGS];
}

/** The primary's side: forks the workers, resolves once all listen, and supervises them until closed. */
export async function startPool(options: PoolOptions): Promise<RunningPool> {
  const log = options.log ?? console.error;
  const live = new Map<number, Worker>();
  const ready = new Set<number>();
  const failures = new Map<number, FailureDescription>();
  let first: Extract<WorkerMessage, { modelstack: 'listening' }> | undefined;
  let started = false;
  let closing = false;
  let restartDelay = RESTART_DELAY_MS;
  let forcedExit = false;
  let onAllExited: (() => void) | undefined;
  let startup!: { resolve: () => void; reject: (error: Error) => void };
  const startupDone = new Promise<void>((resolve, reject) => (startup = { resolve, reject }));

  cluster.setupPrimary({ execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS) });
  const fork = (): void => {
    if (closing) return;
    const worker = cluster.fork();
    const pid = worker.process.pid;
    live.set(worker.id, worker);
    // Any other failure to signal or message a worker is logged, never an unhandled 'error' that ends the primary.
    worker.on('error', (error: Error) => log(`modelstack: worker ${worker.id} (pid ${pid}): ${error.message}`));
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.modelstack === 'failed') {
        failures.set(worker.id, message.error);
        return;
      }
      ready.add(worker.id);
      first ??= message;
      if (started) {
        restartDelay = RESTART_DELAY_MS;
        log(`modelstack: worker ${worker.id} (pid ${pid}) is serving`);
      } else if (ready.size === options.workers) {
        startup.resolve();
      }
    });
    worker.on('exit', (code: number | null, signal: string | null) => {
      live.delete(worker.id);
      const wasReady = ready.delete(worker.id);
      const failure = failures.get(worker.id);
      failures.delete(worker.id);
      if (closing) {
        if (code !== 0) forcedExit = true;
        if (live.size === 0) onAllExited?.();
        return;
      }
      const how = signal === null ? `code ${code}` : `signal ${signal}`;
      if (!started) {
        startup.reject(new WorkerStartError(failure ?? { name: 'Error', message: `worker ${worker.id} (pid ${pid}) exited with ${how} before it listened`, expected: false }));
        return;
      }
      if (wasReady) {
        log(`modelstack: worker ${worker.id} (pid ${pid}) exited with ${how}; starting a replacement`);
        fork();
        return;
      }
      const cause = failure === undefined ? how : failure.message;
      log(`modelstack: replacement worker ${worker.id} (pid ${pid}) failed to start (${cause}); retrying in ${restartDelay} ms`);
      // Not unref'd: while no worker listens, this timer is what keeps the primary alive.
      setTimeout(fork, restartDelay);
      restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
    });
  };

  let closed: Promise<CloseResult> | undefined;
  const close = (closeOptions: { timeoutMs?: number } = {}): Promise<CloseResult> => {
    closed ??= new Promise<CloseResult>((resolve) => {
      closing = true;
      if (live.size === 0) {
        resolve({ forced: forcedExit });
        return;
      }
      const timeoutMs = closeOptions.timeoutMs ?? options.shutdownTimeoutMs;
      const killer = setTimeout(() => {
        forcedExit = true;
        for (const worker of live.values()) worker.process.kill('SIGKILL');
      }, (timeoutMs ?? 10_000) + EXIT_GRACE_MS);
      onAllExited = () => {
        clearTimeout(killer);
        resolve({ forced: forcedExit });
      };
      const message: ShutdownMessage = timeoutMs === undefined ? { modelstack: 'shutdown' } : { modelstack: 'shutdown', timeoutMs };
      for (const worker of live.values()) {
        // A worker that is exiting (its channel closed, or EPIPE) cannot be told: its 'exit' still ends the close.
        // Without this callback, the failed send would be an 'error' event on the worker, and the primary's crash.
        worker.send(message, undefined, () => undefined);
      }
    });
    return closed;
  };

  for (let i = 0; i < options.workers; i++) fork();
  try {
    await startupDone;
  } catch (error) {
    await close();
    throw error;
  }
  started = true;
  const listening = first as NonNullable<typeof first>;
  return {
    url: listening.url,
    port: listening.port,
    name: listening.name,
    version: listening.version,
    workers: options.workers,
    pids: () => [...live.values()].flatMap((worker) => (worker.process.pid === undefined ? [] : [worker.process.pid])),
    close,
  };
}
