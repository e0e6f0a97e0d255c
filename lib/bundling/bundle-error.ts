/** The error of every bundling step. */
import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Raised when a bundle cannot be built or is over its target's size limit. */
export class BundleError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}
