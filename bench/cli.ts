/** Command-line options of `npm run bench` (pure; unit-tested in `test/bench/cli.test.ts`). */

export const BENCHMARK_NAMES = ['overhead', 'capture', 'binary-tensors', 'cold-start', 'serve-start', 'throughput', 'batch'] as const;
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

export interface BenchOptions {
  /** Short smoke run (~30 s) instead of the full run (~2-3 min). */
  readonly quick: boolean;
  /** Benchmarks to run, in order. */
  readonly only: readonly BenchmarkName[];
  /**
   * The Node.js binary the start benchmarks (cold-start, serve-start) run their children with, e.g. the Lambda
   * runtime's major version; their bare-start baseline runs on it too. Undefined: the one running the bench.
   */
  readonly node?: string;
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only ${BENCHMARK_NAMES.join('|')}[,...]]

  --quick        short smoke run (~30 s); figures are indicative only
  --only NAMES   run only these benchmarks (comma-separated, or repeat the flag)
  --node PATH    Node.js binary of cold-start's and serve-start's children and their bare baseline (e.g. the
                 Lambda runtime's major version); default: the one running the bench
  --help         this text

Results: bench/results/<name>.json, bench/results/summary.json, bench/results/summary.md`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = 'UsageError';
  }
}

function isBenchmarkName(value: string): value is BenchmarkName {
  return (BENCHMARK_NAMES as readonly string[]).includes(value);
}

/** Parses `process.argv.slice(2)`; throws {@link UsageError} naming the bad argument. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let help = false;
  let node: string | undefined;
  const only: BenchmarkName[] = [];
  const addOnly = (value: string | undefined) => {
    if (value === undefined || value === '') throw new UsageError('--only needs a benchmark name');
    for (const name of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!isBenchmarkName(name)) {
        throw new UsageError(`unknown benchmark "${name}" (expected one of ${BENCHMARK_NAMES.join(', ')})`);
      }
      if (!only.includes(name)) only.push(name);
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--only') addOnly(argv[++i]);
    else if (arg.startsWith('--only=')) addOnly(arg.slice('--only='.length));
    else if (arg === '--node' || arg.startsWith('--node=')) {
      node = arg === '--node' ? argv[++i] : arg.slice('--node='.length);
      if (node === undefined || node === '') throw new UsageError('--node needs the path of a Node.js binary');
    }
    else throw new UsageError(`unknown argument "${arg}"`);
  }
  // Always run in the canonical order, whatever order the names were given in.
  const selected = only.length === 0 ? [...BENCHMARK_NAMES] : BENCHMARK_NAMES.filter((name) => only.includes(name));
  return { quick, only: selected, help, ...(node === undefined ? {} : { node }) };
}
