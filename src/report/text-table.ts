// Fixed-width text tables for the terminal summary: columns sized to their widest cell, numbers
// right-aligned so digits line up, text left-aligned. Width counts code points, not UTF-16 units,
// so "—" and "µs" do not push a column out of line.

export type Align = 'left' | 'right';

const width = (s: string): number => [...s].length;

export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[],
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i]! - width(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
