#!/usr/bin/env node
/**
 * The modelstack CLI: `npx modelstack <command>` (in this repository `npm run modelstack -- <command>`). Exit codes
 * and the command context are in `cli-contract.ts`: 0 ok, 1 a check or gate failed, 2 usage error, 3 unexpected.
 *
 * Each command lives in `bin/commands/<name>.ts` and exports a function building its commander `Command` from a
 * {@link CliContext}; it is a thin wrapper over a library module. Add it to {@link COMMANDS}: only the command that
 * runs is loaded (start-up time: `serve` loads the runtime, not the CDK).
 */
// First: the compile cache must be on before the CLI's own modules and packages load.
import './compile-cache';
import { Command, CommanderError } from 'commander';
import { describeFailure, EXIT_OK, EXIT_USAGE, exitCodeOf, type CliContext } from './cli-contract';

export { EXIT_CHECK_FAILED, EXIT_OK, EXIT_UNEXPECTED, EXIT_USAGE, type CliContext } from './cli-contract';

/** Builds a command's commander `Command`. */
export type CommandFactory = (context: CliContext) => Command;

/** A command, loaded only when needed: `serve` need not load the CDK, the evaluator or the cost estimator. */
export interface LazyCommand {
  /** The command's name on the command line. */
  readonly name: string;
  /** Loads the command's module and returns its factory. */
  readonly load: () => Promise<CommandFactory>;
}

/** The commands, in help order. */
export const COMMANDS: readonly LazyCommand[] = [
  { name: 'new', load: async () => (await import('./commands/new')).newCommand },
  { name: 'init', load: async () => (await import('./commands/init')).initCommand },
  { name: 'serve', load: async () => (await import('./commands/serve')).serveCommand },
  { name: 'evaluate', load: async () => (await import('./commands/evaluate')).evaluateCommand },
  { name: 'compare', load: async () => (await import('./commands/compare')).compareCommand },
  { name: 'batch', load: async () => (await import('./commands/batch')).batchCommand },
  { name: 'estimate', load: async () => (await import('./commands/estimate')).estimateCommand },
  { name: 'review', load: async () => (await import('./commands/review')).reviewCommand },
  { name: 'deploy', load: async () => (await import('./commands/deploy')).deployCommand },
  { name: 'verify', load: async () => (await import('./commands/verify')).verifyCommand },
  { name: 'label', load: async () => (await import('./commands/label')).labelCommand },
  { name: 'forget', load: async () => (await import('./commands/forget')).forgetCommand },
  { name: 'shadow-report', load: async () => (await import('./commands/shadow-report')).shadowReportCommand },
  { name: 'shadow-baseline', load: async () => (await import('./commands/shadow-baseline')).shadowBaselineCommand },
  { name: 'quality-report', load: async () => (await import('./commands/quality-report')).qualityReportCommand },
  { name: 'gate', load: async () => (await import('./commands/gate')).gateCommand },
  { name: 'versions', load: async () => (await import('./commands/versions')).versionsCommand },
  { name: 'rollback', load: async () => (await import('./commands/rollback')).rollbackCommand },
];

/**
 * The factories `argv` needs: the named command's alone, or all of them when no known command is named (help, an
 * unknown command: the listing names them all).
 */
export async function commandsFor(argv: readonly string[], commands: readonly LazyCommand[] = COMMANDS): Promise<CommandFactory[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  const named = commands.find((command) => command.name === name);
  return named === undefined ? Promise.all(commands.map((command) => command.load())) : [await named.load()];
}

export function buildProgram(context: CliContext, commands: readonly CommandFactory[]): Command {
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
export async function main(argv: readonly string[], context: CliContext, commands?: readonly CommandFactory[]): Promise<number> {
  const program = buildProgram(context, commands ?? (await commandsFor(argv)));
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

/** Runs the CLI on this process's arguments, exiting with its code on failure: the `modelstack` binary. */
export function run(): void {
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

if (require.main === module) run();
