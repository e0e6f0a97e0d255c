/** An evaluation that cannot run as asked: bad data, an unknown metric or column, an unreadable baseline. */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}
