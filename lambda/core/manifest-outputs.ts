/**
 * What a validated manifest says about the model's outputs. Apart from the schema (manifest.ts), so the request
 * path reads it without building the schema.
 */
import type { Manifest } from './manifest';

/** A multi-output regression's target names, in the value tensor's column order; `undefined` otherwise. */
export function regressionTargets(manifest: Manifest): readonly string[] | undefined {
  return manifest.task === 'regression' ? manifest.output.targets : undefined;
}

/** Names of the output tensors the manifest reads: the scores (or value), then the label tensor if any. */
export function outputTensorNames(manifest: Manifest): string[] {
  if (manifest.task === 'regression') return [manifest.output.value];
  const { output } = manifest;
  const scores = output.probabilities ?? output.logits ?? output.positiveProbability ?? '';
  return output.label === undefined ? [scores] : [scores, output.label];
}
