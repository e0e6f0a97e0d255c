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
import { ConfigError } from '../config/load';
import { CsvError } from '../lambda/core/csv';
import { ManifestError } from '../lambda/core/manifest';
import { ModelLoadError, ModelMismatchError } from '../lambda/core/model';
import { ModelIntegrityError, ModelSourceError } from '../lambda/core/model-source';
import { InvalidInputError } from '../lambda/core/invalid-input';
import { RuntimeConfigError } from '../lambda/core/runtime-config';
import { BundleError } from '../lib/bundling/bundle-error';
import { EvaluationError } from '../lib/evaluation/evaluation-error';
import { InitError } from '../lib/init/init-error';
import { CloudAssemblyError } from '../lib/cost/cloud-assembly';
import { EstimateError } from '../lib/cost/estimate';
import { PriceTableError } from '../lib/cost/price-table';
import { DeployError } from '../lib/deploy/deploy';
import { ModelFileError } from '../lib/model-file';
import { PropsValidationError } from '../lib/props-validation';
import { VerifyError } from '../lib/verify/verify-error';

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

/** Errors whose message is a complete explanation for the user: a check failed, not the tool. */
const CHECK_FAILURES: ReadonlyArray<new (...args: never[]) => Error> = [
  CheckFailedError,
  ConfigError,
  ManifestError,
  ModelMismatchError,
  ModelLoadError,
  ModelIntegrityError,
  ModelSourceError,
  ModelFileError,
  InvalidInputError,
  CsvError,
  RuntimeConfigError,
  BundleError,
  InitError,
  PropsValidationError,
  EvaluationError,
  CloudAssemblyError,
  PriceTableError,
  EstimateError,
  DeployError,
  VerifyError,
];

/** System errors that describe the user's environment (a missing file, a port in use), not a bug. */
const ENVIRONMENT_CODES: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EADDRINUSE', 'EADDRNOTAVAIL']);

/** The exit code of a command that threw `error`: 1 for a failed check, 3 for anything unexpected. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ChildProcessExitError) return error.exitCode;
  if (CHECK_FAILURES.some((type) => error instanceof type)) return EXIT_CHECK_FAILED;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ENVIRONMENT_CODES.has(code)) return EXIT_CHECK_FAILED;
  return EXIT_UNEXPECTED;
}

/** The lines printed for a command that threw `error`: its message; for an unexpected error also the stack. */
export function describeFailure(error: unknown): string[] {
  if (!(error instanceof Error)) return [`modelstack: unexpected error: ${String(error)}`];
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return [`modelstack: error: cannot listen: ${error.message}`];
  }
  if (error instanceof ChildProcessExitError || exitCodeOf(error) === EXIT_CHECK_FAILED) return [`modelstack: error: ${error.message}`];
  return [`modelstack: unexpected error (a bug: please report it with this output): ${error.message}`, ...(error.stack ?? '').split('\n').slice(1)];
}
