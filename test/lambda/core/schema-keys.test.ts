/** The keys a zod schema allows at a path, read from its shape: through wrappers, arrays, records and unions. */
import { z } from 'zod';
import { allowedKeysAt } from '../../../lambda/core/schema-keys';

const schema = z.strictObject({
  name: z.string(),
  items: z.array(z.strictObject({ id: z.string(), size: z.number().optional() })).optional(),
  byName: z.record(z.string(), z.strictObject({ floor: z.number() }).default({ floor: 0 })),
  platform: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('a'), memory: z.number() }),
    z.strictObject({ type: z.literal('b'), instance: z.string() }),
  ]),
  piped: z.strictObject({ inner: z.string() }).pipe(z.strictObject({ inner: z.string() })).optional(),
});

describe('allowedKeysAt', () => {
  it('the root object\'s keys, in the schema\'s order', () => {
    expect(allowedKeysAt(schema, {}, [])).toEqual(['name', 'items', 'byName', 'platform', 'piped']);
  });

  it('an array element\'s keys through optional', () => {
    expect(allowedKeysAt(schema, { items: [{ id: 'x' }] }, ['items', 0])).toEqual(['id', 'size']);
  });

  it('a record value\'s keys through default', () => {
    expect(allowedKeysAt(schema, { byName: { a: {} } }, ['byName', 'a'])).toEqual(['floor']);
  });

  it('a discriminated union offers the keys of the option the value names, or of every option', () => {
    expect(allowedKeysAt(schema, { platform: { type: 'b' } }, ['platform'])).toEqual(['type', 'instance']);
    expect(allowedKeysAt(schema, { platform: { type: 'c' } }, ['platform'])).toEqual(['type', 'memory', 'instance']);
  });

  it('a pipe is read by its input', () => {
    expect(allowedKeysAt(schema, { piped: {} }, ['piped'])).toEqual(['inner']);
  });

  it('a path into a non-object gives no keys', () => {
    expect(allowedKeysAt(schema, { name: 'x' }, ['name'])).toEqual([]);
  });
});
