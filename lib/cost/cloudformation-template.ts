/**
 * The parts of a synthesized CloudFormation template the estimator reads, and helpers that resolve values only
 * as far as pricing needs: a literal, a `Ref`/`Fn::GetAtt` to another resource, a parameter's default. Anything
 * else (an import, a condition) counts as unknown, and the pricer says so instead of guessing.
 */

/** A template value as JSON: literals, lists, maps and intrinsic functions. */
export type CfnValue = string | number | boolean | null | readonly CfnValue[] | { readonly [key: string]: CfnValue };

/** One resource of a template. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: { readonly [name: string]: CfnValue };
  readonly Metadata?: { readonly [key: string]: CfnValue };
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
}

/** A synthesized template. */
export interface CfnTemplate {
  readonly Description?: string;
  readonly Parameters?: { readonly [name: string]: { readonly Type: string; readonly Default?: CfnValue } };
  readonly Resources?: { readonly [logicalId: string]: CfnResource };
  readonly Outputs?: { readonly [name: string]: CfnValue };
  readonly [section: string]: unknown;
}

/** A map-shaped template value, or `undefined`. */
export function asObject(value: CfnValue | undefined): { readonly [key: string]: CfnValue } | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { readonly [key: string]: CfnValue }) : undefined;
}

/** A list-shaped template value, or an empty list. */
export function asList(value: CfnValue | undefined): readonly CfnValue[] {
  // Array.isArray narrows to any[]: the elements are template values.
  return Array.isArray(value) ? (value as readonly CfnValue[]) : [];
}

/** The logical id a `Ref` or `Fn::GetAtt` points at, or `undefined` for anything else. */
export function referencedId(value: CfnValue | undefined): string | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** Every logical id referenced anywhere inside `value` (through `Ref`, `Fn::GetAtt`, `Fn::Sub` placeholders). */
export function referencedIds(value: CfnValue | undefined): string[] {
  const found = new Set<string>();
  const walk = (node: CfnValue | undefined): void => {
    if (node === undefined || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const direct = referencedId(node);
    if (direct !== undefined) found.add(direct);
    const sub = (node as { readonly [key: string]: CfnValue })['Fn::Sub'];
    const subText = typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
    for (const match of subText?.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g) ?? []) found.add(match[1]);
    Object.values(node as { readonly [key: string]: CfnValue }).forEach(walk);
  };
  walk(value);
  return [...found];
}

/** The literal strings inside `value` (e.g. the pieces of an `Fn::Join`). */
export function literalStrings(value: CfnValue | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || value === undefined || typeof value !== 'object') return [];
  const values: readonly CfnValue[] = Array.isArray(value) ? (value as readonly CfnValue[]) : Object.values(value);
  return values.flatMap((child) => literalStrings(child));
}

/**
 * Resolves `value` to a number when it is a literal (or a numeric string, as CloudFormation accepts), or a `Ref`
 * to a parameter with a numeric default. `undefined` when it cannot be known before deployment.
 */
export function literalNumber(value: CfnValue | undefined, template?: CfnTemplate): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const ref = asObject(value)?.Ref;
  if (typeof ref === 'string' && template?.Parameters?.[ref] !== undefined) {
    return literalNumber(template.Parameters[ref].Default);
  }
  return undefined;
}

/** Resolves `value` to a string when it is a literal or a `Ref` to a parameter with a string default. */
export function literalString(value: CfnValue | undefined, template?: CfnTemplate): string | undefined {
  if (typeof value === 'string') return value;
  const ref = asObject(value)?.Ref;
  if (typeof ref === 'string' && template?.Parameters?.[ref] !== undefined) {
    const fallback = template.Parameters[ref].Default;
    return typeof fallback === 'string' ? fallback : undefined;
  }
  return undefined;
}

/** The value of tag `key` on a resource (`Tags` as a list of `{ Key, Value }` or as a map), if literal. */
export function tagValue(resource: CfnResource, key: string): string | undefined {
  const tags = resource.Properties?.Tags ?? resource.Properties?.ResourceTags;
  for (const tag of asList(tags)) {
    const entry = asObject(tag);
    if (entry?.Key === key && typeof entry.Value === 'string') return entry.Value;
  }
  const map = asObject(tags);
  if (map !== undefined && !Array.isArray(tags) && typeof map[key] === 'string') return map[key];
  return undefined;
}
