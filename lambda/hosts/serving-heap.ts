/**
 * V8 heap settings of a serving process (`modelstack serve`, its workers, the SageMaker container): the memory a
 * server holds after load, against the CPU it spends collecting garbage. Measured under load with batch-1 and
 * batch-64 bodies at 32 connections (docs/performance.md, "Memory"):
 *
 * - **Young generation: 4 MiB per semi-space.** V8 lets it grow to 16 MiB under load (about 25 MiB more RSS for no
 *   more requests per second). At 2 MiB, the parsed bodies of 32 batch-64 requests in flight outgrow it: scavenges
 *   promote them to the old generation, which then grows and needs full collections (more CPU per request and more
 *   RSS). It can only be set when the process starts: {@link SERVING_V8_FLAGS} are on the command line of `npm start`
 *   and of the container's ENTRYPOINT, and on every pool worker's (`worker-pool.ts`).
 * - **Old generation grows by 30% of what survives a full collection** before the next one, where V8 otherwise lets
 *   it grow up to 4x when collections are cheap, as they are for a server whose garbage dies young: about 20 MiB
 *   less RSS after batch-64 load, at no measurable cost in requests per second. V8 reads it at every collection, so
 *   it is set at run time ({@link applyServingHeapSettings}), and every host that starts here gets it.
 */
import { setFlagsFromString } from 'node:v8';

/** The young generation's semi-space size (MiB) of a serving process. */
export const SERVING_SEMI_SPACE_MIB = 4;

/** How much (%) the old generation may grow past what survived the last full collection before the next one. */
export const SERVING_HEAP_GROWING_PERCENT = 30;

/** The V8 flags a serving process is started with (they cannot be changed once it runs). */
export const SERVING_V8_FLAGS: readonly string[] = [`--max-semi-space-size=${SERVING_SEMI_SPACE_MIB}`];

const GROWING_FLAG = '--heap-growing-percent';

/** Whether `flag` (e.g. `--max-semi-space-size`) is among the Node.js flags or `NODE_OPTIONS` given. */
export function flagGiven(flag: string, execArgv: readonly string[], nodeOptions = ''): boolean {
  const pattern = new RegExp(`^${flag.replace(/[-_]/g, '[-_]')}(=|$)`);
  return [...execArgv, ...nodeOptions.split(/\s+/)].some((given) => pattern.test(given));
}

/**
 * Sets the old generation's growth of this process to {@link SERVING_HEAP_GROWING_PERCENT}, unless the process was
 * started with a growth of its own (`--heap-growing-percent`). Returns whether it did.
 */
export function applyServingHeapSettings(
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (flagGiven(GROWING_FLAG, execArgv)) return false;
  setFlags(`${GROWING_FLAG}=${SERVING_HEAP_GROWING_PERCENT}`);
  return true;
}
