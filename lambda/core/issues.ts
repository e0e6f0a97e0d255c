/**
 * Turns zod validation issues into sentences that name the path, the value and what is allowed, e.g.
 * `prod.platform.memorySizeMiB: 100 is below the minimum 128`. Shared by the manifest and the config loader.
 */
import type { z } from 'zod';

/** `['input', 'features', 3, 'scale']` becomes `input.features[3].scale`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** A short, safe rendering of an offending value for error messages. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'missing';
  // JSON would render these as null, hiding the actual offender.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  // String() renders what JSON cannot (undefined, functions, symbols, cycles); objects never get here but by a cycle.
  try {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deep to render (the stack overflows in JSON.stringify, and in String for nested arrays), or a cycle.
    try {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      text = String(value);
    } catch {
      text = Array.isArray(value) ? `an array of ${value.length} items nested too deep to show` : 'an object nested too deep to show';
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

function count(n: number | bigint, noun: string): string {
  return `${String(n)} ${noun}${Number(n) === 1 ? '' : 's'}`;
}

/** A number out of range, or a string or array too short or too long. */
function describeBound(origin: string, inclusive: boolean | undefined, limit: number | bigint, got: string, side: 'least' | 'most'): string {
  if (origin === 'number' || origin === 'int' || origin === 'bigint') {
    if (inclusive === false) return `${got} must be ${side === 'least' ? 'greater' : 'less'} than ${String(limit)}`;
    return `${got} is ${side === 'least' ? 'below the minimum' : 'above the maximum'} ${String(limit)}`;
  }
  return `must have at ${side} ${count(limit, origin === 'string' ? 'character' : 'item')} (got ${got})`;
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const got = formatValue(value);
  switch (issue.code) {
    case 'too_small':
      return describeBound(issue.origin, issue.inclusive, issue.minimum, got, 'least');
    case 'too_big':
      return describeBound(issue.origin, issue.inclusive, issue.maximum, got, 'most');
    case 'invalid_type':
      if (value === undefined) return `is required (expected ${issue.expected})`;
      if (issue.expected === 'int') return `${got} is not allowed; expected a whole number`;
      return `${got} is not allowed; expected ${issue.expected}`;
    case 'invalid_value':
      return `${got} is not allowed; expected ${issue.values.map((v) => formatValue(v)).join(' or ')}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      // A discriminated union's "no matching discriminator" message already lists the allowed values.
      return `${got} is not allowed; ${issue.message}`;
    default:
      return `${issue.message} (got ${got})`;
  }
}

/**
 * One sentence per issue. Custom refinements report their own offender through `issue.input`; for the rest the
 * value found at the issue's path in `root` is the clearest thing to show.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root: unknown, prefix = ''): string[] {
  return issues.map((issue) => {
    const value = issue.code === 'custom' ? issue.input : valueAt(root, issue.path);
    return `${formatPath(issue.path, prefix)}: ${describe(issue, value)}`;
  });
}
