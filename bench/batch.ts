/**
 * Batch scoring throughput: `modelstack batch` (lib/local-batch/score-file.ts: read, parse, prepare, session.run,
 * format, write in order) on 1 to all cores, against the single-thread bare `session.run` rate on the same
 * batches (prepared beforehand, outside the timing). Goal: rows/s at least 0.8 x workers x bare.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkScorer, type RecordChunk } from '../lambda/batch/chunk-scorer';
import { parseCsv } from '../lambda/core/csv';
import { loadModelFromDirectory } from '../lambda/core/model';
import { createPreparer } from '../lambda/core/prepare';
import { DEFAULT_CHUNK_ROWS, scoreFile } from '../lib/local-batch/score-file';
import { formatNumber, formatRatio, goal, type Goal } from './format';
import type { BenchmarkReport } from './report';

export interface BatchBenchOptions {
  readonly quick: boolean;
}

const EXAMPLE = join(__dirname, '..', 'examples', 'breast-cancer');
/** Goal: rows/s at least this share of workers x the bare single-thread rate. */
const MIN_SCALING_SHARE = 0.8;

/** A CSV of `rows` rows (test.csv repeated, with an id column) and the header and records it holds. */
function writeInput(path: string, rows: number): { header: string; records: string[] } {
  const [header, ...data] = readFileSync(join(EXAMPLE, 'test.csv'), 'utf8').trim().split('\n');
  const features = (row: string): string => row.slice(0, row.lastIndexOf(','));
  const records = Array.from({ length: rows }, (_, i) => features(data[i % data.length]));
  const featureHeader = features(header);
  writeFileSync(path, `id,${featureHeader}\n${records.map((r, i) => `c${i + 1},${r}`).join('\n')}\n`);
  return { header: featureHeader, records };
}

/**
 * Rows per second on one thread, in process, over the same chunks: bare session.run (prepared beforehand), and the
 * whole per-row pipeline of a worker (ChunkScorer: parse, prepare, session.run, format) without threads or files.
 */
async function singleThreadRates(header: string, records: readonly string[]): Promise<{ bare: number; pipeline: number }> {
  const model = await loadModelFromDirectory(EXAMPLE);
  const preparer = createPreparer(model.manifest, model.signature);
  const scorer = new ChunkScorer(model, preparer, { format: 'csv', header: `id,${header}`, keep: ['id'] });
  const chunks: RecordChunk[] = [];
  for (let i = 0; i < records.length; i += DEFAULT_CHUNK_ROWS) {
    chunks.push({ records: records.slice(i, i + DEFAULT_CHUNK_ROWS).map((r, k) => `c${i + k + 1},${r}`), lines: [], firstRow: i + 1 });
  }
  await scorer.score(chunks[0]);
  const pipelineStarted = process.hrtime.bigint();
  for (const chunk of chunks) await scorer.score(chunk);
  const pipeline = records.length / (Number(process.hrtime.bigint() - pipelineStarted) / 1e9);
  const batches = [];
  for (let i = 0; i < records.length; i += DEFAULT_CHUNK_ROWS) {
    const chunk = records.slice(i, i + DEFAULT_CHUNK_ROWS);
    batches.push(preparer.prepare(parseCsv(`${header}\n${chunk.join('\n')}\n`, model.manifest), { textCells: true }));
  }
  for (const batch of batches.slice(0, 3)) for (const value of Object.values(await model.run(batch))) value.dispose();
  const started = process.hrtime.bigint();
  for (const batch of batches) for (const value of Object.values(await model.run(batch))) value.dispose();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await model.close();
  return { bare: records.length / seconds, pipeline };
}

export async function runBatch(options: BatchBenchOptions): Promise<BenchmarkReport> {
  const rows = options.quick ? 20_000 : 200_000;
  const dir = mkdtempSync(join(tmpdir(), 'modelstack-bench-batch-'));
  try {
    const input = join(dir, 'input.csv');
    const { header, records } = writeInput(input, rows);
    const { bare, pipeline } = await singleThreadRates(header, records);
    const cores = availableParallelism();
    const results: { workers: number; rowsPerSecond: number; share: number; efficiency: number }[] = [];
    for (let workers = 1; workers <= cores; workers++) {
      const result = await scoreFile({ modelDir: EXAMPLE, input, output: join(dir, `out-${workers}.csv`), workers });
      results.push({ workers, rowsPerSecond: result.rowsPerSecond, share: result.rowsPerSecond / (workers * bare), efficiency: result.rowsPerSecond / (workers * pipeline) });
    }
    const plural = (n: number): string => `${n} worker${n === 1 ? '' : 's'}`;
    const goals: Goal[] = results.flatMap((r) => [
      goal(`batch.workers${r.workers}.share`, `${plural(r.workers)}: rows/s at least ${MIN_SCALING_SHARE} x ${r.workers} x bare session.run`, r.share, '>=', MIN_SCALING_SHARE, 'x'),
      goal(`batch.workers${r.workers}.efficiency`, `${plural(r.workers)}: rows/s at least ${MIN_SCALING_SHARE} x ${r.workers} x the single-thread pipeline`, r.efficiency, '>=', MIN_SCALING_SHARE, 'x'),
    ]);
    return {
      name: 'batch',
      title: 'Batch scoring: modelstack batch vs bare session.run',
      description: `${formatNumber(rows)} rows of the breast-cancer example (CSV, ${DEFAULT_CHUNK_ROWS} rows per chunk) scored end to end by modelstack batch on 1 to ${cores} worker threads, against bare single-thread session.run on the same chunks prepared beforehand.`,
      tables: [
        {
          title: 'Rows per second',
          columns: ['workers', 'rows/s', 'share of workers x bare', 'share of workers x pipeline'],
          rows: [
            ['bare session.run, 1 thread', formatNumber(bare), '', ''],
            ['pipeline (parse..format), 1 thread', formatNumber(pipeline), '', ''],
            ...results.map((r) => [String(r.workers), formatNumber(r.rowsPerSecond), formatRatio(r.share), formatRatio(r.efficiency)]),
          ],
        },
      ],
      goals,
      notes: [
        'A small tabular model runs 1,000 rows in well under a millisecond: bare session.run is far faster than reading CSV text, so the first goal measures text handling, not inference; the second is the parallel efficiency of the workers.',
        'The end-to-end figure includes reading, parsing, preparing, formatting and writing every row; bare session.run excludes all of them.', 'On a machine shared with other work, the load average (reported) caps what more workers can add.',
      ],
      data: { rows, bareRowsPerSecond: bare, results },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
