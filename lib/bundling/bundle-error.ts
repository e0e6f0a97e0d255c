/** The error of every bundling step. */

/** Raised when a bundle cannot be built or is over its target's size limit. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}
