/**
 * Pure formatting of benchmark results: numbers, goal verdicts, console tables and Markdown. No I/O; unit-tested in
 * `test/bench/format.test.ts`.
 */

/** A goal is reported, never enforced: a MISS does not fail the run. `N/A` when the figure could not be measured. */
export type Verdict = 'PASS' | 'MISS' | 'N/A';

/** How a measured value is compared with its threshold. */
export type Comparison = '<=' | '>=';

export interface Goal {
  /** Stable identifier, e.g. `overhead.batch64.ratio`. */
  readonly id: string;
  /** Human sentence, e.g. `batch 64: end-to-end within 1.2x of bare session.run`. */
  readonly description: string;
  /** The measured value the verdict is based on (unit in `unit`). */
  readonly value: number;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** Unit of `value` and `threshold`: `x` (ratio), `µs`, `ms`, `%`. */
  readonly unit: string;
  readonly verdict: Verdict;
}

/** A table as printed to the console and written to Markdown. All cells are already formatted strings. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Per column; default: first column left, the others right (numbers). */
  readonly align?: ReadonlyArray<'left' | 'right'>;
  /** Lines printed under the table. */
  readonly notes?: readonly string[];
}

/** PASS when `value` meets `threshold` by `comparison`, MISS when it does not, N/A when `value` is not finite. */
export function judge(value: number, comparison: Comparison, threshold: number): Verdict {
  if (!Number.isFinite(value)) return 'N/A';
  return (comparison === '<=' ? value <= threshold : value >= threshold) ? 'PASS' : 'MISS';
}

/** Builds a {@link Goal} with its verdict. */
export function goal(
  id: string,
  description: string,
  value: number,
  comparison: Comparison,
  threshold: number,
  unit: string,
): Goal {
  return { id, description, value, comparison, threshold, unit, verdict: judge(value, comparison, threshold) };
}

/**
 * A number with about three significant digits, never in exponent notation: `0.0123`, `1.23`, `12.3`, `123`,
 * `12345`. `n/a` for non-finite values.
 */
export function formatNumber(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, significant - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 6));
}

/** `1.23x`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** `45.6%` from a percentage value (not a fraction). */
export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(1)}%` : 'n/a';
}

/** `+12.3` / `-4.56`: a signed difference. */
export function formatSigned(value: number, significant = 3): string {
  if (!Number.isFinite(value)) return 'n/a';
  const text = formatNumber(Math.abs(value), significant);
  return value < 0 ? `-${text}` : `+${text}`;
}

/** `12.3 µs`. */
export function formatMicros(value: number): string {
  return Number.isFinite(value) ? `${formatNumber(value)} µs` : 'n/a';
}

/** `123 ms`. */
export function formatMillis(value: number): string {
  return Number.isFinite(value) ? `${formatNumber(value)} ms` : 'n/a';
}

/** The measured side of a goal, e.g. `1.35x` or `41.2 µs`. */
export function formatGoalValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (unit === 'x') return formatRatio(value);
  if (unit === '%') return formatPercent(value);
  return `${formatNumber(value)} ${unit}`;
}

/** One line per goal: `PASS  batch 64 ... : 1.10x (goal <= 1.2x)`. */
export function formatGoalLine(g: Goal): string {
  return `${g.verdict.padEnd(4)}  ${g.description}: ${formatGoalValue(g.value, g.unit)} (goal ${g.comparison} ${formatGoalValue(g.threshold, g.unit)})`;
}

/** Goals as a table. */
export function goalsTable(title: string, goals: readonly Goal[]): Table {
  return {
    title,
    columns: ['goal', 'measured', 'target', 'verdict'],
    rows: goals.map((g) => [
      g.description,
      formatGoalValue(g.value, g.unit),
      `${g.comparison} ${formatGoalValue(g.threshold, g.unit)}`,
      g.verdict,
    ]),
  };
}

/** Display width of a cell: code points, so `µ` counts as one column. */
function width(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, size: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'left' ? text + fill : fill + text;
}

function alignmentOf(table: Table, column: number): 'left' | 'right' {
  return table.align?.[column] ?? (column === 0 ? 'left' : 'right');
}

/** A plain-text table with aligned columns, for the console. */
export function formatTable(table: Table): string {
  const widths = table.columns.map((header, column) =>
    Math.max(width(header), ...table.rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => pad(cell, widths[column], alignmentOf(table, column))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [table.title, line(table.columns), rule, ...table.rows.map((row) => line(row))];
  for (const note of table.notes ?? []) out.push(`  ${note}`);
  return out.join('\n');
}

/** Escapes a cell for a Markdown table. */
function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured Markdown table under a bold title. */
export function formatMarkdownTable(table: Table): string {
  const header = `| ${table.columns.map(markdownCell).join(' | ')} |`;
  const separator = `| ${table.columns.map((_, column) => (alignmentOf(table, column) === 'left' ? ':--' : '--:')).join(' | ')} |`;
  const rows = table.rows.map((row) => `| ${table.columns.map((_, column) => markdownCell(row[column] ?? '')).join(' | ')} |`);
  const out = [`**${markdownCell(table.title)}**`, '', header, separator, ...rows];
  if (table.notes !== undefined && table.notes.length > 0) {
    out.push('');
    for (const note of table.notes) out.push(`- ${note}`);
  }
  return out.join('\n');
}
