/**
 * `modelstack shadow-baseline <candidate-dir> --production-stack <name> --region <region> [--out <dir>]`: the build
 * step of a pipeline shadow phase. Finds the model the production stack serves (its ModelSha256 output, then the
 * commit of this repository's history with those bytes), writes its `model.onnx` and `model.json` to --out when it
 * differs from the candidate, and always writes the shadow plan there (`shadow-plan.json`): whether the phase
 * shadows, why, and since when. `cdk synth -c modelstack:shadowBaseline=<out>` then builds the phase's stack.
 */
import { resolve } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { Command } from 'commander';
import type { StackReader } from '../../lib/pipeline/production-model';
import { planShadowPhase } from '../../lib/pipeline/shadow-plan';
import { SHADOW_PLAN_FILE } from '../../lib/pipeline/shadow-settings';
import type { CliContext } from '../cli-contract';

/** What the command uses besides the context; tests pass their own. */
export interface ShadowBaselineSeams {
  /** CloudFormation for a region. @default the SDK client with the default credential chain */
  readonly cloudFormation?: (region: string) => StackReader;
  /** The time of the plan. @default now */
  readonly now?: () => Date;
}

interface ShadowBaselineOptions {
  readonly productionStack: string;
  readonly region: string;
  readonly out: string;
}

export function shadowBaselineCommand(context: CliContext, seams: ShadowBaselineSeams = {}): Command {
  return new Command('shadow-baseline')
    .description("A pipeline shadow phase's plan: restore the model production serves next to the candidate's, when they differ")
    .argument('<candidate-dir>', 'directory holding the candidate model.json and model.onnx, in a git working tree with its history')
    .requiredOption('--production-stack <name>', "the production stack: its ModelSha256 output names the model, found in this repository's history")
    .requiredOption('--region <region>', 'region of --production-stack')
    .option('--out <dir>', 'where the production model and the plan go', 'shadow-baseline')
    .action(async (candidateDir: string, options: ShadowBaselineOptions) => {
      const out = resolve(context.cwd, options.out);
      const plan = await planShadowPhase({
        candidateDirectory: resolve(context.cwd, candidateDir),
        productionStack: options.productionStack,
        cloudFormation: (seams.cloudFormation ?? ((region: string) => new CloudFormationClient({ region })))(options.region),
        outDirectory: out,
        ...(seams.now === undefined ? {} : { now: seams.now() }),
      });
      context.stdout(`shadow phase: ${plan.shadowing ? 'on' : 'off'}: ${plan.reason}`);
      context.stdout(`wrote ${out}/${SHADOW_PLAN_FILE}${plan.shadowing ? ', model.onnx, model.json' : ''}`);
    });
}
