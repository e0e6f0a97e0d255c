/**
 * `npm run bench [-- --quick] [-- --only overhead|cold-start|throughput]`
 *
 * Runs the benchmarks in order, prints each comparison as a table, and writes `bench/results/<name>.json`,
 * `bench/results/summary.json` and `bench/results/summary.md`. Goals are reported as PASS/MISS and never fail the
 * run; only a benchmark that cannot run (throws) makes the exit code non-zero. See bench/README.md.
 */
import { parseArgs, USAGE, UsageError, type BenchmarkName, type BenchOptions } from './cli';
import { formatTable, goalsTable } from './format';
import { cleanupAllSync, installCleanupHooks } from './processes';
import {
  currentLoad,
  describeEnvironment,
  printReport,
  writeReport,
  writeSummary,
  type BenchmarkReport,
  type FailedBenchmark,
  type WrittenReport,
} from './report';

async function runOne(name: BenchmarkName, options: BenchOptions): Promise<BenchmarkReport> {
  switch (name) {
    case 'overhead':
      return (await import('./overhead')).runOverhead(options);
    case 'capture':
      return (await import('./capture')).runCapture(options);
    case 'binary-tensors':
      return (await import('./binary-tensors')).runBinaryTensors(options);
    case 'cold-start':
      return (await import('./cold-start')).runColdStart(options);
    case 'serve-start':
      return (await import('./serve-start')).runServeStart(options);
    case 'throughput':
      return (await import('./throughput')).runThroughput(options);
    case 'batch':
      return (await import('./batch')).runBatch(options);
  }
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  installCleanupHooks();
  const environment = describeEnvironment();
  const started = Date.now();
  process.stdout.write(
    `modelstack bench${options.quick ? ' --quick' : ''}: ${options.only.join(', ')} ` +
      `(node ${environment.node}, ${environment.cpus} CPUs, load ${environment.loadAverage1m})\n`,
  );

  const reports: WrittenReport[] = [];
  const failed: FailedBenchmark[] = [];
  for (const name of options.only) {
    const benchStarted = Date.now();
    const loadBefore = currentLoad();
    process.stdout.write(`\n[${name}] running (load average ${loadBefore})...\n`);
    try {
      const report = await runOne(name, options);
      const written: WrittenReport = {
        ...report,
        startedAt: new Date(benchStarted).toISOString(),
        durationSeconds: (Date.now() - benchStarted) / 1000,
        quick: options.quick,
        environment,
        loadAverage: { before: loadBefore, after: currentLoad() },
      };
      printReport(written);
      const file = writeReport(written);
      process.stdout.write(`[${name}] done in ${written.durationSeconds.toFixed(1)} s -> ${file}\n`);
      reports.push(written);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`\n[${name}] FAILED: ${message}\n`);
      failed.push({ name, error: message });
    } finally {
      // Whatever a benchmark started (children, temp dirs) is gone before the next one measures anything.
      cleanupAllSync();
    }
  }

  const goals = reports.flatMap((r) => r.goals.map((g) => ({ ...g, benchmark: r.name })));
  const files = writeSummary({
    startedAt: new Date(started).toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    quick: options.quick,
    environment,
    goals,
    failed,
    reports,
  });
  process.stdout.write('\n');
  if (goals.length > 0) process.stdout.write(`${formatTable(goalsTable('Goals (reported, not enforced)', goals))}\n`);
  for (const f of failed) process.stdout.write(`FAILED  ${f.name}: ${f.error.split('\n')[0]}\n`);
  process.stdout.write(
    `\nTotal ${((Date.now() - started) / 1000).toFixed(1)} s. Summary: ${files.markdown}, ${files.json}\n`,
  );
  return failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    cleanupAllSync();
    // Exit explicitly: nothing a benchmark loaded (native thread pools, sockets) may keep the run alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    cleanupAllSync();
    process.exit(1);
  },
);
