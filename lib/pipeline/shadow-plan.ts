/**
 * The shadow plan: what the build decided about a shadow phase, written next to the folder of the model production
 * serves. The wait reads `shadowing` (its input), the report reads `since` (captures before it are of an earlier
 * run) and, when nothing was shadowed, the reason it says instead of a report.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../lambda/core/model-source';
import { CheckFailure } from '../../lambda/core/modelstack-error';
import { liveModelSha256, restoreModelFromHistory, type StackReader } from './production-model';
import { SHADOW_PLAN_FILE } from './shadow-settings';

/** What the build decided. */
export interface ShadowPlan {
  /** Whether the shadow phase deploys a shadow variant (and so waits and reports). */
  readonly shadowing: boolean;
  /** Why, in one sentence. */
  readonly reason: string;
  /** When the plan was made (ISO 8601): the shadow variant's captures are all later. */
  readonly since: string;
  /** SHA-256 of the candidate's `model.onnx`. */
  readonly candidateSha256: string;
  /** SHA-256 of the model production serves; unset for a first release. */
  readonly productionSha256?: string;
}

/** Where the plan looks. */
export interface ShadowPlanOptions {
  /** The candidate model folder, absolute, in a git working tree with its history. */
  readonly candidateDirectory: string;
  /** The production stack (its ModelSha256 output). */
  readonly productionStack: string;
  /** CloudFormation in the production stack's region. */
  readonly cloudFormation: StackReader;
  /** Where the production model (when shadowing) and the plan are written. */
  readonly outDirectory: string;
  /** The time the plan is made. @default now */
  readonly now?: Date;
}

/** Raised when a plan file cannot be read; names the file and what is wrong. */
export class ShadowPlanError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'ShadowPlanError';
  }
}

/** Decides the shadow phase, restores the production model when it differs from the candidate, writes the plan. */
export async function planShadowPhase(options: ShadowPlanOptions): Promise<ShadowPlan> {
  const candidateSha256 = sha256Hex(await readFile(join(options.candidateDirectory, 'model.onnx')));
  const since = (options.now ?? new Date()).toISOString();
  const productionSha256 = await liveModelSha256(options.cloudFormation, options.productionStack);
  let plan: ShadowPlan;
  if (productionSha256 === undefined) {
    plan = { shadowing: false, reason: `stack ${options.productionStack} does not exist yet: a first release, with no production model to shadow`, since, candidateSha256 };
  } else if (productionSha256 === candidateSha256) {
    plan = { shadowing: false, reason: `production already serves the candidate (sha256 ${candidateSha256.slice(0, 12)}): nothing to shadow`, since, candidateSha256, productionSha256 };
  } else {
    const commit = await restoreModelFromHistory({ modelDirectory: options.candidateDirectory, sha256: productionSha256, outDirectory: options.outDirectory });
    plan = {
      shadowing: true,
      reason: `candidate ${candidateSha256.slice(0, 12)} shadows production ${productionSha256.slice(0, 12)} (model.onnx of commit ${commit.slice(0, 12)})`,
      since,
      candidateSha256,
      productionSha256,
    };
  }
  await mkdir(options.outDirectory, { recursive: true });
  await writeFile(join(options.outDirectory, SHADOW_PLAN_FILE), `${JSON.stringify(plan, null, 2)}\n`);
  return plan;
}

/** Reads a plan file. @throws ShadowPlanError naming the file when it is not a plan */
export function readShadowPlan(file: string): ShadowPlan {
  let value: Partial<ShadowPlan>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Partial<ShadowPlan>;
  } catch (error) {
    throw new ShadowPlanError(`${file}: not a readable shadow plan (${error instanceof Error ? error.message : String(error)}); the build writes it with modelstack shadow-baseline`);
  }
  if (typeof value.shadowing !== 'boolean' || typeof value.since !== 'string' || Number.isNaN(Date.parse(value.since)) || typeof value.reason !== 'string') {
    throw new ShadowPlanError(`${file}: a shadow plan needs "shadowing" (true or false), "since" (an ISO 8601 time) and "reason"; got ${JSON.stringify(value).slice(0, 200)}`);
  }
  return value as ShadowPlan;
}
