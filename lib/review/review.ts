/**
 * The infrastructure review of a change: two synthesized cloud assemblies (the base, e.g. the main branch, and the
 * head, the pull request) compared stack by stack: resource, IAM and security-group changes, acknowledged findings
 * added or removed, and the cost difference line by line. Both synths are priced with the same config and price
 * table, so the cost difference is the infrastructure's.
 */
import { readCloudAssembly, type SynthesizedStack } from '../cost/cloud-assembly';
import { compareEstimates, type StackCostDiff } from '../cost/compare';
import { estimateSynthesizedStack, type AssemblyEstimateOptions } from '../cost/estimate-assembly';
import type { StackEstimate } from '../cost/estimate';
import { acknowledgementChanges, acknowledgementsOf, type AcknowledgementChanges } from './acknowledgements';
import { templateChanges, type TemplateChanges } from './template-changes';

/** The review of one stack. */
export interface StackReview {
  readonly stackName: string;
  readonly environmentName?: string;
  /** `added`/`removed`: the stack exists on one side only. */
  readonly status: 'added' | 'removed' | 'changed' | 'unchanged';
  readonly changes: TemplateChanges;
  readonly acknowledgements: AcknowledgementChanges;
  readonly cost: StackCostDiff;
}

/** The review of two synths. */
export interface InfrastructureReview {
  readonly stacks: readonly StackReview[];
}

async function estimates(stacks: readonly SynthesizedStack[], options: AssemblyEstimateOptions): Promise<StackEstimate[]> {
  const out: StackEstimate[] = [];
  for (const stack of stacks) out.push(await estimateSynthesizedStack(stack, options));
  return out;
}

function hasChanges(review: Omit<StackReview, 'status'>): boolean {
  const { changes, acknowledgements, cost } = review;
  return (
    changes.resources.length > 0 ||
    changes.iamStatements.length > 0 ||
    changes.securityGroups.length > 0 ||
    acknowledgements.added.length + acknowledgements.removed.length + acknowledgements.reworded.length > 0 ||
    cost.change !== 'unchanged'
  );
}

/** Reviews the change from the assembly in `baseDirectory` to the one in `headDirectory` (of `options.only`'s environment when given). */
export async function reviewCloudAssemblies(baseDirectory: string, headDirectory: string, options: AssemblyEstimateOptions): Promise<InfrastructureReview> {
  const pick = (stacks: SynthesizedStack[]) => stacks.filter((stack) => options.only === undefined || stack.environmentName === options.only);
  const base = pick(readCloudAssembly(baseDirectory));
  const head = pick(readCloudAssembly(headDirectory));
  const costs = compareEstimates(await estimates(base, options), await estimates(head, options));
  const reviews: StackReview[] = costs.map((cost) => {
    const before = base.find((stack) => stack.stackName === cost.stackName);
    const after = head.find((stack) => stack.stackName === cost.stackName);
    const review = {
      stackName: cost.stackName,
      environmentName: after?.environmentName ?? before?.environmentName,
      changes: templateChanges(before?.template ?? {}, after?.template ?? {}),
      acknowledgements: acknowledgementChanges(acknowledgementsOf(before), acknowledgementsOf(after)),
      cost,
    };
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : hasChanges(review) ? 'changed' : 'unchanged';
    return { ...review, status };
  });
  return { stacks: reviews };
}
