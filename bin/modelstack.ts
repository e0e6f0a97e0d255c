/**
 * The modelstack CLI: `npm run modelstack -- <command>` (`npm start` runs `serve examples/breast-cancer`).
 * Exit codes and the command context are in `cli-contract.ts`: 0 ok, 1 a check or gate failed, 2 usage error,
 * 3 unexpected error.
 *
 * Each command lives in `bin/commands/<name>.ts` and exports a function building its commander `Command` from a
 * {@link CliContext}; it is a thin wrapper over a library module. Add it to {@link COMMANDS}.
 */
import { Command, CommanderError } from 'commander';
import { describeFailure, EXIT_OK, EXIT_USAGE, exitCodeOf, type CliContext } from './cli-contract';
import { compareCommand } from './commands/compare';
import { evaluateCommand } from './commands/evaluate';
import { initCommand } from './commands/init';
import { deployCommand } from './commands/deploy';
import { estimateCommand } from './commands/estimate';
import { reviewCommand } from './commands/review';
import { serveCommand } from './commands/serve';
import { shadowReportCommand } from './commands/shadow-report';
import { verifyCommand } from './commands/verify';

export { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, type CliContext } from './cli-contract';

/** The commands, in help order. */
export const COMMANDS: ReadonlyArray<(context: CliContext) => Command> = [
  initCommand,
  serveCommand,
  evaluateCommand,
  compareCommand,
  estimateCommand,
  reviewCommand,
  deployCommand,
  verifyCommand,
  shadowReportCommand,
];

export function buildProgram(context: CliContext, commands: ReadonlyArray<(context: CliContext) => Command> = COMMANDS): Command {
  const program = new Command('modelstack')
    .description('Serve an ONNX model with the same HTTP contract locally, in Lambda and in SageMaker')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout(text.replace(/\n$/, '')),
      writeErr: (text) => context.stderr(text.replace(/\n$/, '')),
    })
    .exitOverride();
  for (const make of commands) {
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

/**
 * Runs the CLI. Resolves with the exit code once the command's action has finished (a server keeps running
 * after that; its shutdown sets its own exit code).
 */
export async function main(
  argv: readonly string[],
  context: CliContext,
  commands: ReadonlyArray<(context: CliContext) => Command> = COMMANDS,
): Promise<number> {
  const program = buildProgram(context, commands);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message. Help and version requested explicitly are not errors.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_OK;
      return EXIT_USAGE;
    }
    for (const line of describeFailure(error)) context.stderr(line);
    return exitCodeOf(error);
  }
}

if (require.main === module) {
  const context: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    interactive: process.stderr.isTTY === true,
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
  void main(process.argv.slice(2), context).then((code) => {
    if (code !== EXIT_OK) process.exit(code);
  });
}
