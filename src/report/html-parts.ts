// The pieces report.html, the capacity report.html and the live dashboard share: one style sheet
// and one table, so the pages look alike and every cell is escaped the same way.

import type { SlaResult } from '../verdict/evaluate-sla.js';
import { escapeHtml } from './svg-charts.js';

export const REPORT_CSS = `body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#222;padding:0 1rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;font-size:.85rem}
th,td{padding:.25rem .6rem;border-bottom:1px solid #ddd}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37}.fail{color:#cf222e}.badge{font-weight:bold;padding:.1rem .5rem;border:2px solid currentColor;border-radius:4px}
p.note{color:#555;font-size:.85rem}`;

export interface HtmlTableOptions {
  /** Columns from this index on are numbers: right-aligned, tabular figures. */
  readonly numericFrom?: number;
  readonly id?: string;
}

export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: HtmlTableOptions = {},
): string {
  const numericFrom = options.numericFrom ?? Number.POSITIVE_INFINITY;
  const cls = (i: number): string => (i >= numericFrom ? ' class="n"' : '');
  const head = `<tr>${header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table${options.id === undefined ? '' : ` id="${escapeHtml(options.id)}"`}>${head}${body}</table>`;
}

/** The SLA checks as a table, or `none` (a sentence) when the scenario has none. */
export function slaTable(checks: readonly SlaResult[], none: string): string {
  if (checks.length === 0) return `<p>${escapeHtml(none)}</p>`;
  return htmlTable(
    ['check', 'result', 'detail'],
    checks.map((r) => [r.check, r.pass ? 'pass' : 'FAIL', r.detail]),
  );
}
