import { CheckFailure } from '../../lambda/core/modelstack-error';

/** A verification that cannot run as asked: no stack, no credentials, a stack without the outputs it reads. */
export class VerifyError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}
