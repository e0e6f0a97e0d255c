/**
 * V8's compile cache for the CLI, turned on before anything else loads (`modelstack.ts` imports this module first):
 * from the second start on, Node.js reads the compiled code of the CLI and of its packages (zod, commander,
 * Powertools...) instead of compiling it again, which is the largest single cost of a `modelstack serve` start. Measured
 * with Node.js 24 (docs/performance.md): first prediction 475 -> 377 ms (medians, loaded machine). The workers of
 * `serve --workers N` run the same entry, so they share it.
 *
 * `module.enableCompileCache` exists from Node.js 22.1 (TypeScript's own `tsc` calls it the same way); on older
 * versions nothing happens. The cache lives where Node.js puts it by default (`node-compile-cache` in the OS
 * temporary directory); `NODE_COMPILE_CACHE=<dir>` moves it and `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 */
import * as nodeModule from 'node:module';

/** The part of `node:module` used here, absent before Node.js 22.1. */
export interface CompileCacheApi {
  readonly enableCompileCache?: () => unknown;
}

/** Turns V8's compile cache on when the Node.js version has it; returns whether it could be asked to. */
export function enableCompileCache(api: CompileCacheApi = nodeModule as CompileCacheApi): boolean {
  if (typeof api.enableCompileCache !== 'function') return false;
  try {
    api.enableCompileCache();
  } catch {
    // A cache that cannot be set up (a read-only temporary directory) only costs the compile it would have saved.
  }
  return true;
}

enableCompileCache();
