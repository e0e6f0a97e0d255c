import { shippedTemplateJson } from './shipped';

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

/** The environment's template (the shipped synthesis of the run) with asset hashes normalized. */
export function normalizedTemplate(environment: string): Record<string, unknown> {
  return normalize(shippedTemplateJson(environment)) as Record<string, unknown>;
}

/**
 * The normalized template in pieces a reviewer can read: one per top-level section (`Parameters`, `Outputs`...)
 * and one per resource type (`Resources AWS::Lambda::Function`), each keyed by logical id. Together they are the
 * whole template.
 */
export function templatePieces(environment: string): Record<string, unknown> {
  const template = normalizedTemplate(environment);
  const pieces: Record<string, Record<string, unknown>> = {};
  for (const [section, value] of Object.entries(template)) {
    if (section !== 'Resources') {
      pieces[section] = { [section]: value };
      continue;
    }
    for (const [logicalId, resource] of Object.entries(value as Record<string, { Type: string }>)) {
      (pieces[`Resources ${resource.Type}`] ??= {})[logicalId] = resource;
    }
  }
  return Object.fromEntries(Object.keys(pieces).sort().map((name) => [name, pieces[name]]));
}
