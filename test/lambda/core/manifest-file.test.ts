/**
 * The manifest as the Lambda function reads it: taken as it is when the stamp written at synth vouches for the
 * text, refused otherwise (no stamp, or a text edited after synth), with the reason.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestError } from '../../../lambda/core/manifest-error';
import { MANIFEST_STAMP_SUFFIX, manifestStamp, readStampedManifest } from '../../../lambda/core/manifest-file';

const IRIS_MANIFEST = join(__dirname, '../../../examples/iris/model.json');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'modelstack-manifest-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string, stamp?: string): string {
  const path = join(dir, 'model.json');
  writeFileSync(path, text);
  if (stamp !== undefined) writeFileSync(`${path}${MANIFEST_STAMP_SUFFIX}`, `${stamp}\n`);
  return path;
}

const validText = readFileSync(IRIS_MANIFEST, 'utf8');

test('a stamped text is taken as it is: the stamp vouches that the schema accepted it at synth', async () => {
  // Not a manifest the schema accepts (no name): read as it is, which shows the schema was not consulted.
  const text = JSON.stringify({ task: 'regression' });
  await expect(readStampedManifest(write(text, manifestStamp(text)))).resolves.toEqual({ task: 'regression' });
});

test('a manifest without a stamp is refused: the function has no schema to check it with', async () => {
  const path = write(validText);
  const error = await readStampedManifest(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestError);
  expect((error as ManifestError).problems).toEqual([expect.stringMatching(/^has no stamp \(.*model\.json\.sha256\): the function reads only a manifest the stack validated at synth/)]);
});

test('a text edited after it was stamped is refused, saying so', async () => {
  const edited = validText.replace('"name": "iris"', '"name": "iris-2"');
  expect(edited).not.toBe(validText);
  const error = await readStampedManifest(write(edited, manifestStamp(validText))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ManifestError);
  expect((error as ManifestError).problems).toEqual([expect.stringMatching(/^does not match its stamp .*: it was changed after the stack validated it/)]);
});

test('a stamp is bound to the schema revision: the bare SHA-256 of the text is no stamp', async () => {
  const error = await readStampedManifest(write(validText, createHash('sha256').update(validText).digest('hex'))).catch((e: unknown) => e);
  expect((error as ManifestError).problems).toEqual([expect.stringMatching(/^does not match its stamp/)]);
});

test('a missing manifest says what a model directory holds', async () => {
  const error = await readStampedManifest(join(dir, 'model.json')).catch((e: unknown) => e);
  expect((error as ManifestError).problems).toEqual(['does not exist: a model directory holds model.json (the manifest) and model.onnx']);
});
