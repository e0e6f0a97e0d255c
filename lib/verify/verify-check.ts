/** One check of a deployed endpoint, and the report of all of them. */

/** One thing verify compared: what it expected, what it found. */
export interface VerifyCheck {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

/** Everything verify found about one environment. */
export interface VerifyReport {
  readonly environment: string;
  readonly stackName: string;
  readonly platform: 'lambda' | 'sagemaker';
  /** The endpoint's URL (the stack output). */
  readonly endpoint: string;
  readonly checks: readonly VerifyCheck[];
  /** True when every check passed. */
  readonly ok: boolean;
}

/** A check from a comparison of two values as text. */
export function equalCheck(name: string, expected: string, actual: string | undefined): VerifyCheck {
  return { name, expected, actual: actual ?? '(none)', ok: actual === expected };
}

/** A check that could not get its value: the error is what was found. */
export function failedCheck(name: string, expected: string, error: unknown): VerifyCheck {
  return { name, expected, actual: `error: ${error instanceof Error ? error.message : String(error)}`, ok: false };
}

/** Left-aligned columns (the cells are text, not numbers), a rule under the header. */
function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The report as a terminal table, then a verdict line. */
export function formatVerifyReport(report: VerifyReport): string[] {
  const rows = report.checks.map((c) => [c.ok ? 'ok' : 'FAIL', c.name, c.expected, c.actual.length > 120 ? `${c.actual.slice(0, 117)}...` : c.actual]);
  const failed = report.checks.filter((c) => !c.ok).length;
  return [
    `${report.stackName} (${report.environment}, ${report.platform}): ${report.endpoint}`,
    '',
    ...textTable(['', 'check', 'expected', 'found'], rows),
    '',
    failed === 0 ? `verified: ${report.checks.length} checks passed` : `NOT verified: ${failed} of ${report.checks.length} checks failed`,
  ];
}

/** What differs, one line per failed check, for the error message. */
export function differencesOf(report: VerifyReport): string[] {
  return report.checks.filter((c) => !c.ok).map((c) => `${c.name}: expected ${c.expected}, found ${c.actual}`);
}
