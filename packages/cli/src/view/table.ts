/** Renders rows as left-aligned columns separated by two spaces (trailing spaces trimmed). Widths are computed on
 * the plain text; `decorate` styles a cell after padding so escape codes never skew the layout. */
export function renderColumns(
  rows: readonly (readonly string[])[],
  decorate: (cell: string, column: number, row: number) => string = (cell) => cell,
  indent = '',
): string[] {
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
