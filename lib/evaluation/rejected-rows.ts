/**
 * Rows of the evaluation data the runtime (or the target column) rejects: counted per reason, never skipped
 * silently. A reason is the field and what was allowed, so rows with the same fault group together.
 */
import type { InputProblem } from '../../lambda/core/types';

/** Rows rejected for one reason. */
export interface RejectionReason {
  /** E.g. `mean_radius: expected a number of at least 0`. */
  readonly reason: string;
  readonly count: number;
  /** File lines (1-based) of the first few such rows. */
  readonly exampleLines: readonly number[];
}

export interface RejectedRows {
  readonly count: number;
  /** Share of the data rows (0-1). */
  readonly share: number;
  /** Most frequent reason first. */
  readonly byReason: readonly RejectionReason[];
}

const EXAMPLES_KEPT = 5;

/** Counts rejected rows by reason while the data streams through. */
export class RejectionTally {
  private readonly reasons = new Map<string, { count: number; exampleLines: number[] }>();
  private rows = 0;

  /** Records one rejected row with the first of its problems (the row is counted once). */
  reject(line: number, reason: string): void {
    this.rows++;
    const entry = this.reasons.get(reason) ?? { count: 0, exampleLines: [] };
    entry.count++;
    if (entry.exampleLines.length < EXAMPLES_KEPT) entry.exampleLines.push(line);
    this.reasons.set(reason, entry);
  }

  /** Records a row the runtime refused, by its first problem. */
  rejectProblem(line: number, problem: InputProblem): void {
    this.reject(line, `${problem.field}: expected ${problem.allowed}`);
  }

  get count(): number {
    return this.rows;
  }

  summary(totalRows: number): RejectedRows {
    const byReason = [...this.reasons.entries()]
      .map(([reason, { count, exampleLines }]) => ({ reason, count, exampleLines }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    return { count: this.rows, share: totalRows === 0 ? 0 : this.rows / totalRows, byReason };
  }
}
