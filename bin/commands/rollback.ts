/**
 * `modelstack rollback --env <name> [--to <sha256>] [--cdk-out <dir>]`: puts a stored model version back into the environment's
 * model folder (its `model.onnx`, `model.json` and `evaluation.json` from the commit that holds those bytes), so
 * that committing and pushing takes it through the pipeline with the gate and verify, or `modelstack deploy`
 * does in an emergency. Without --to: the newest stored version before the live one. The environment is read from
 * the project's synthesized cloud assembly, as `modelstack verify` reads it.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CDK_OUT } from '../../lib/cost/cloud-assembly';
import type { ModelVersion } from '../../lib/pipeline/model-versions';
import { commitOfModel, modelFileAt, modelHistory } from '../../lib/pipeline/production-model';
import { CheckFailedError, type CliContext } from '../cli-contract';
import { shownDirectory, versionsOf, versionsTarget, type VersionsCommandSeams, type VersionsSettings } from './versions';

function sha256Option(text: string): string {
  if (!/^[0-9a-f]{64}$/.test(text)) throw new InvalidArgumentError('must be a SHA-256: 64 lower-case hex digits.');
  return text;
}

/** The version to go back to: the one asked for, else the newest stored before the live one that is in the repository. */
function targetOf(versions: readonly ModelVersion[], to: string | undefined): ModelVersion {
  if (to !== undefined) {
    const asked = versions.find((v) => v.sha256 === to);
    if (asked === undefined) throw new CheckFailedError(`--to ${to}: not stored in the bucket; stored: ${versions.map((v) => v.sha256.slice(0, 12)).join(', ') || 'none'}`);
    if (asked.live) throw new CheckFailedError(`--to ${to}: is the live version already`);
    return asked;
  }
  const live = versions.findIndex((v) => v.live);
  const previous = versions.slice(live + 1).find((v) => v.commit !== undefined);
  if (live === -1 || previous === undefined) throw new CheckFailedError('no stored version before the live one is in this repository; name one with --to (see modelstack versions)');
  return previous;
}

export function rollbackCommand(context: CliContext, seams: VersionsCommandSeams = {}): Command {
  return new Command('rollback')
    .description("Put a stored model version back into the environment's model folder, to commit through the pipeline (or deploy in an emergency)")
    .requiredOption('--env <name>', 'the environment')
    .option('--to <sha256>', 'the version (default: the newest stored before the live one)', sha256Option)
    .option('--cdk-out <dir>', 'the synthesized cloud assembly the environment is read from', DEFAULT_CDK_OUT)
    .option('--stack <name>', "the stack (default: the environment's stack in the assembly)")
    .action(async (options: VersionsSettings & { to?: string }) => {
      const env = await versionsTarget(context, seams, options);
      const target = targetOf(await versionsOf(seams, env), options.to);
      const history = await modelHistory(env.modelDirectory);
      const commit = target.commit ?? (await commitOfModel(history, target.sha256));
      if (commit === undefined) throw new CheckFailedError(`${target.sha256}: stored in the bucket, but no commit of this repository holds it, so its manifest is unknown`);
      for (const file of ['model.onnx', 'model.json', 'evaluation.json']) {
        const bytes = await modelFileAt(history, commit, file);
        if (bytes !== undefined) await writeFile(join(env.modelDirectory, file), bytes);
        // An evaluation of the replaced model would not be this one's: the promotion gate then asks for a new one.
        else if (file === 'evaluation.json') await rm(join(env.modelDirectory, file), { force: true });
        else throw new CheckFailedError(`commit ${commit}: has no ${file} next to model.onnx`);
      }
      context.stdout(`${shownDirectory(context, env.modelDirectory)}: now holds ${target.sha256.slice(0, 12)} (model.onnx, model.json, evaluation.json of commit ${commit.slice(0, 12)})`);
      context.stdout('Next: commit and push; the pipeline runs the gate, staging, the approval, prod and verify. In an emergency: modelstack deploy --env ' + env.environment);
    });
}
