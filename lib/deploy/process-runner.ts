/**
 * The process-spawn seam of `modelstack deploy`: the command runs the pinned CDK CLI through a runner, and tests
 * pass a stub so no real synth or deploy is ever started from a test.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** How a runner starts a process. */
export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Runs `command` with `args`, its output on the terminal, and resolves with its exit code. */
export type ProcessRunner = (command: string, args: readonly string[], options: RunOptions) => Promise<number>;

/** The real runner: inherits the terminal (cdk deploy may ask for approval); a signal exits 128 + its number. */
export const spawnProcess: ProcessRunner = (command, args, options) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))));
  });
