/**
 * Reads a synthesized cloud assembly (`cdk.out`) without the CDK toolkit: `manifest.json` lists the stacks, each
 * with its template file, its environment (`aws://account/region`) and an assets manifest; the modelstack tags
 * on the resources say which environment and model a stack is. Nested assemblies (CDK stages) are followed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { tagValue, type CfnTemplate } from './cloudformation-template';
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** The tag every modelstack resource carries with its environment's name. */
export const ENVIRONMENT_TAG = 'modelstack:environment';
/** The tag every modelstack resource carries with its model's name. */
export const MODEL_TAG = 'modelstack:model';

/** Thrown when a directory is not a readable cloud assembly; the message says what is missing and how to make it. */
export class CloudAssemblyError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'CloudAssemblyError';
  }
}

/** A metadata entry the CDK wrote for a construct (`<stack>.metadata.json` or the manifest). */
export interface AssemblyMetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/** One stack of a cloud assembly. */
export interface SynthesizedStack {
  /** The stack's name (its artifact id). */
  readonly stackName: string;
  /** The construct path shown by the CDK CLI. */
  readonly displayName: string;
  /** The region from the stack's environment; `undefined` for a region-agnostic stack. */
  readonly region?: string;
  /** The account from the stack's environment; `undefined` when environment-agnostic. */
  readonly account?: string;
  /** The modelstack environment, from the `modelstack:environment` tag. */
  readonly environmentName?: string;
  /** The model, from the `modelstack:model` tag. */
  readonly modelName?: string;
  /** The template. */
  readonly template: CfnTemplate;
  /** Where the template was read from (absolute). */
  readonly templateFile?: string;
  /** File assets by hash: absolute path of the asset's source in the assembly. */
  readonly assetPaths: ReadonlyMap<string, string>;
  /** Metadata entries by construct path. */
  readonly metadata: ReadonlyMap<string, readonly AssemblyMetadataEntry[]>;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly tags?: Record<string, string>;
    readonly file?: string;
    readonly directoryName?: string;
  };
  readonly dependencies?: readonly string[];
  readonly metadata?: Record<string, readonly AssemblyMetadataEntry[]>;
  readonly additionalMetadataFile?: string;
}

interface AssemblyManifest {
  readonly artifacts?: Record<string, ManifestArtifact>;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new CloudAssemblyError(`${what} ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
}

/** `aws://123456789012/eu-west-1` → its parts; `unknown-account` / `unknown-region` become `undefined`. */
function parseEnvironment(environment: string | undefined): { account?: string; region?: string } {
  const match = /^aws:\/\/([^/]+)\/([^/]+)$/.exec(environment ?? '');
  if (match === null) return {};
  const known = (part: string) => (part.startsWith('unknown-') ? undefined : part);
  return { account: known(match[1]), region: known(match[2]) };
}

/** The first value of `key` among the stack's tags or its resources' tags. */
function stackTag(template: CfnTemplate, artifact: ManifestArtifact, key: string): string | undefined {
  const fromManifest = artifact.properties?.tags?.[key];
  if (fromManifest !== undefined) return fromManifest;
  for (const resource of Object.values(template.Resources ?? {})) {
    const value = tagValue(resource, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

function assetPathsOf(directory: string, artifacts: Record<string, ManifestArtifact>, dependencies: readonly string[]): Map<string, string> {
  const paths = new Map<string, string>();
  for (const dependency of dependencies) {
    const artifact = artifacts[dependency];
    const file = artifact?.type === 'cdk:asset-manifest' ? artifact.properties?.file : undefined;
    if (file === undefined || !existsSync(join(directory, file))) continue;
    const manifest = readJson<{ files?: Record<string, { source?: { path?: string } }> }>(join(directory, file), 'The assets manifest');
    for (const [hash, asset] of Object.entries(manifest.files ?? {})) {
      const source = asset.source?.path;
      if (source !== undefined) paths.set(hash, isAbsolute(source) ? source : join(directory, source));
    }
  }
  return paths;
}

function metadataOf(directory: string, artifact: ManifestArtifact): Map<string, readonly AssemblyMetadataEntry[]> {
  const metadata = new Map<string, readonly AssemblyMetadataEntry[]>(Object.entries(artifact.metadata ?? {}));
  if (artifact.additionalMetadataFile !== undefined && existsSync(join(directory, artifact.additionalMetadataFile))) {
    const extra = readJson<Record<string, readonly AssemblyMetadataEntry[]>>(join(directory, artifact.additionalMetadataFile), 'The stack metadata file');
    for (const [path, entries] of Object.entries(extra)) metadata.set(path, [...(metadata.get(path) ?? []), ...entries]);
  }
  return metadata;
}

/**
 * The stacks of the cloud assembly in `directory`, in manifest order (nested assemblies after their parent's own
 * stacks). Throws {@link CloudAssemblyError} when the directory or its manifest is missing or unreadable.
 */
export function readCloudAssembly(directory: string): SynthesizedStack[] {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new CloudAssemblyError(`${directory} does not exist: synthesize first (npx cdk synth), or pass the folder of a cloud assembly`);
  }
  if (!existsSync(manifestFile)) {
    throw new CloudAssemblyError(`${directory} is not a cloud assembly: it has no manifest.json (run npx cdk synth to write one)`);
  }
  const manifest = readJson<AssemblyManifest>(manifestFile, 'The cloud assembly manifest');
  const artifacts = manifest.artifacts ?? {};
  const stacks: SynthesizedStack[] = [];
  const nested: string[] = [];
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName !== undefined) {
      nested.push(join(directory, artifact.properties.directoryName));
      continue;
    }
    if (artifact.type !== 'aws:cloudformation:stack' || artifact.properties?.templateFile === undefined) continue;
    const templateFile = join(directory, artifact.properties.templateFile);
    const template = readJson<CfnTemplate>(templateFile, `The template of stack ${id}`);
    stacks.push({
      stackName: id,
      displayName: artifact.displayName ?? id,
      ...parseEnvironment(artifact.environment),
      environmentName: stackTag(template, artifact, ENVIRONMENT_TAG),
      modelName: stackTag(template, artifact, MODEL_TAG),
      template,
      templateFile,
      assetPaths: assetPathsOf(directory, artifacts, artifact.dependencies ?? []),
      metadata: metadataOf(directory, artifact),
    });
  }
  return [...stacks, ...nested.flatMap((child) => readCloudAssembly(child))];
}

/** A stack built from a template alone (tests, or a template file outside an assembly). */
export function stackFromTemplate(stackName: string, template: CfnTemplate, region?: string): SynthesizedStack {
  const artifact: ManifestArtifact = { type: 'aws:cloudformation:stack' };
  return {
    stackName,
    displayName: stackName,
    region,
    environmentName: stackTag(template, artifact, ENVIRONMENT_TAG),
    modelName: stackTag(template, artifact, MODEL_TAG),
    template,
    assetPaths: new Map(),
    metadata: new Map(),
  };
}
