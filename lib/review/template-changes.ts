/**
 * What changes between two synthesized templates of one stack, as `cdk diff` computes it (`@aws-cdk/cloudformation-diff`,
 * offline): resources added, removed, replaced or updated (with the properties that change), IAM statement and
 * managed-policy changes, and security-group rule changes.
 */
import { fullDiff, ResourceImpact, type ResourceDifference } from '@aws-cdk/cloudformation-diff';
import type { CfnTemplate } from '../cost/cloudformation-template';

/** How a resource changes. */
export type ResourceChangeKind = 'added' | 'removed' | 'replaced' | 'may be replaced' | 'updated';

/** One property that changes. */
export interface PropertyChange {
  readonly name: string;
  /** The value before (rendered), `undefined` when added. */
  readonly before?: string;
  /** The value after (rendered), `undefined` when removed. */
  readonly after?: string;
  /** Whether this property's change replaces the resource. */
  readonly replaces: boolean;
}

/** One resource that changes. */
export interface ResourceChange {
  readonly logicalId: string;
  readonly resourceType: string;
  readonly change: ResourceChangeKind;
  readonly properties: readonly PropertyChange[];
}

/** The changes of one stack's template. */
export interface TemplateChanges {
  readonly resources: readonly ResourceChange[];
  /** IAM statement changes as `cdk diff` tabulates them: a header row, then `+`/`-` rows. Empty when none. */
  readonly iamStatements: ReadonlyArray<readonly string[]>;
  /** Managed-policy attachment changes, same shape. */
  readonly managedPolicies: ReadonlyArray<readonly string[]>;
  /** Security-group rule changes, same shape. */
  readonly securityGroups: ReadonlyArray<readonly string[]>;
  /** Whether permissions are broadened (statements or policies added, denials removed). */
  readonly permissionsBroadened: boolean;
}

// The library colours its tables for terminals; a report wants the text.
// eslint-disable-next-line no-control-regex -- the escape character is what an ANSI colour code starts with
const ANSI = /\u001b\[[0-9;]*m/g;

function plain(rows: string[][]): string[][] {
  const cleaned = rows.map((row) => row.map((cell) => cell.replace(ANSI, '')));
  return cleaned.length <= 1 ? [] : cleaned;
}

/** A property value, short enough for a table cell. */
function render(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function kindOf(change: ResourceDifference): ResourceChangeKind {
  if (change.isAddition) return 'added';
  if (change.isRemoval) return 'removed';
  if (change.changeImpact === ResourceImpact.WILL_REPLACE) return 'replaced';
  if (change.changeImpact === ResourceImpact.MAY_REPLACE) return 'may be replaced';
  return 'updated';
}

/** The changes from `base` to `head` (either may be empty: a stack added or removed). */
export function templateChanges(base: CfnTemplate, head: CfnTemplate): TemplateChanges {
  const diff = fullDiff(base, head);
  const resources: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const properties: PropertyChange[] = [];
    if (change.isUpdate) {
      change.forEachDifference((type, name, difference) => {
        const impact = 'changeImpact' in difference ? (difference as { changeImpact?: ResourceImpact }).changeImpact : undefined;
        properties.push({
          name: type === 'Property' ? name : `${name} (${type.toLowerCase()})`,
          before: render(difference.oldValue),
          after: render(difference.newValue),
          replaces: impact === ResourceImpact.WILL_REPLACE || impact === ResourceImpact.MAY_REPLACE,
        });
      });
    }
    resources.push({ logicalId, resourceType: change.resourceType ?? 'unknown', change: kindOf(change), properties });
  });
  return {
    resources,
    iamStatements: plain(diff.iamChanges.summarizeStatements()),
    managedPolicies: plain(diff.iamChanges.summarizeManagedPolicies()),
    securityGroups: plain(diff.securityGroupChanges.summarize()),
    permissionsBroadened: diff.permissionsBroadened,
  };
}
