import { Template } from 'aws-cdk-lib/assertions';
import { buildTestStacks } from './stacks';

const ASSET_ZIP = /^[0-9a-f]{64}\.zip$/;
const ASSET_PATH = /^asset\.[0-9a-f]{64}(\.zip)?$/;
const IMAGE_TAG = /:[0-9a-f]{64}$/;

/** Asset hashes change with any source edit; the snapshot should flag infrastructure changes, not code changes. */
function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    if (ASSET_ZIP.test(value)) return '<asset-hash>.zip';
    if (ASSET_PATH.test(value)) return 'asset.<asset-hash>';
    // Container image tags are asset hashes too (`...container-assets-...:<hash>`).
    if (IMAGE_TAG.test(value)) return value.replace(IMAGE_TAG, ':<asset-hash>');
    return value;
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, normalize(child)]));
  }
  return value;
}

/** The environment's template with asset hashes normalized: a tripwire for unreviewed infrastructure changes. */
export async function normalizedTemplate(environment: string): Promise<unknown> {
  const { stacks } = await buildTestStacks({ only: environment });
  return normalize(Template.fromStack(stacks[0]).toJSON());
}
