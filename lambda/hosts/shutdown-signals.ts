/** Graceful shutdown of a running server on SIGTERM / SIGINT, for `modelstack serve` and the SageMaker container. */
import type { CloseResult } from './local-server';

/** What a signal stops: a server or a pool of workers. */
export interface Closable {
  /** Graceful shutdown; `forced` when in-flight requests had to be cut. */
  close(options?: { timeoutMs?: number }): Promise<CloseResult>;
}

/** Options of {@link handleShutdownSignals}. */
export interface ShutdownOptions {
  /** The signals that stop the server. @default ['SIGTERM', 'SIGINT'] */
  readonly signals?: readonly NodeJS.Signals[];
  /** Longest wait for in-flight requests. @default - the server's own drain time */
  readonly timeoutMs?: number;
  /** @default process.exit */
  readonly exit?: (code: number) => void;
  /** Receives "shutting down" lines. @default console.error */
  readonly announce?: (line: string) => void;
}

/**
 * On the first signal: graceful {@link Closable.close}, then exit 0 (1 if requests had to be cut at the
 * timeout). A second signal exits at once with 130. Returns a function removing the handlers.
 */
export function handleShutdownSignals(server: Closable, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const announce = options.announce ?? console.error;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      announce(`modelstack: ${signal} again, exiting now`);
      exit(130);
      return;
    }
    shuttingDown = true;
    announce(`modelstack: ${signal}: finishing in-flight requests, then exiting`);
    server.close({ timeoutMs: options.timeoutMs }).then(
      ({ forced }) => {
        if (forced) announce('modelstack: shutdown timed out; in-flight requests were cut');
        exit(forced ? 1 : 0);
      },
      (error: unknown) => {
        announce(`modelstack: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
