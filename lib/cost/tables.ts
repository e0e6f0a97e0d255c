/** Plain-text and Markdown tables for the estimate and review reports. */

/** Columns aligned with spaces; `right` lists the columns to right-align (numbers). */
export function textTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, right: ReadonlySet<number> = new Set()): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)];
}

/** A group of rows under a heading line (e.g. a resource and its line items). */
export interface RowGroup {
  readonly heading: string;
  readonly rows: ReadonlyArray<readonly string[]>;
}

/**
 * Aligned columns in groups: each heading is printed on its own line, its rows indented under it; the column
 * widths come from the rows only, so a long heading does not widen the table.
 */
export function groupedTextTable(headers: readonly string[], groups: readonly RowGroup[], right: ReadonlySet<number> = new Set(), footer?: readonly string[]): string[] {
  const all = [...groups.flatMap((group) => group.rows.map((row) => ['  ' + (row[0] ?? ''), ...row.slice(1)])), ...(footer === undefined ? [] : [footer])];
  const [head, rule, ...body] = textTable(headers, all, right);
  const out = [head, rule];
  let index = 0;
  for (const group of groups) {
    out.push(group.heading);
    for (let i = 0; i < group.rows.length; i += 1) out.push(body[index++]);
  }
  if (footer !== undefined) out.push(rule, body[index]);
  return out;
}

/** A cell safe inside a Markdown table (pipes escaped, newlines flattened). */
export function markdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A Markdown table; `right` lists the columns to right-align. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, right: ReadonlySet<number> = new Set()): string[] {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(headers), `|${headers.map((_, column) => (right.has(column) ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(line)];
}
