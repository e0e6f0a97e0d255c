/**
 * Benchmark inputs built from the example models' `test.csv` rows. The parsing helpers are pure (unit-tested in
 * `test/bench/fixtures.test.ts`); {@link loadExample} reads the files.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root (this file lives in `bench/`). */
export const REPO_ROOT = resolve(__dirname, '..');

export type Instance = Record<string, number>;

/**
 * Rows of a simple numeric CSV (header row, comma-separated, no quoting: what `examples/train.py` writes) as
 * objects keyed by header, keeping only `columns`, in that order. Throws on a ragged row, a quoted cell or a
 * non-numeric value in a kept column.
 */
export function instancesFromCsv(text: string, columns: readonly string[]): Instance[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error('CSV is empty');
  const header = lines[0].split(',').map((h) => h.trim());
  const indexes = columns.map((column) => {
    const index = header.indexOf(column);
    if (index < 0) throw new Error(`CSV has no column "${column}" (header: ${header.join(', ')})`);
    return index;
  });
  return lines.slice(1).map((line, row) => {
    if (line.includes('"')) throw new Error(`CSV row ${row + 1}: quoted cells are not supported here`);
    const cells = line.split(',');
    if (cells.length !== header.length) {
      throw new Error(`CSV row ${row + 1}: ${cells.length} cells, header has ${header.length}`);
    }
    const instance: Instance = {};
    columns.forEach((column, i) => {
      const cell = cells[indexes[i]].trim();
      const value = Number(cell);
      if (cell === '' || !Number.isFinite(value)) throw new Error(`CSV row ${row + 1}, ${column}: "${cell}" is not a number`);
      instance[column] = value;
    });
    return instance;
  });
}

/** The first `size` instances, cycling through `instances` if there are fewer. */
export function batchOf<T>(instances: readonly T[], size: number): T[] {
  if (instances.length === 0) throw new Error('no instances to build a batch from');
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  return Array.from({ length: size }, (_, i) => instances[i % instances.length]);
}

/** The JSON request body of `POST /invocations` for these instances. */
export function invocationBody(instances: readonly Instance[]): string {
  return JSON.stringify({ instances });
}

export interface Example {
  readonly name: string;
  readonly dir: string;
  readonly modelPath: string;
  readonly manifestPath: string;
  readonly modelBytes: Buffer;
  /** `model.json`, parsed but not validated (the runtime validates it). */
  readonly manifestJson: { input: { features: Array<{ name: string }> } } & Record<string, unknown>;
  readonly featureNames: readonly string[];
  /** `test.csv` rows keyed by feature name (the target column dropped). */
  readonly instances: readonly Instance[];
}

/** Reads `examples/<name>/`. */
export function loadExample(name: string): Example {
  const dir = join(REPO_ROOT, 'examples', name);
  const modelPath = join(dir, 'model.onnx');
  const manifestPath = join(dir, 'model.json');
  const manifestJson = JSON.parse(readFileSync(manifestPath, 'utf8')) as Example['manifestJson'];
  const featureNames = manifestJson.input.features.map((f) => f.name);
  const instances = instancesFromCsv(readFileSync(join(dir, 'test.csv'), 'utf8'), featureNames);
  return { name, dir, modelPath, manifestPath, modelBytes: readFileSync(modelPath), manifestJson, featureNames, instances };
}
