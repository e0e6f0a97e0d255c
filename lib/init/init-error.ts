/**
 * Raised by `modelstack init` when the model, the data or the options cannot give a manifest: the message says
 * what, with the value found and what is allowed. The CLI exits 1 for it (a failed check, not a bug).
 */
import { CheckFailure } from '../../lambda/core/modelstack-error';
export class InitError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'InitError';
  }
}
