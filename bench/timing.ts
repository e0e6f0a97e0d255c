/**
 * In-process micro-benchmark harness: several variants measured call by call, interleaved in rounds so that
 * machine noise (other processes, CPU frequency, GC) hits every variant alike.
 */
import { rotate } from './stats';

export interface Variant {
  readonly name: string;
  /** `async` variants are awaited inside the timed region; `sync` ones are not awaited at all. */
  readonly kind: 'sync' | 'async';
  readonly fn: () => unknown;
}

export interface InterleaveOptions {
  /** Rounds; in each, every variant runs `callsPerRound` times back to back, in an order rotated per round. */
  readonly rounds: number;
  readonly callsPerRound: number;
  /** Untimed calls per variant before the first round (JIT, caches, onnxruntime thread pools). */
  readonly warmupCalls: number;
  /** Hard cap on the measuring time; rounds stop early (keeping what was measured) when it is exceeded. */
  readonly maxSeconds: number;
}

export interface InterleaveResult {
  /** Per-call durations in nanoseconds, per variant name. */
  readonly samples: Record<string, number[]>;
  readonly roundsRun: number;
}

/** Results go here so no call can be optimised away. */
let sink: unknown;
/** Read by nobody; exported only so the sink is observable and cannot be dead-code eliminated. */
export function lastSink(): unknown {
  return sink;
}

async function callOnce(variant: Variant): Promise<number> {
  if (variant.kind === 'sync') {
    const t0 = process.hrtime.bigint();
    sink = variant.fn();
    const t1 = process.hrtime.bigint();
    return Number(t1 - t0);
  }
  const t0 = process.hrtime.bigint();
  sink = await variant.fn();
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs the variants interleaved; see {@link InterleaveOptions}. */
export async function interleave(variants: readonly Variant[], options: InterleaveOptions): Promise<InterleaveResult> {
  const samples: Record<string, number[]> = {};
  for (const v of variants) samples[v.name] = [];
  for (let i = 0; i < options.warmupCalls; i++) {
    for (const v of variants) await callOnce(v);
  }
  const deadline = process.hrtime.bigint() + BigInt(Math.round(options.maxSeconds * 1e9));
  let roundsRun = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const v of rotate(variants, round)) {
      const out = samples[v.name];
      for (let i = 0; i < options.callsPerRound; i++) out.push(await callOnce(v));
    }
    roundsRun++;
    await yieldToEventLoop();
    if (process.hrtime.bigint() > deadline) break;
  }
  return { samples, roundsRun };
}
