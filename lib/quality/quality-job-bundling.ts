/**
 * The quality job's bundle, locally (no Docker): `lambda/hosts/quality-handler.ts` bundled by esbuild (prebuilt in
 * the package), with the manifest (`model.json`) and the training profile (`profile.json`) beside it, so the job
 * judges the model it was deployed with. No onnxruntime: the job reads the predictions the endpoint captured.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BundlingOptions, ILocalBundling } from 'aws-cdk-lib';
import type { Manifest } from '../../lambda/core/manifest';
import { QUALITY_BUNDLE_FILES } from '../../lambda/records/quality-metric-names';
import { serializeProfile, type TrainingProfile } from '../../lambda/records/training-profile';
import { bundleEntry } from '../bundling/esbuild-entry';
import { copyPrebuiltBundle, findPrebuiltBundle, hostEntry, PROJECT_ROOT } from '../bundling/prebuilt-bundle';

/**
 * CDK local bundling of the quality job. Its public fields are plain and stable (CDK hashes them into the asset's
 * cache key): a new manifest or profile is a new asset.
 */
export class QualityJobBundling implements ILocalBundling {
  /** The manifest written as `model.json`. */
  public readonly manifest: Manifest;
  /** The profile written as `profile.json`, if any. */
  public readonly profile?: TrainingProfile;

  constructor(manifest: Manifest, profile: TrainingProfile | undefined) {
    this.manifest = manifest;
    if (profile !== undefined) this.profile = profile;
  }

  /** Builds the bundle into `outputDir`; always returns true (there is no Docker fallback). */
  public tryBundle(outputDir: string, _options: BundlingOptions): boolean {
    const entry = hostEntry('quality-handler');
    const prebuilt = findPrebuiltBundle(entry, true);
    if (prebuilt === undefined) bundleEntry(entry, outputDir, PROJECT_ROOT, true);
    else copyPrebuiltBundle(prebuilt, outputDir);
    fs.writeFileSync(path.join(outputDir, QUALITY_BUNDLE_FILES.manifest), `${JSON.stringify(this.manifest, null, 2)}\n`);
    if (this.profile !== undefined) fs.writeFileSync(path.join(outputDir, QUALITY_BUNDLE_FILES.profile), serializeProfile(this.profile));
    return true;
  }
}
