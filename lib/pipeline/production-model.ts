/**
 * Finds the model production serves, for the gate's `--baseline`: the SHA-256 its stack reports (the
 * `ModelSha256` output), then the commit of the repository's history whose `model.onnx` has those bytes, whose
 * `model.onnx` and `model.json` are written to a folder. The bucket holds only the `.onnx`; the repository
 * holds the manifest that goes with it, so the model is taken from there.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CheckFailure } from '../../lambda/core/modelstack-error';

const run = promisify(execFile);
/** The output of a model stack that names the served model's SHA-256. */
export const MODEL_SHA256_OUTPUT = 'ModelSha256';

/** The part of the CloudFormation client the lookup uses. */
export type StackReader = Pick<CloudFormationClient, 'send'>;

/** Raised when the production model cannot be found (the gate fails, exit 1); the message says where it was looked for. */
export class ProductionModelError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'ProductionModelError';
  }
}

/** The SHA-256 of the model `stackName` serves, or undefined when the stack does not exist yet (a first release). */
export async function liveModelSha256(cloudFormation: StackReader, stackName: string): Promise<string | undefined> {
  let stacks;
  try {
    stacks = (await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks ?? [];
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
  const output = stacks[0]?.Outputs?.find((o) => o.OutputKey === MODEL_SHA256_OUTPUT)?.OutputValue;
  if (output === undefined || !/^[0-9a-f]{64}$/.test(output)) {
    throw new ProductionModelError(`stack ${stackName}: has no ${MODEL_SHA256_OUTPUT} output holding a SHA-256 (got ${JSON.stringify(output)}); is it a modelstack stack?`);
  }
  return output;
}

async function git(repo: string, args: readonly string[]): Promise<Buffer> {
  const { stdout } = await run('git', ['-C', repo, ...args], { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
  return stdout;
}

/** What {@link restoreModelFromHistory} looks for and where it writes it. */
export interface RestoreOptions {
  /** The model folder, absolute, inside a git working tree with its history (a full clone). */
  readonly modelDirectory: string;
  /** SHA-256 of the `model.onnx` to find. */
  readonly sha256: string;
  /** Where `model.onnx` and `model.json` are written. */
  readonly outDirectory: string;
}

/** Where a model folder's files are in its repository's history. */
export interface ModelHistory {
  /** The working tree's root. */
  readonly top: string;
  /** `model.onnx`'s path in the repository (`/`-separated). */
  readonly onnxPath: string;
  /** Commits that touch `model.onnx`, newest first. */
  readonly commits: readonly string[];
}

/** The commits that touch the folder's `model.onnx`. */
export async function modelHistory(modelDirectory: string): Promise<ModelHistory> {
  const top = (await git(modelDirectory, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const folder = relative(top, modelDirectory).split(sep).join('/');
  const onnxPath = folder === '' ? 'model.onnx' : `${folder}/model.onnx`;
  const commits = (await git(top, ['log', '--format=%H', '--', onnxPath])).toString('utf8').split('\n').filter((c) => c !== '');
  return { top, onnxPath, commits };
}

/** A file of the model folder (`model.json`, `evaluation.json`) at `commit`, or undefined when it is not there. */
export async function modelFileAt(history: ModelHistory, commit: string, file: string): Promise<Buffer | undefined> {
  return git(history.top, ['show', `${commit}:${history.onnxPath.replace(/model\.onnx$/, file)}`]).catch(() => undefined);
}

/** The newest commit whose `model.onnx` has `sha256`, or undefined. */
export async function commitOfModel(history: ModelHistory, sha256: string): Promise<string | undefined> {
  for (const commit of history.commits) {
    const bytes = await modelFileAt(history, commit, 'model.onnx');
    if (bytes !== undefined && createHash('sha256').update(bytes).digest('hex') === sha256) return commit;
  }
  return undefined;
}

/** Writes the model whose `model.onnx` has `sha256`, from the newest commit that holds it; returns that commit. */
export async function restoreModelFromHistory(options: RestoreOptions): Promise<string> {
  const history = await modelHistory(options.modelDirectory);
  const commit = await commitOfModel(history, options.sha256);
  if (commit === undefined) {
    throw new ProductionModelError(
      `${history.onnxPath}: no commit of this repository's history (${history.commits.length} touch it) holds a model.onnx with SHA-256 ${options.sha256}; ` +
        'the pipeline needs a full clone, and production must have been deployed from this repository',
    );
  }
  await mkdir(options.outDirectory, { recursive: true });
  for (const file of ['model.onnx', 'model.json']) {
    const bytes = await modelFileAt(history, commit, file);
    if (bytes === undefined) throw new ProductionModelError(`${history.onnxPath}: commit ${commit} has no ${file} next to it`);
    await writeFile(join(options.outDirectory, file), bytes);
  }
  return commit;
}
