/**
 * Assembles the manifest `modelstack init` writes and writes the model directory (`model.json`, and `model.onnx`
 * when the model was rewritten or lives elsewhere), refusing to overwrite either without `force`.
 *
 * The output is deterministic: the same model and data give byte-identical files.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MODEL_NAME_PATTERN } from '../../lambda/core/manifest';
import type { FeatureMapping } from './feature-mapping';
import { InitError } from './init-error';
import type { SpecManifest } from './manifest-spec';
import type { OutputMapping } from './output-mapping';

export const DEFAULT_VERSION = '1.0.0';
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** The default model name: the model's folder name in lower case, other characters turned into hyphens. */
export function defaultModelName(modelPath: string): string {
  return basename(dirname(modelPath)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}

/** Checks `--name` and `--version`, naming the option, the value and what is allowed. */
export function checkIdentity(name: string, version: string): void {
  const problems: string[] = [];
  if (!MODEL_NAME_PATTERN.test(name)) {
    problems.push(`--name is ${JSON.stringify(name)}; it must be 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit`);
  }
  if (!SEMVER.test(version)) problems.push(`--version is ${JSON.stringify(version)}; it must be a semantic version such as 1.2.0`);
  if (problems.length > 0) throw new InitError(problems.join('; '));
}

export interface ManifestParts {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly features: FeatureMapping;
  readonly output: OutputMapping;
}

export function assembleManifest({ name, version, description, features, output }: ManifestParts): SpecManifest {
  return {
    schemaVersion: 1,
    name,
    version,
    task: output.task,
    description,
    input: { ...(features.tensor === undefined ? {} : { tensor: features.tensor }), features: features.features },
    output: output.output,
  };
}

/** `model.json` text: two-space JSON and a final newline. */
export function serializeManifest(manifest: SpecManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export interface ModelDirWrite {
  readonly outDir: string;
  readonly manifestText: string;
  /** Bytes to write as `model.onnx`; `undefined` leaves the model where it is (it is already `outDir/model.onnx`). */
  readonly modelBytes: Uint8Array | undefined;
  readonly force: boolean;
}

/**
 * Writes `model.json` (and `model.onnx`) into `outDir`.
 * @throws InitError when either exists and `force` is not set, naming the files
 * @returns the paths written
 */
export async function writeModelDir({ outDir, manifestText, modelBytes, force }: ModelDirWrite): Promise<string[]> {
  const targets = [join(outDir, 'model.json'), ...(modelBytes === undefined ? [] : [join(outDir, 'model.onnx')])];
  const existing = targets.filter((t) => existsSync(t));
  if (existing.length > 0 && !force) {
    throw new InitError(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; pass --force to overwrite, or --out <dir> to write elsewhere`);
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(targets[0], manifestText);
  if (modelBytes !== undefined) await writeFile(targets[1], modelBytes);
  return targets;
}
