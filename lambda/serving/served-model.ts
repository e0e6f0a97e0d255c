/** A loaded model and what is derived from it once, so that no request rebuilds it. */
import { featureIdentifiers } from '../core/feature-names';
import type { Manifest } from '../core/manifest';
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
  /**
   * Other names a v2 feature tensor may have, to the feature's name: its identifier (`mean_radius` for
   * `mean radius`) and, for a model with one input per feature, that input's name. A name that is some feature's
   * own is never an alias.
   */
  readonly featureAliases: ReadonlyMap<string, string>;
  /** `"model_name":...,"model_version":...` JSON fragment of every v2 response. */
  readonly v2Prefix: string;
}

/** The {@link ServedModel.featureAliases} of a manifest. */
export function featureAliases(manifest: Manifest): ReadonlyMap<string, string> {
  const features = manifest.input.features;
  const names = new Set(features.map((f) => f.name));
  const ids = featureIdentifiers(features.map((f) => f.name));
  const aliases = new Map<string, string>();
  const perFeatureTensor = (tensor: string | undefined): boolean =>
    tensor !== undefined && tensor !== manifest.input.tensor && features.filter((f) => f.tensor === tensor).length === 1;
  features.forEach((f, i) => {
    for (const alias of [ids[i], perFeatureTensor(f.tensor) ? f.tensor : undefined]) {
      if (alias !== undefined && !names.has(alias)) aliases.set(alias, f.name);
    }
  });
  return aliases;
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
    featureAliases: featureAliases(manifest),
    v2Prefix: `"model_name":${JSON.stringify(manifest.name)},"model_version":${JSON.stringify(manifest.version)}`,
  };
}
