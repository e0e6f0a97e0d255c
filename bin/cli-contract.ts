/**
 * The CLI's contract with its callers: what a command may use of the outside world, and what its exit code means.
 *
 * | exit | meaning |
 * | ---- | ------- |
 * | 0 | success |
 * | 1 | a check or gate failed: invalid input (config, manifest, model, data), an evaluation below its thresholds, an estimate over budget, a port in use; the message says what and how to fix it |
 * | 2 | usage error: unknown command or option, bad option value |
 * | 3 | unexpected error: a bug or an environment modelstack does not know; the message and a stack trace are printed |
 *
 * The exit code is part of the error's type: every error modelstack throws on purpose extends
 * {@link ModelstackError} (most through {@link CheckFailure}), and anything else is unexpected. A command that runs
 * a tool on the user's behalf and reports its verdict (`modelstack deploy` running `cdk deploy`) exits with that
 * tool's exit code ({@link ChildProcessExitError}).
 */
import { CheckFailure, EXIT_CHECK_FAILED, EXIT_UNEXPECTED, ModelstackError } from '../lambda/core/modelstack-error';

export { CheckFailure, EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, ModelstackError } from '../lambda/core/modelstack-error';

/** What a command may use of the outside world; tests pass their own to run commands in process. */
export interface CliContext {
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** The environment variables. */
  readonly env: NodeJS.ProcessEnv;
  /** Writes one line to standard output. */
  readonly stdout: (line: string) => void;
  /** Writes one line to standard error. */
  readonly stderr: (line: string) => void;
  /**
   * Whether standard error is an interactive terminal: long work then shows a progress bar that redraws itself;
   * otherwise it prints plain progress lines.
   */
  readonly interactive: boolean;
}

/** Thrown by a command whose check or gate failed (exit 1); the message says what failed. */
export class CheckFailedError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

/**
 * A child process the command ran on the user's behalf (e.g. `cdk deploy`) exited with `exitCode`: the command
 * exits with that code, so callers see the tool's own verdict.
 */
export class ChildProcessExitError extends ModelstackError {
  constructor(
    readonly command: string,
    public readonly exitCode: number,
  ) {
    super(`${command} exited with code ${exitCode}`);
    this.name = 'ChildProcessExitError';
  }
}

/** System errors that describe the user's environment (a missing file, a port in use), not a bug. */
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EADDRINUSE', 'EADDRNOTAVAIL']);

/** The exit code of a command that threw `error`: its own for a {@link ModelstackError}, 3 for anything unexpected. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ModelstackError) return error.exitCode;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ENVIRONMENT_CODES.has(code)) return EXIT_CHECK_FAILED;
  return EXIT_UNEXPECTED;
}

/** The lines printed for a command that threw `error`: its message; for an unexpected error also the stack. */
export function describeFailure(error: unknown): string[] {
  if (!(error instanceof Error)) return [`modelstack: unexpected error: ${String(error)}`];
  const errno = error as NodeJS.ErrnoException & { address?: string; port?: number };
  const code = errno.code;
  if (code === 'EADDRINUSE') {
    const where = errno.port === undefined ? '' : ` on ${errno.address ?? ''}:${errno.port}`;
    return [`modelstack: error: cannot listen${where}: the port is in use; choose another with --port <n> or the PORT environment variable (0 picks a free one)`];
  }
  if (code === 'EACCES' && errno.syscall === 'listen') {
    return [`modelstack: error: cannot listen: ${error.message}; ports below 1024 need privileges: choose another with --port <n> or PORT`];
  }
  if (code === 'EADDRNOTAVAIL') return [`modelstack: error: cannot listen: ${error.message}; check --host`];
  if ((code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') && errno.path !== undefined) {
    const reason = code === 'EISDIR' ? 'is a directory, not a file' : 'does not exist';
    return [`modelstack: error: ${errno.path} ${reason}`];
  }
  if (exitCodeOf(error) !== EXIT_UNEXPECTED) return [`modelstack: error: ${error.message}`];
  return [`modelstack: unexpected error (a bug: please report it with this output): ${error.message}`, ...(error.stack ?? '').split('\n').slice(1)];
}
