/**
 * Invalid input: {@link InvalidInputError} (a client error, HTTP 400) and how its problems are collected and read.
 * Every problem in a batch is collected, so one response tells the caller everything to fix; the message lists the
 * first {@link MAX_LISTED_PROBLEMS} and the error keeps the first {@link MAX_KEPT_PROBLEMS}.
 */
import { formatValue } from './issues';
import type { InputProblem } from './types';
import { CheckFailure } from './modelstack-error';

/** Problems named in an {@link InvalidInputError}'s message; the rest are counted ("and N more"). */
export const MAX_LISTED_PROBLEMS = 20;
/** Problems kept in {@link InvalidInputError.problems}; a huge bad batch must not build a huge error. */
export const MAX_KEPT_PROBLEMS = 100;
/** `field` of a problem with the instance itself (not an object or array, or the wrong length). */
export const INSTANCE_FIELD = '(instance)';

/** How a problem reads: `instances[3].mean_radius: "abc" is not allowed; expected a finite number`. */
export function formatProblem(problem: InputProblem): string {
  // Column- and shape-level problems (Open Inference Protocol forms) have no instance: instance is -1.
  let where: string;
  if (problem.instance < 0) where = problem.field;
  else if (problem.field === INSTANCE_FIELD) where = `instances[${problem.instance}]`;
  else where = `instances[${problem.instance}].${problem.field}`;
  return `${where}: ${problem.value} is not allowed; expected ${problem.allowed}`;
}

/**
 * The request's data does not fit the manifest (a client error: HTTP 400). `problems` holds the first
 * {@link MAX_KEPT_PROBLEMS}; `problemCount` counts them all.
 */
export class InvalidInputError extends CheckFailure {
  readonly problems: readonly InputProblem[];
  readonly problemCount: number;

  /**
   * @param problems the problems found (at most {@link MAX_KEPT_PROBLEMS} are kept)
   * @param options `problemCount` when more were found than passed; `message` to replace the generated one
   */
  constructor(problems: readonly InputProblem[], options: { problemCount?: number; message?: string } = {}) {
    const kept = problems.slice(0, MAX_KEPT_PROBLEMS);
    const count = Math.max(options.problemCount ?? problems.length, problems.length);
    super(options.message ?? describeProblems(kept, count));
    this.name = 'InvalidInputError';
    this.problems = kept;
    this.problemCount = count;
  }
}

function describeProblems(problems: readonly InputProblem[], count: number): string {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${formatProblem(p)}`);
  const more = count - lines.length;
  if (more > 0) lines.push(`  - and ${more} more`);
  return `Invalid input (${count} problem${count === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Collects problems for one batch; renders values only for the problems it keeps. */
export class ProblemSink {
  readonly problems: InputProblem[] = [];
  count = 0;

  add(instance: number, field: string, value: unknown, allowed: string): void {
    this.count++;
    if (this.problems.length < MAX_KEPT_PROBLEMS) {
      this.problems.push({ instance, field, value: renderValue(value), allowed });
    }
  }

  /** `value` is already rendered (e.g. `an array of 3 values`). */
  addRendered(instance: number, field: string, value: string, allowed: string): void {
    this.count++;
    if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push({ instance, field, value, allowed });
  }

  throwIfAny(): void {
    if (this.count > 0) throw new InvalidInputError(this.problems, { problemCount: this.count });
  }
}

/** Like formatValue, but NaN and ±Infinity read as themselves rather than as JSON's `null`. */
function renderValue(value: unknown): string {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : formatValue(value);
}

/** The error for a batch without instances. */
export function emptyBatch(): InvalidInputError {
  return new InvalidInputError(
    [{ instance: -1, field: 'instances', value: '[]', allowed: 'at least one instance' }],
    { message: 'Invalid input: the batch is empty; send at least one instance' },
  );
}
