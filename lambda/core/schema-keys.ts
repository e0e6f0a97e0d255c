/**
 * The keys a zod schema allows at a path of a value, read from the schema's own shape (so a "did you mean" for
 * an unknown key can never suggest a key the schema would refuse, and never goes stale). Wrappers (optional,
 * default, pipe, ...) are looked through; arrays, records and tuples step into their elements; a union offers
 * the keys of its option whose discriminator matches the value, or of every option.
 */
import type { z } from 'zod';

type Def = z.core.$ZodTypeDef & Record<string, unknown>;
type Schema = z.core.$ZodType;

/** A discriminated union's key, when the union has one. */
function discriminatorOf(def: Def): string | undefined {
  return typeof def.discriminator === 'string' ? def.discriminator : undefined;
}

/** The schema under wrappers that do not change the shape. */
function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let depth = 0; depth < 20; depth++) {
    const def = current._zod.def as Def;
    if ('innerType' in def && def.innerType !== undefined) current = def.innerType as Schema;
    else if (def.type === 'pipe') current = def.in as Schema;
    else if (def.type === 'lazy') current = (def.getter as () => Schema)();
    else return current;
  }
  return current;
}

/** The options of a union that fit `value` (by the discriminator when there is one). */
function unionOptions(def: Def, value: unknown): Schema[] {
  const options = def.options as Schema[];
  const key = discriminatorOf(def);
  if (key === undefined || value === null || typeof value !== 'object') return options;
  const wanted = (value as Record<string, unknown>)[key];
  const matching = options.filter((option) => {
    const shape = objectShape(unwrap(option));
    const field = shape?.[key];
    const values = field === undefined ? undefined : ((unwrap(field)._zod.def as Def).values as unknown[] | undefined);
    return values?.includes(wanted) === true;
  });
  return matching.length > 0 ? matching : options;
}

function objectShape(schema: Schema): Record<string, Schema> | undefined {
  const def = schema._zod.def as Def;
  return def.type === 'object' ? (def.shape as Record<string, Schema>) : undefined;
}

/** The schemas that may hold the value at `value` (several for a union). */
function candidates(schema: Schema, value: unknown): Schema[] {
  const inner = unwrap(schema);
  const def = inner._zod.def as Def;
  if (def.type === 'union') return unionOptions(def, value).flatMap((option) => candidates(option, value));
  if (def.type === 'intersection') return [...candidates(def.left as Schema, value), ...candidates(def.right as Schema, value)];
  return [inner];
}

/** The schema(s) one step down `segment`. */
function step(schema: Schema, segment: PropertyKey): Schema[] {
  const def = schema._zod.def as Def;
  if (def.type === 'object') {
    const child = (def.shape as Record<string, Schema>)[String(segment)] ?? (def.catchall as Schema | undefined);
    return child === undefined ? [] : [child];
  }
  if (def.type === 'array') return [def.element as Schema];
  if (def.type === 'record') return [def.valueType as Schema];
  if (def.type === 'tuple' && typeof segment === 'number') {
    const item = (def.items as Schema[])[segment] ?? (def.rest as Schema | null);
    return item === undefined || item === null ? [] : [item];
  }
  return [];
}

/**
 * The keys allowed in the object at `path` of `root` under `schema` (in the schema's order, without repeats);
 * empty when the path leads to no object schema.
 */
export function allowedKeysAt(schema: Schema, root: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  let schemas = candidates(schema, root);
  let value = root;
  for (const segment of path) {
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[segment] : undefined;
    schemas = schemas.flatMap((s) => step(s, segment)).flatMap((s) => candidates(s, value));
  }
  const keys = schemas.flatMap((s) => Object.keys(objectShape(s) ?? {}));
  return [...new Set(keys)];
}
