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
 * A command that runs a tool on the user's behalf and reports its verdict (`modelstack deploy` running `cdk deploy`)
 * exits with that tool's exit code ({@link ChildProcessExitError}).
 */
import type { ConfigError } from '../config/load';
import type { CsvError } from '../lambda/core/csv';
import type { ManifestError } from '../lambda/core/manifest';
import type { ModelLoadError, ModelMismatchError } from '../lambda/core/model';
import type { ModelIntegrityError, ModelSourceError } from '../lambda/core/model-source';
import type { InvalidInputError } from '../lambda/core/invalid-input';
import type { RuntimeConfigError } from '../lambda/core/runtime-config';
import type { BundleError } from '../lib/bundling/bundle-error';
import type { EvaluationError } from '../lib/evaluation/evaluation-error';
import type { InitError } from '../lib/init/init-error';
import type { CloudAssemblyError } from '../lib/cost/cloud-assembly';
import type { EstimateError } from '../lib/cost/estimate';
import type { PriceTableError } from '../lib/cost/price-table';
import type { DeployError } from '../lib/deploy/deploy';
import type { ModelFileError } from '../lib/model-file';
import type { PropsValidationError } from '../lib/props-validation';
import type { VerifyError } from '../lib/verify/verify-error';
import { WorkerStartError } from '../lambda/hosts/worker-pool';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNEXPECTED = 3;

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
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

/**
 * A child process the command ran on the user's behalf (e.g. `cdk deploy`) exited with `exitCode`: the command
 * exits with that code, so callers see the tool's own verdict.
 */
export class ChildProcessExitError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number,
  ) {
    super(`${command} exited with code ${exitCode}`);
    this.name = 'ChildProcessExitError';
  }
}

/**
 * Errors whose message is a complete explanation for the user: a check failed, not the tool. Loaded on the first
 * failure, not at start-up: their modules hold the CDK, cost, deploy and evaluation code that `serve` never needs.
 */
function checkFailures(): ReadonlyArray<new (...args: never[]) => Error> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return [
    CheckFailedError,
    (require('../config/load') as { ConfigError: typeof ConfigError }).ConfigError,
    (require('../lambda/core/csv') as { CsvError: typeof CsvError }).CsvError,
    (require('../lambda/core/manifest') as { ManifestError: typeof ManifestError }).ManifestError,
    (require('../lambda/core/model') as { ModelLoadError: typeof ModelLoadError }).ModelLoadError,
    (require('../lambda/core/model') as { ModelMismatchError: typeof ModelMismatchError }).ModelMismatchError,
    (require('../lambda/core/model-source') as { ModelIntegrityError: typeof ModelIntegrityError }).ModelIntegrityError,
    (require('../lambda/core/model-source') as { ModelSourceError: typeof ModelSourceError }).ModelSourceError,
    (require('../lambda/core/invalid-input') as { InvalidInputError: typeof InvalidInputError }).InvalidInputError,
    (require('../lambda/core/runtime-config') as { RuntimeConfigError: typeof RuntimeConfigError }).RuntimeConfigError,
    (require('../lib/bundling/bundle-error') as { BundleError: typeof BundleError }).BundleError,
    (require('../lib/evaluation/evaluation-error') as { EvaluationError: typeof EvaluationError }).EvaluationError,
    (require('../lib/init/init-error') as { InitError: typeof InitError }).InitError,
    (require('../lib/cost/cloud-assembly') as { CloudAssemblyError: typeof CloudAssemblyError }).CloudAssemblyError,
    (require('../lib/cost/estimate') as { EstimateError: typeof EstimateError }).EstimateError,
    (require('../lib/cost/price-table') as { PriceTableError: typeof PriceTableError }).PriceTableError,
    (require('../lib/deploy/deploy') as { DeployError: typeof DeployError }).DeployError,
    (require('../lib/model-file') as { ModelFileError: typeof ModelFileError }).ModelFileError,
    (require('../lib/props-validation') as { PropsValidationError: typeof PropsValidationError }).PropsValidationError,
    (require('../lib/verify/verify-error') as { VerifyError: typeof VerifyError }).VerifyError,
  ];
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** System errors that describe the user's environment (a missing file, a port in use), not a bug. */
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EADDRINUSE', 'EADDRNOTAVAIL']);

/** The exit code of a command that threw `error`: 1 for a failed check, 3 for anything unexpected. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ChildProcessExitError) return error.exitCode;
  // A server worker's own error, classified in the worker (where its class was known).
  if (error instanceof WorkerStartError) return error.expected ? EXIT_CHECK_FAILED : EXIT_UNEXPECTED;
  if (checkFailures().some((type) => error instanceof type)) return EXIT_CHECK_FAILED;
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
  if (error instanceof ChildProcessExitError || exitCodeOf(error) === EXIT_CHECK_FAILED) return [`modelstack: error: ${error.message}`];
  return [`modelstack: unexpected error (a bug: please report it with this output): ${error.message}`, ...(error.stack ?? '').split('\n').slice(1)];
}
