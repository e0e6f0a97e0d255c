/**
 * Acknowledged findings of a synthesized stack and how they change between two synths. cdk-nag writes each
 * resource's acknowledged rules into the template (`Metadata.cdk_nag.rules_to_suppress`, with
 * `writeSuppressionsToCloudFormation`); other acknowledged warnings (e.g. `modelstack:*` annotations) are in the
 * assembly metadata under `Validations.ACKNOWLEDGED_RULES_METADATA_KEY`.
 */
import { Validations } from 'aws-cdk-lib';
import type { SynthesizedStack } from '../cost/cloud-assembly';
import { asList, asObject } from '../cost/cloudformation-template';

/** One acknowledged finding. */
export interface Acknowledgement {
  /**
   * Where it is: the resource's construct path in the stack (stable when a logical id changes, as a Lambda version's
   * does with every new version), or its logical id when the template has no path.
   */
  readonly resource: string;
  /** The rule, e.g. `AwsSolutions-IAM5[Resource::...]` or `modelstack:budgetTopicPolicy`. */
  readonly rule: string;
  readonly reason: string;
}

/** How the acknowledgements changed. */
export interface AcknowledgementChanges {
  readonly added: readonly Acknowledgement[];
  readonly removed: readonly Acknowledgement[];
  /** Same resource and rule, new reason (`reason` is the new one). */
  readonly reworded: readonly Acknowledgement[];
}

/** Rule ids of the cdk-nag packs, which the template already carries per resource. */
const NAG_RULE = /^(AwsSolutions|HIPAA\.Security|NIST\.800|PCI\.DSS|Serverless)-/;
const ANNOTATION_PREFIX = /^annotation::/i;

/** Every acknowledgement of `stack`: cdk-nag's from the template, other acknowledged warnings from the assembly metadata. */
export function acknowledgementsOf(stack: SynthesizedStack | undefined): Acknowledgement[] {
  if (stack === undefined) return [];
  const found: Acknowledgement[] = [];
  const prefix = `/${stack.stackName}/`;
  const relative = (path: string) => (path.startsWith(prefix) ? path.slice(prefix.length) : path.startsWith(prefix.slice(1)) ? path.slice(prefix.length - 1) : path);
  for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
    const path = asObject(resource.Metadata)?.['aws:cdk:path'];
    const where = typeof path === 'string' ? relative(path) : logicalId;
    for (const entry of asList(asObject(asObject(resource.Metadata)?.cdk_nag)?.rules_to_suppress)) {
      const rule = asObject(entry);
      if (typeof rule?.id === 'string') found.push({ resource: where, rule: rule.id, reason: typeof rule.reason === 'string' ? rule.reason : '' });
    }
  }
  for (const [path, entries] of stack.metadata) {
    for (const entry of entries) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || entry.data === null || typeof entry.data !== 'object') continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        const rule = key.replace(ANNOTATION_PREFIX, '');
        if (!NAG_RULE.test(rule)) found.push({ resource: relative(path), rule, reason: String(reason) });
      }
    }
  }
  return found;
}

const keyOf = (ack: Acknowledgement) => `${ack.resource}\u0000${ack.rule}`;

/** The acknowledgements added, removed or reworded from `base` to `head`. */
export function acknowledgementChanges(base: readonly Acknowledgement[], head: readonly Acknowledgement[]): AcknowledgementChanges {
  const before = new Map(base.map((ack) => [keyOf(ack), ack]));
  const after = new Map(head.map((ack) => [keyOf(ack), ack]));
  return {
    added: head.filter((ack) => !before.has(keyOf(ack))),
    removed: base.filter((ack) => !after.has(keyOf(ack))),
    reworded: head.filter((ack) => {
      const old = before.get(keyOf(ack));
      return old !== undefined && old.reason !== ack.reason;
    }),
  };
}
