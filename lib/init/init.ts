/**
 * `modelstack init`: reads a model (and optionally its training CSV) and writes a model directory the runtime can
 * serve, with a report of what was guessed and what to review.
 *
 * Steps: read the ONNX signature; rewrite a ZipMap; profile the CSV; map inputs to features; probe the score
 * output; decide the task, output and labels; check the manifest against the spec; write.
 */
import type { SpecTask } from './manifest-spec';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { columnNamed, profileCsv, type ColumnProfile, type CsvProfile } from './csv-profile';
import { mapFeatures, probeFeeds, type FeatureMapping } from './feature-mapping';
import { parseManifest } from '../../lambda/core/manifest';
import { writeTrainingProfile } from '../evaluation/profile-file';
import { InitError } from './init-error';
import { probeOutput, type ProbeResult } from './logits-probe';
import { checkManifestSpec, type SpecManifest } from './manifest-spec';
import { assembleManifest, checkIdentity, defaultModelName, DEFAULT_VERSION, serializeManifest, writeModelDir } from './manifest-writer';
import { readOnnxSignature, type OnnxSignature } from './onnx-signature';
import { mapOutput, scoreOutput, type OutputMapping } from './output-mapping';
import { rewriteZipMap, type ZipMapRewrite } from './zipmap-rewrite';

export interface InitOptions {
  /** The ONNX model file. */
  readonly model: string;
  /** The training CSV (header row, then rows). */
  readonly data?: string;
  /**
   * The target column of `data`; several, comma-separated (`Weight,Waist,Pulse`), for a multi-output regression. A
   * name that is itself a column is one target, commas and all.
   */
  readonly target?: string;
  /** Where to write; @default - the model's folder */
  readonly out?: string;
  /** Overwrite an existing `model.json` / `model.onnx`. @default false */
  readonly force?: boolean;
  /** @default - the model's folder name */
  readonly name?: string;
  /** @default 1.0.0 */
  readonly version?: string;
  /**
   * The task, for a model whose output init cannot read alone (an `[N, K]` output without labels).
   * @default none: init refuses to guess and says so
   */
  readonly task?: SpecTask;
}

export interface InitResult {
  readonly options: InitOptions;
  readonly signature: OnnxSignature;
  /** The signature of the model as written (after the ZipMap rewrite). */
  readonly served: OnnxSignature;
  readonly rewritten: readonly ZipMapRewrite[];
  readonly profile: CsvProfile | undefined;
  readonly features: FeatureMapping;
  readonly output: OutputMapping;
  readonly probe: ProbeResult | undefined;
  readonly manifest: SpecManifest;
  readonly outDir: string;
  readonly written: readonly string[];
}

/** A file init reads; a missing or unreadable one is an {@link InitError} naming it. */
async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${(error as Error).message})`;
    throw new InitError(`${what} ${path} ${reason}`);
  }
}

async function readProfile(options: InitOptions): Promise<CsvProfile | undefined> {
  if (options.data === undefined) {
    if (options.target !== undefined) throw new InitError(`--target is "${options.target}" but no --data was given; --target names a column of --data`);
    return undefined;
  }
  const profile = profileCsv((await readInput(options.data, '--data')).toString('utf8'), options.data);
  for (const name of targetNames(options.target, profile)) columnNamed(profile, name, options.data, '--target');
  return profile;
}

/** `--target`'s columns: the one column it names, else its comma-separated names (a multi-output regression). */
export function targetNames(target: string | undefined, profile: CsvProfile | undefined): string[] {
  if (target === undefined) return [];
  if (profile?.header.includes(target) === true || !target.includes(',')) return [target];
  const names = target.split(',').map((n) => n.trim());
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (names.includes('') || repeated !== undefined) {
    throw new InitError(`--target is "${target}": a list of target columns needs distinct, non-empty names separated by commas, e.g. Weight,Waist,Pulse`);
  }
  return names;
}

function describe(signature: OnnxSignature, options: InitOptions, profile: CsvProfile | undefined): string {
  const producer = signature.producer === '' ? '' : ` (${signature.producer})`;
  const data = options.data === undefined || profile === undefined ? '' : ` and ${basename(options.data)} (${profile.rows} rows)`;
  return `Written by modelstack init from ${basename(options.model)}${producer}${data}; review it before serving`;
}

/** Runs `init`; writes the model directory and returns what it read and guessed. */
export async function runInit(options: InitOptions): Promise<InitResult> {
  const name = options.name ?? defaultModelName(options.model);
  const version = options.version ?? DEFAULT_VERSION;
  checkIdentity(name, version);
  const original = new Uint8Array(await readInput(options.model, 'the model'));
  const signature = readOnnxSignature(original, options.model);
  const { bytes, rewritten } = rewriteZipMap(original, options.model);
  const served = rewritten.length === 0 ? signature : readOnnxSignature(bytes, options.model);
  const profile = await readProfile(options);
  const targetColumns = targetNames(options.target, profile);
  const features = mapFeatures(served, profile, targetColumns);
  const scores = scoreOutput(served, rewritten);
  const probe = await probeOutput(bytes, probeFeeds(served, features, profile), scores.name, options.model);
  const targets = profile === undefined ? [] : targetColumns.map((n) => profile.columns.find((c) => c.name === n) as ColumnProfile);
  const output = mapOutput({ signature: served, scores, probe, rewritten, targets, ...(options.task === undefined ? {} : { taskHint: options.task }) });
  const manifest = assembleManifest({ name, version, description: describe(signature, options, profile), features, output });
  const problems = checkManifestSpec(manifest, served);
  if (problems.length > 0) throw new InitError(`the manifest init would write does not fit the model:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const outDir = resolve(options.out ?? dirname(options.model));
  const inPlace = outDir === resolve(dirname(options.model)) && basename(options.model) === 'model.onnx';
  const modelBytes = rewritten.length > 0 || !inPlace ? bytes : undefined;
  const manifestText = serializeManifest(manifest);
  const written = await writeModelDir({ outDir, manifestText, modelBytes, force: options.force === true });
  if (options.data !== undefined) {
    written.push(await writeTrainingProfile(outDir, parseManifest(JSON.parse(manifestText)), resolve(options.data)) as string);
  }
  return { options, signature, served, rewritten, profile, features, output, probe, manifest, outDir, written };
}
