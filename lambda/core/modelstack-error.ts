/**
 * Errors that carry the exit code of a CLI command failing with them, so the code is part of the type: a new
 * error class says what it is by what it extends, and only an error of no such class is "unexpected (a bug)".
 */

/** Success. */
export const EXIT_OK = 0;
/** A check or gate failed: invalid input, an evaluation below its thresholds, an estimate over budget. */
export const EXIT_CHECK_FAILED = 1;
/** Usage error: unknown command or option, bad option value. */
export const EXIT_USAGE = 2;
/** Unexpected error: a bug, or an environment modelstack does not know. */
export const EXIT_UNEXPECTED = 3;

/** An error whose message is a complete explanation for the user, with the exit code it stands for. */
export abstract class ModelstackError extends Error {
  /** The exit code of a CLI command that fails with this error. */
  public abstract readonly exitCode: number;
}

/**
 * A check failed (exit 1): bad input (config, manifest, model, data), a gate not met, a limit exceeded. The
 * message says what failed and how to fix it.
 */
export abstract class CheckFailure extends ModelstackError {
  public readonly exitCode = EXIT_CHECK_FAILED;
}
