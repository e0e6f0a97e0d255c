/**
 * Validation of construct props: every problem names the property, the value and what is allowed; problems are
 * collected and thrown once, so a user fixes them all in one go. Values that are unresolved tokens are skipped by
 * the helpers (they cannot be checked at synth).
 */
import { Duration, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { CheckFailure } from '../lambda/core/modelstack-error';

/** CloudWatch metric namespaces: 1-255 of these characters, not starting with `AWS/` (reserved for AWS). */
const METRICS_NAMESPACE_PATTERN = /^(?!AWS\/)[A-Za-z0-9._\-/#: ]{1,255}$/;

/** Thrown by a construct whose props are invalid; `problems` lists each one. */
export class PropsValidationError extends CheckFailure {
  constructor(
    /** Path of the construct whose props were refused. */
    readonly constructPath: string,
    /** One line per problem: `property: what is allowed (got value)`. */
    readonly problems: readonly string[],
  ) {
    super(`Invalid props for ${constructPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PropsValidationError';
  }
}

/** Renders a value for an error message. */
function show(value: unknown): string {
  if (value instanceof Duration) return value.toHumanString();
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}

/** Collects problems with a construct's props and throws them together. */
export class PropsValidator {
  private readonly problems: string[] = [];

  constructor(private readonly scope: IConstruct) {}

  /** Records that `property` has `value`, which is not allowed; `allowed` says what is. */
  public fail(property: string, value: unknown, allowed: string): void {
    this.problems.push(`${property} must be ${allowed} (got ${show(value)})`);
  }

  /** Checks a whole number in `[min, max]`; skips undefined and tokens. */
  public integerInRange(property: string, value: number | undefined, min: number, max: number, unit = ''): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    if (!Number.isInteger(value) || value < min || value > max) {
      this.fail(property, value, `a whole number from ${min}${unit} to ${max}${unit}`);
    }
  }

  /** Checks a duration in whole `unit`s within `[min, max]`; skips undefined and tokens. */
  public durationInRange(property: string, value: Duration | undefined, min: Duration, max: Duration | undefined, unit: 'seconds' | 'days'): void {
    if (value === undefined || value.isUnresolved()) return;
    const seconds = value.toSeconds({ integral: false });
    const unitSeconds = unit === 'days' ? 86_400 : 1;
    const wholeUnits = Number.isInteger(seconds / unitSeconds);
    if (!wholeUnits || seconds < min.toSeconds() || (max !== undefined && seconds > max.toSeconds())) {
      const range = max === undefined ? `at least ${min.toHumanString()}` : `from ${min.toHumanString()} to ${max.toHumanString()}`;
      this.fail(property, value, `a whole number of ${unit} ${range}`);
    }
  }

  /** Checks a CloudWatch namespace the runtime may write to (1-255 characters, not `AWS/`); skips tokens. */
  public metricsNamespace(property: string, value: string): void {
    if (!Token.isUnresolved(value) && !METRICS_NAMESPACE_PATTERN.test(value)) {
      this.fail(property, value, "1-255 letters, digits, spaces or . _ - / # :, not starting with 'AWS/'");
    }
  }

  /** Throws a {@link PropsValidationError} listing every problem, if any. */
  public throwIfInvalid(): void {
    if (this.problems.length > 0) {
      throw new PropsValidationError(this.scope.node.path, this.problems);
    }
  }
}
