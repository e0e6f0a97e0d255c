/**
 * Child processes and temporary directories of a benchmark run, tracked so that every one of them is stopped or
 * removed when the run ends, fails or is interrupted. Every wait here has a timeout: nothing can hang the run.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

/** Kills every tracked child (SIGKILL, by pid) and removes every tracked temp dir. Synchronous: safe in `exit`. */
export function cleanupAllSync(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  tempDirs.clear();
}

/** Installs exit/signal hooks once, so an interrupted or crashed run leaves nothing behind. */
export function installCleanupHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      cleanupAllSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** A fresh directory under the OS temp dir, removed at the end of the run (or earlier by {@link removeTempDir}). */
export function makeTempDir(prefix: string): string {
  installCleanupHooks();
  const dir = mkdtempSync(join(tmpdir(), `modelstack-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Output captured from a child, bounded so a chatty child cannot exhaust memory. */
export class OutputTail {
  private text = '';
  constructor(private readonly maxChars = 16_384) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars) this.text = this.text.slice(this.text.length - this.maxChars);
  }
  toString(): string {
    return this.text;
  }
}

export interface TrackedChild {
  readonly child: ChildProcess;
  /** `process.hrtime.bigint()` just before `spawn` (the same monotonic clock children read). */
  readonly spawnedAt: bigint;
  readonly stderr: OutputTail;
  /** Every stdout line so far (bounded). */
  readonly stdoutLines: string[];
  /** Resolves when the child has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: bigint }>;
  /** Resolves with the first stdout line satisfying `match`, with the time it was read. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<{ line: string; at: bigint }>;
}

const MAX_KEPT_LINES = 2000;

/** Spawns a tracked child with piped stdout/stderr; see {@link TrackedChild}. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): TrackedChild {
  installCleanupHooks();
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const stderr = new OutputTail();
  const stdoutLines: string[] = [];
  const lineListeners = new Set<(line: string, at: bigint) => void>();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => stderr.append(chunk));
  if (child.stdout !== null) {
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const at = process.hrtime.bigint();
      if (stdoutLines.length < MAX_KEPT_LINES) stdoutLines.push(line);
      for (const listener of lineListeners) listener(line, at);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: bigint }>((resolve) => {
    // `at` is when the process exited; the promise resolves once its output has been read too ('close').
    let exit: { code: number | null; signal: NodeJS.Signals | null; at: bigint } | undefined;
    child.once('exit', (code, signal) => {
      exit = { code, signal, at: process.hrtime.bigint() };
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      children.delete(child);
      resolve(exit ?? { code, signal, at: process.hrtime.bigint() });
    });
    child.once('error', (error) => {
      stderr.append(`\n[spawn error] ${error.message}`);
      children.delete(child);
      resolve({ code: null, signal: null, at: process.hrtime.bigint() });
    });
  });

  const waitForLine = (match: (line: string) => boolean, timeoutMs: number, what: string) =>
    new Promise<{ line: string; at: bigint }>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        lineListeners.delete(listener);
        fn();
      };
      const listener = (line: string, at: bigint) => {
        if (match(line)) finish(() => resolve({ line, at }));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describeOutput(stderr, stdoutLines)}`))),
        timeoutMs,
      );
      // Lines already read count too.
      for (const line of stdoutLines) {
        if (match(line)) {
          finish(() => resolve({ line, at: process.hrtime.bigint() }));
          return;
        }
      }
      lineListeners.add(listener);
      void exited.then(({ code, signal }) =>
        // Give readline a tick to deliver the last lines before declaring the line missing.
        setImmediate(() =>
          finish(() =>
            reject(new Error(`child exited (code ${code}, signal ${signal}) before ${what}${describeOutput(stderr, stdoutLines)}`)),
          ),
        ),
      );
    });

  return { child, spawnedAt, stderr, stdoutLines, exited, waitForLine };
}

function describeOutput(stderr: OutputTail, stdoutLines: readonly string[]): string {
  const err = stderr.toString().trim().split('\n').slice(-15).join('\n    ');
  const out = stdoutLines.slice(-10).join('\n    ');
  return `${err === '' ? '' : `\n  stderr:\n    ${err}`}${out === '' ? '' : `\n  stdout:\n    ${out}`}`;
}

/** Waits for exit up to `timeoutMs`; throws (after killing the child) if it does not exit in time. */
export async function waitForExit(tracked: TrackedChild, timeoutMs: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      tracked.child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} to exit${describeOutput(tracked.stderr, tracked.stdoutLines)}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([tracked.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. Resolves once it has exited. */
export async function stopChild(tracked: TrackedChild, graceMs = 2000): Promise<void> {
  const { child } = tracked;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await tracked.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Nanoseconds between two `hrtime.bigint()` readings, in milliseconds. */
export function elapsedMs(from: bigint, to: bigint): number {
  return Number(to - from) / 1e6;
}

/** User + system CPU seconds of `pid` and its descendants (from /proc). */
export function treeCpuSeconds(pid: number): number {
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of rows) if (tree.has(parent) && !tree.has(child)) grew = tree.add(child) !== undefined;
  }
  let total = 0;
  for (const p of tree) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total / ticks;
}
