/** A loaded model and what is derived from it once, so that no request rebuilds it. */
import { createPreparer } from '../core/prepare';
import type { Preparer } from '../core/prepare';
import type { LoadedModel } from '../core/types';
import { modelReadyBody, pingBody } from './health';
import { modelMetadata } from './metadata';
import type { Catalog } from './router';

export interface ServedModel {
  readonly model: LoadedModel;
  readonly catalog: Catalog;
  readonly preparer: Preparer;
  readonly pingBody: string;
  readonly metadataBody: string;
  readonly modelReadyBody: string;
  /** `"model_name":...,"model_version":...` JSON fragment of every v2 response. */
  readonly v2Prefix: string;
}

/** `catalog` is the one of the model's manifest. */
export function serveModel(model: LoadedModel, catalog: Catalog): ServedModel {
  const manifest = model.manifest;
  return {
    model,
    catalog,
    preparer: createPreparer(manifest, model.signature),
    pingBody: pingBody(manifest),
    metadataBody: JSON.stringify(modelMetadata(manifest, model, catalog.evaluation)),
    modelReadyBody: modelReadyBody(manifest),
    v2Prefix: `"model_name":${JSON.stringify(manifest.name)},"model_version":${JSON.stringify(manifest.version)}`,
  };
}
