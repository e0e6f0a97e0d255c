/**
 * The error of an invalid manifest, in a module of its own: hosts that read a manifest validated at synth (the
 * Lambda function) check for it without loading the manifest schema.
 */
import { CheckFailure } from './modelstack-error';

/** Raised when a manifest is invalid; `problems` lists every problem found, each naming its JSON path. */
export class ManifestError extends CheckFailure {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid model manifest:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ManifestError';
  }
}
