import { escapeForTerminal } from '@mcp-oauth/config';

/** Renders rows as left-aligned columns separated by two spaces (trailing spaces trimmed). Widths are computed on
 * the plain text; `decorate` styles a cell after padding so escape codes never skew the layout. Every cell goes
 * through `escapeForTerminal` first (capped at 512 characters): tables show server text (issuer, resource, scopes,
 * URLs, tool names and descriptions), and a table is where the output layer makes it safe. */
export function renderColumns(
  cells: readonly (readonly string[])[],
  decorate: (cell: string, column: number, row: number) => string = (cell) => cell,
  indent = '',
): string[] {
  const rows = cells.map((row) => row.map((cell) => escapeForTerminal(cell)));
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row, r) => {
    const last = row.length - 1;
    const cells = row.map((cell, i) => decorate(i === last ? cell : cell.padEnd(widths[i] ?? 0), i, r));
    return `${indent}${cells.join('  ')}`.trimEnd();
  });
}
