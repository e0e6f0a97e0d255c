/**
 * The modelstack CLI: `tsx bin/modelstack.ts <command>` (`npm start` runs `serve examples/breast-cancer`).
 *
 * Exit codes: 0 success, 1 runtime failure (e.g. a manifest that does not fit its model: the message is printed,
 * no stack trace), 2 usage error (unknown command or option, bad option value).
 *
 * Each command lives in `bin/commands/<name>.ts` and exports a function building its commander `Command` from a
 * {@link CliContext}; add it to {@link COMMANDS}.
 */
import { Command, CommanderError } from 'commander';
import { serveCommand } from './commands/serve';

/** What a command may use of the outside world (tests pass their own). */
export interface CliContext {
  readonly env: NodeJS.ProcessEnv;
  /** Writes one line to standard output. */
  readonly stdout: (line: string) => void;
  /** Writes one line to standard error. */
  readonly stderr: (line: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** The commands, in help order. */
export const COMMANDS: ReadonlyArray<(context: CliContext) => Command> = [serveCommand];

export function buildProgram(context: CliContext): Command {
  const program = new Command('modelstack')
    .description('Serve an ONNX model with the same HTTP contract locally, in Lambda and in SageMaker')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout(text.replace(/\n$/, '')),
      writeErr: (text) => context.stderr(text.replace(/\n$/, '')),
    })
    .exitOverride();
  for (const make of COMMANDS) {
    const command = make(context);
    command.exitOverride().showHelpAfterError(`(run modelstack ${command.name()} --help for usage)`);
    command.configureOutput({
      writeOut: (text) => context.stdout(text.replace(/\n$/, '')),
      writeErr: (text) => context.stderr(text.replace(/\n$/, '')),
    });
    program.addCommand(command);
  }
  return program;
}

/** The one line printed for a runtime failure: the message (which names the problem), no stack trace. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      return `cannot listen: ${error.message}`;
    }
    return error.message;
  }
  return String(error);
}

/**
 * Runs the CLI. Resolves with the exit code once the command's action has finished (a server keeps running
 * after that; its shutdown sets its own exit code).
 */
export async function main(argv: readonly string[], context: CliContext): Promise<number> {
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message. Help and version requested explicitly are not errors.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    context.stderr(`modelstack: error: ${describeFailure(error)}`);
    return EXIT_FAILURE;
  }
}

if (require.main === module) {
  const context: CliContext = {
    env: process.env,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
  void main(process.argv.slice(2), context).then((code) => {
    if (code !== EXIT_OK) process.exit(code);
  });
}
