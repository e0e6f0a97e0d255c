/** measureBundle: the estimated zip size is the same whether a large file was measured before (in another bundle) or not. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { measureBundle } from '../../../lib/bundling/bundle-size';

describe('Given two bundles holding the same 2 MB file', () => {
  const root = mkdtempSync(join(tmpdir(), 'modelstack-bundle-size-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  // Half random (incompressible), half zeros: deflating changes the size, and stored-vs-deflated does not hide it.
  const large = Buffer.concat([randomBytes(1_048_576), Buffer.alloc(1_048_576)]);
  const bundle = (name: string, extra: string): string => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'lib'), { recursive: true });
    writeFileSync(join(dir, 'lib', 'native.so'), large);
    writeFileSync(join(dir, 'index.js'), extra);
    return dir;
  };
  const expectedZipped = (extra: string): number =>
    deflateRawSync(large, { level: 6 }).byteLength + 76 + 2 * 'lib/native.so'.length + Math.min(deflateRawSync(Buffer.from(extra), { level: 6 }).byteLength, extra.length) + 76 + 2 * 'index.js'.length + 22;

  test('When both are measured, then each estimate is the file deflated plus the zip headers, as measured alone', () => {
    const first = measureBundle(bundle('first', 'exports.a = 1;'), 'x86_64');
    const second = measureBundle(bundle('second', 'exports.b = 22;'), 'x86_64');
    expect(first.zippedBytes).toBe(expectedZipped('exports.a = 1;'));
    expect(second.zippedBytes).toBe(expectedZipped('exports.b = 22;'));
    expect(second.unzippedBytes).toBe(large.byteLength + 'exports.b = 22;'.length);
  });
});
