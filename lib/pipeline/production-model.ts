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

const run = promisify(execFile);
/** The output of a model stack that names the served model's SHA-256. */
export const MODEL_SHA256_OUTPUT = 'ModelSha256';

/** The part of the CloudFormation client the lookup uses. */
export type StackReader = Pick<CloudFormationClient, 'send'>;

/** Raised when the production model cannot be found; the message says where it was looked for. */
export class ProductionModelError extends Error {
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

/** Writes the model whose `model.onnx` has `sha256`, from the newest commit that holds it; returns that commit. */
export async function restoreModelFromHistory(options: RestoreOptions): Promise<string> {
  const top = (await git(options.modelDirectory, ['rev-parse', '--show-toplevel'])).toString('utf8').trim();
  const folder = relative(top, options.modelDirectory).split(sep).join('/');
  const onnxPath = folder === '' ? 'model.onnx' : `${folder}/model.onnx`;
  const commits = (await git(top, ['log', '--format=%H', '--', onnxPath])).toString('utf8').split('\n').filter((c) => c !== '');
  for (const commit of commits) {
    const bytes = await git(top, ['show', `${commit}:${onnxPath}`]).catch(() => undefined);
    if (bytes === undefined || createHash('sha256').update(bytes).digest('hex') !== options.sha256) continue;
    await mkdir(options.outDirectory, { recursive: true });
    await writeFile(join(options.outDirectory, 'model.onnx'), bytes);
    await writeFile(join(options.outDirectory, 'model.json'), await git(top, ['show', `${commit}:${onnxPath.replace(/model\.onnx$/, 'model.json')}`]));
    return commit;
  }
  throw new ProductionModelError(
    `${onnxPath}: no commit of this repository's history (${commits.length} touch it) holds a model.onnx with SHA-256 ${options.sha256}; ` +
      'the pipeline needs a full clone, and production must have been deployed from this repository',
  );
}
