import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildReport } from '../../src/report/build-report.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderSummary } from '../../src/report/render-summary.js';
import { metricLookup } from '../../src/report/report-metrics.js';
import { writeReport } from '../../src/report/write-report.js';
import { evaluateSla } from '../../src/verdict/evaluate-sla.js';
import { SLA_METRICS } from '../../src/scenario/sla-metrics.js';
import { fixtureInputs, PERSONAL_KEY, T0, TOKEN } from './report-fixture.js';

const near = (actual: number | null, expected: number, what: string): void => {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= expected * 0.001 + 0.001,
    `${what}: ${actual} vs ${expected}`,
  );
};

describe('buildReport', () => {
  const report = buildReport(fixtureInputs());

  it('accounts every event from the ledger and the exact row counts', () => {
    assert.equal(report.schemaVersion, 2);
    assert.deepEqual(
      { ...report.classes.identified, rate: null },
      {
        planned: 12,
        sent: 12,
        acknowledged: 12,
        rejected: 0,
        dropped: 0,
        failed: 0,
        visible: 12,
        lost: 0,
        unverified: 0,
        duplicates: 0,
        visibleUnacknowledged: 0,
        rate: null,
      },
    );
    assert.deepEqual(
      { ...report.classes.anonymous, rate: null },
      {
        planned: 108,
        sent: 107,
        acknowledged: 106,
        rejected: 1,
        dropped: 1,
        failed: 0,
        visible: 104,
        lost: 2,
        unverified: 0,
        duplicates: 2,
        visibleUnacknowledged: 0,
        rate: null,
      },
    );
    assert.equal(report.totals.lost, 2);
    assert.equal(report.totals.duplicates, 2);
    // Measured phase: 100 planned over 10 s, 99 sent (seq 61 dropped).
    assert.deepEqual(report.totals.rate, { target: 10, achieved: 9.9 });
  });

  it('gives latency figures from the histograms, visible ones with their resolution', () => {
    const ack = report.latency.ack.all;
    assert.equal(ack.count, 10);
    near(ack.p50, 50, 'ack p50');
    near(ack.p90, 90, 'ack p90');
    near(ack.max, 1000, 'ack max');
    assert.equal(ack.resolutionMs, undefined);
    near(report.latency.sendDelay.identified.p99, 5, 'send delay identified p99');
    const visible = report.latency.visible;
    // Measured, visible: seq 20..119 except 51, 53 (lost), 61 (dropped), 62 (rejected): 1000 + seq ms.
    assert.equal(visible.all.count, 96);
    assert.equal(visible.identified.count, 10);
    near(visible.all.max, 1119, 'visible max');
    near(visible.identified.p50, 1060, 'identified visible p50'); // seq 20,30,…,110 → 1020…1110
    assert.equal(visible.all.resolutionMs, 1040);
    assert.equal(visible.anonymous.unit, 'ms');
    assert.match(visible.all.histogram, /^[A-Za-z0-9+/=]+$/);
    near(report.latency.created?.identified.p50 ?? null, 800, 'created_at identified p50');
    assert.equal(report.latency.created?.all.count, 2);
    assert.equal(report.latency.created?.all.resolutionMs, undefined);
  });

  it('puts sent, acked, visible and errors on one per-second timeline', () => {
    assert.equal(report.timeline.length, 14); // visible runs a second past the last send
    const { classes, ...all } = report.timeline[6]!;
    assert.deepEqual(all, { second: 6, sent: 10, acknowledged: 10, visible: 8, errors: 3 }); // seq 50…59 but 51, 53
    assert.equal(
      report.timeline.reduce((s, p) => s + p.visible, 0),
      116,
    );
    // Per class: sent by intended second (seq 60…69, 61 never sent), acked by ack time (62 rejected),
    // visible by first-seen time (seq 50…59: 50 identified), latency of the events intended then.
    assert.deepEqual(
      { ...classes.identified, visibleP50: null, visibleP99: null },
      { sent: 1, acknowledged: 1, visible: 1, visibleP50: null, visibleP99: null, latencyCount: 1 },
    );
    near(classes.identified.visibleP50, 1060, 'identified p50 of second 6');
    assert.deepEqual(
      { ...classes.anonymous, visibleP50: null, visibleP99: null },
      { sent: 8, acknowledged: 7, visible: 7, visibleP50: null, visibleP99: null, latencyCount: 7 }, // 63…69
    );
    near(classes.anonymous.visibleP50, 1066, 'anonymous p50 of second 6');
    near(classes.anonymous.visibleP99, 1069, 'anonymous p99 of second 6');
    // Warmup seconds count events but have no latency (warmup is not measured).
    assert.equal(report.timeline[0]!.classes.anonymous.latencyCount, 0);
    assert.equal(report.timeline[0]!.classes.anonymous.visibleP50, null);
    assert.equal(report.timeline[0]!.classes.anonymous.sent, 9);
    for (const cls of ['anonymous', 'identified'] as const) {
      assert.equal(
        report.timeline.reduce((s, p) => s + p.classes[cls].visible, 0),
        report.classes[cls].visible,
      );
      assert.equal(
        report.timeline.reduce((s, p) => s + p.classes[cls].acknowledged, 0),
        report.classes[cls].acknowledged,
      );
    }
  });

  it('says whether visible p50 grew over the steady phase, by least squares', () => {
    // Latency = 1000 + seq ms and 10 events a second: p50 rises ~10 ms a second, 600 ms/min.
    const { lagTrend } = report;
    assert.equal(lagTrend.window, 'steady');
    assert.deepEqual([lagTrend.fromSecond, lagTrend.toSecond], [2, 12]);
    near(lagTrend.classes.anonymous.p50MsPerMinute, 600, 'anonymous slope');
    assert.equal(lagTrend.classes.anonymous.points, 10);
    assert.equal(lagTrend.classes.anonymous.direction, 'flat'); // +90 ms over 9 s < 1040 ms resolution
    assert.equal(lagTrend.classes.identified.points, 10);
  });

  it('reports clock skew per metric, none in this run', () => {
    for (const metric of ['ack', 'sendDelay', 'visible', 'created'] as const)
      assert.deepEqual(report.clockSkew[metric], { count: 0, worstMs: null });
  });

  it('names the run without secrets: target URLs stripped of userinfo and query', () => {
    assert.deepEqual(report.run.target, {
      kind: 'posthog',
      captureUrl: 'https://capture.example.test',
      queryUrl: 'https://query.example.test',
      projectId: '12',
    });
    assert.equal(report.run.startedAt, new Date(T0).toISOString());
    assert.equal(report.run.endedAt, new Date(T0 + 45_000).toISOString());
    assert.equal(report.observation.drainTimeoutMs, 30_000);
  });

  it('keeps every secret out of report.json, summary.md and report.html', () => {
    const withSla = {
      ...report,
      ...evaluateSla([{ source: 'lost < 1', metric: 'lost', op: '<', threshold: 1 }], metricLookup(report)),
    };
    for (const output of [
      JSON.stringify(withSla),
      renderMarkdown(withSla),
      renderHtml(withSla),
      renderSummary(withSla),
    ]) {
      assert.ok(!output.includes(TOKEN) && !output.includes(PERSONAL_KEY), 'a secret leaked');
      assert.ok(!/ph[cx]_/.test(output), 'something shaped like a key leaked');
    }
  });

  it('escapes names and error kinds in HTML and Markdown', () => {
    const html = renderHtml(report);
    assert.ok(!html.includes('<script>'), 'scenario name must not become a script tag');
    assert.ok(html.includes('fixture &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; | pipes'));
    assert.ok(html.includes('http_503 &lt;b&gt;') && !html.includes('<b>'));
    assert.ok(
      !/<(link|img|script|iframe)\b|https?:\/\/(?!capture\.example|query\.example|www\.w3\.org)/i.test(html),
      'self-contained: no external assets',
    );
    // Latency by percentile, events per second, and lag over time (latency + one chart per class).
    assert.equal((html.match(/<svg /g) ?? []).length, 5);
    const md = renderMarkdown(report);
    assert.ok(md.includes('fixture &lt;script&gt;alert("x")&lt;/script&gt; \\| pipes'));
    assert.ok(!md.includes('<script>'));
  });

  it('prints the summary table with per-class percentiles, counts and the verdict', () => {
    const text = renderSummary(report);
    assert.match(text, /^visible\s+all\s+96\s+/m);
    // The resolution is a one-sided bound (a figure may be late by it, never early): never ±.
    assert.match(text, /\+≤1\.04 s/);
    assert.match(text, /resolution \+≤1\.04 s/);
    for (const rendering of [text, renderMarkdown(report), renderHtml(report)]) {
      assert.ok(!rendering.includes('±'), 'no ± anywhere');
      assert.ok(rendering.includes('+≤1.04 s'), 'the bound in every rendering');
    }
    assert.match(text, /^created_at \(ingestion worker\)\s+all\s+2\s+/m);
    assert.match(text, /^anonymous\s+108\s+107\s+106\s+1\s+1\s+0\s+104\s+2\s+2\s+/m);
    assert.match(text, /lost 2 \(1\.69% of acknowledged\), duplicates 2, capture errors 0\.84% of sent/);
    assert.match(text, /verdict: PASS/);
    assert.match(text, /anonymous ingestion CPU per event\s+250\.0 µs \(4,000 events, 1\.000 s\)/);
    assert.match(text, /identified \/ anonymous CPU per event\s+4\.00×/);
    assert.match(text, /ingestion process CPU during the run\s+2\.25 s/);
  });
});

describe('metricLookup', () => {
  const report = buildReport(fixtureInputs());
  const lookup = metricLookup(report);

  it('answers every path of the SLA catalogue with a number (capacity.* belong to capacity runs)', () => {
    assert.ok(SLA_METRICS.length >= 3 * (15 + 9) + 3);
    for (const m of SLA_METRICS) {
      if (m.path.startsWith('capacity.')) {
        assert.equal(lookup(m.path), null, m.path);
        continue;
      }
      const v = lookup(m.path);
      assert.equal(typeof v, 'number', `${m.path} → ${v}`);
      assert.ok(Number.isFinite(v), m.path);
    }
  });

  it('reads the right figure for each kind of path, null for unknown or unmeasured ones', () => {
    near(lookup('visible.max'), 1119, 'visible.max');
    near(lookup('identified.visible.p50'), 1060, 'identified.visible.p50');
    near(lookup('anonymous.ack.p90'), 90, 'anonymous.ack.p90');
    assert.equal(lookup('lost'), 2);
    assert.equal(lookup('identified.lost'), 0);
    assert.equal(lookup('anonymous.duplicates'), 2);
    assert.equal(lookup('anonymous.lost_share'), 2 / 106);
    assert.equal(lookup('lost_share'), 2 / 118);
    assert.equal(lookup('capture.error_share'), (119 - 118) / 119);
    assert.equal(lookup('rate.achieved_share'), 0.99);
    assert.equal(lookup('rate.achieved'), 9.9);
    assert.equal(lookup('planned'), 120);
    assert.equal(lookup('failed'), report.totals.failed);
    assert.equal(lookup('dropped_share'), report.totals.dropped / 120);
    assert.equal(lookup('anonymous.dropped_share'), 1 / 108);
    assert.equal(lookup('identified.lost_share'), 0);
    assert.equal(lookup('visible.p42'), null);
    assert.equal(lookup('nonsense'), null);
    assert.equal(lookup('anonymous.visible.p50.extra'), null);
  });

  it('is null where nothing was measured, so an SLA on it fails rather than passes', () => {
    const inputs = fixtureInputs();
    const empty = buildReport({
      ...inputs,
      load: {
        ...inputs.load,
        histograms: {
          ...inputs.load.histograms,
          sendDelay: { ...inputs.load.histograms.sendDelay, identified: '' },
        },
      },
    });
    const l = metricLookup(empty);
    assert.equal(l('identified.sendDelay.p99'), null);
    assert.equal(empty.latency.sendDelay.identified.count, 0);
    assert.equal(
      evaluateSla(
        [
          {
            source: 'identified.sendDelay.p99 < 1s',
            metric: 'identified.sendDelay.p99',
            op: '<',
            threshold: 1000,
          },
        ],
        l,
      ).verdict,
      'fail',
    );
  });
});

describe('renderJunit', () => {
  it('makes one case per SLA check, failed checks as failures, names escaped', () => {
    const report = buildReport(fixtureInputs());
    const { results, verdict } = evaluateSla(
      [
        { source: 'lost < 1 && "<x>"', metric: 'lost', op: '<', threshold: 1 },
        { source: 'visible.p99 < 5s', metric: 'visible.p99', op: '<', threshold: 5000 },
      ],
      metricLookup(report),
    );
    const xml = renderJunit({ ...report, sla: results, verdict, run: { ...report.run, partial: true } });
    assert.match(xml, /<testsuites name="ingestbench" tests="3" failures="2">/);
    assert.match(
      xml,
      /<testcase classname="ingestbench.sla" name="lost &lt; 1 &amp;&amp; &quot;&lt;x&gt;&quot;">\n\s+<failure message="lost = /,
    );
    assert.match(xml, /<testcase classname="ingestbench.sla" name="visible.p99 &lt; 5s"\/>/);
    assert.match(xml, /<testcase classname="ingestbench.sla" name="run completed">\n\s+<failure/);
    assert.match(xml, /time="45.000"/);
    assert.ok(!xml.includes('<script>'));
  });
});

describe('writeReport', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('writes report.json, summary.md, report.html and junit.xml into the run directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ingestbench-report-'));
    dirs.push(root);
    const report = buildReport(fixtureInputs());
    const dir = await writeReport(report, join(root, 'reports', report.run.id));
    assert.equal(dir, join(root, 'reports', 'run-fixture'));
    assert.deepEqual((await readdir(dir)).sort(), ['junit.xml', 'report.html', 'report.json', 'summary.md']);
    const json = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as typeof report;
    assert.equal(json.totals.lost, 2);
    assert.equal(json.latency.visible.all.histogram, report.latency.visible.all.histogram);
  });
});
