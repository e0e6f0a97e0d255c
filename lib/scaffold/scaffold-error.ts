import { CheckFailure } from '../../lambda/core/modelstack-error';

/** Raised when `modelstack new` cannot write the project; lists every problem with its option. */
export class ScaffoldError extends CheckFailure {
  constructor(readonly problems: readonly string[]) {
    super(`modelstack new:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ScaffoldError';
  }
}
