// junit.xml: the SLA verdict in the format CI systems already display (GitLab, Jenkins, GitHub
// test reporters): one test case per SLA check, failed checks as <failure> with the measured
// value, and a case for the run itself that fails when it was cut short.

import type { Report, RunInfo } from './report-types.js';

/** What junit.xml reads: a run report or a capacity report. */
export type JunitSource = Pick<Report, 'sla' | 'verdict'> & {
  readonly run: Pick<RunInfo, 'id' | 'partial' | 'startedAt' | 'endedAt' | 'scenario'>;
};

/** Text and attribute values safe in XML 1.0 (control characters other than tab/newline dropped). */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- stripping exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

interface Case {
  readonly name: string;
  readonly failure: string | null;
}

/** `properties`: extra figures shown with the suite (a capacity run's rates and ratio). */
export function renderJunit(report: JunitSource, properties: Readonly<Record<string, string>> = {}): string {
  const cases: Case[] = [
    {
      name: 'run completed',
      failure: report.run.partial
        ? 'the run was stopped before its planned end; figures cover part of the plan'
        : null,
    },
    ...report.sla.map((r) => ({ name: r.check, failure: r.pass ? null : r.detail })),
  ];
  const failures = cases.filter((c) => c.failure !== null).length;
  const seconds = (Date.parse(report.run.endedAt) - Date.parse(report.run.startedAt)) / 1000;
  const suite = escapeXml(`ingestbench ${report.run.scenario.name}`);
  const body = cases
    .map((c) => {
      const open = `    <testcase classname="ingestbench.sla" name="${escapeXml(c.name)}"`;
      return c.failure === null
        ? `${open}/>`
        : `${open}>\n      <failure message="${escapeXml(c.failure)}">${escapeXml(c.failure)}</failure>\n    </testcase>`;
    })
    .join('\n');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="ingestbench" tests="${cases.length}" failures="${failures}">\n` +
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="0" ` +
    `timestamp="${escapeXml(report.run.startedAt)}" time="${Number.isFinite(seconds) ? seconds.toFixed(3) : '0'}">\n` +
    `    <properties><property name="run" value="${escapeXml(report.run.id)}"/><property name="verdict" value="${report.verdict}"/>${Object.entries(
      properties,
    )
      .map(([name, value]) => `<property name="${escapeXml(name)}" value="${escapeXml(value)}"/>`)
      .join('')}</properties>\n` +
    `${body}\n  </testsuite>\n</testsuites>\n`
  );
}
