/** An evaluation that cannot run as asked: bad data, an unknown metric or column, an unreadable baseline. */
import { CheckFailure } from '../../lambda/core/modelstack-error';
export class EvaluationError extends CheckFailure {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}
