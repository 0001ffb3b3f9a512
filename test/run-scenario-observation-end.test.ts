// How a run's observation ends when it cannot run its course, end to end against the embedded
// target: interrupted (Ctrl-C) runs get one bounded final poll whose events count as visible, the
// rest as unverified; a query API that goes away ends observation within seconds and the run still
// reports, with the unchecked events unverified, never lost.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { request } from 'undici';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import type { Target } from '../src/targets/target.js';
import { shortScenarioText } from './short-scenario.js';

const targets: Target[] = [];
after(() => Promise.all(targets.map((t) => t.stop())));

async function embedded(): Promise<Target> {
  const target = await startEmbeddedTarget({});
  targets.push(target);
  return target;
}

/** A pass-through to the target's query API that can be cut off (a lost query API). */
async function queryProxy(upstream: string): Promise<{ url: string; cut: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      request(`${upstream}${req.url ?? '/'}`, {
        method: 'POST',
        headers: {
          authorization: req.headers.authorization ?? '',
          'content-type': 'application/json',
        },
        body: Buffer.concat(chunks),
      })
        .then(async (r) =>
          res.writeHead(r.statusCode, { 'content-type': 'application/json' }).end(await r.body.text()),
        )
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('run observation that cannot run its course', () => {
  it('interrupted: sending stops, one final poll sees what landed, the rest is unverified (not lost)', async () => {
    const target = await embedded();
    // A 30 s poll interval: the only poll after sending began is the final one.
    const scenario = parseScenario(
      shortScenarioText({
        name: 'interrupted',
        seed: 3,
        rate: 300,
        duration: '20s',
        populationSize: 200,
        pollInterval: '30s',
        drainTimeout: '15s',
        sla: ['lost == 0'],
      }),
      'interrupted.yaml',
    );
    const interrupt = new AbortController();
    const started = Date.now();
    const report = await runScenario({
      scenario,
      target,
      workers: 1,
      signal: interrupt.signal,
      onProgress: (p) => {
        // Interrupt once events were acknowledged (fired before any send, it would show nothing).
        if (p.stage === 'load' && p.load.acknowledged >= 300) interrupt.abort(new Error('SIGINT'));
      },
    });
    assert.ok(Date.now() - started < 18_000, 'stopped early, final poll bounded');
    assert.equal(report.run.partial, true);
    assert.equal(report.verdict, 'fail');
    assert.equal(report.observation.endReason, 'stopped');
    assert.equal(report.observation.complete, false);
    const t = report.totals;
    assert.ok(t.acknowledged >= 300 && t.acknowledged < 6000, `${t.acknowledged} acknowledged`);
    assert.ok(t.visible > 0, 'the final poll saw the events that had landed');
    assert.equal(t.lost, 0, 'nothing unchecked is called lost');
    assert.equal(t.visible + t.unverified, t.acknowledged);
  });

  it('interrupted in counts mode: unverified (not lost) events, no drill-down, a per-class timeline', async () => {
    const target = await embedded();
    const scenario = parseScenario(
      shortScenarioText({
        name: 'interrupted-counts',
        seed: 5,
        rate: 300,
        duration: '20s',
        populationSize: 200,
        pollInterval: '30s',
        drainTimeout: '15s',
        sla: ['lost == 0'],
        method: 'counts',
      }),
      'interrupted-counts.yaml',
    );
    const interrupt = new AbortController();
    const started = Date.now();
    const report = await runScenario({
      scenario,
      target,
      workers: 1,
      signal: interrupt.signal,
      onProgress: (p) => {
        if (p.stage === 'load' && p.load.acknowledged >= 300) interrupt.abort(new Error('SIGINT'));
      },
    });
    assert.ok(Date.now() - started < 18_000, 'stopped early, final poll bounded');
    assert.equal(report.observation.method, 'counts');
    assert.equal(report.run.partial, true);
    assert.equal(report.run.stop?.reason, 'interrupted');
    assert.equal(report.verdict, 'fail');
    assert.equal(report.observation.endReason, 'stopped');
    assert.equal(report.observation.complete, false);
    const t = report.totals;
    assert.ok(t.acknowledged >= 300 && t.acknowledged < 6000, `${t.acknowledged} acknowledged`);
    assert.ok(t.visible > 0, 'the final poll saw the events that had landed');
    assert.equal(t.lost, 0, 'nothing unchecked is called lost');
    assert.equal(t.visible + t.unverified, t.acknowledged);
    for (const cls of ['anonymous', 'identified'] as const) {
      const c = report.classes[cls];
      assert.equal(c.lost, 0);
      assert.equal(c.visible + c.unverified, c.acknowledged);
    }
    // Unverified events are not lost events: the drill-down that names lost ones did not run.
    assert.equal(report.observation.counts?.drillDown.shortBuckets, 0);
    assert.equal(report.observation.counts?.drillDown.queries, 0);
    // The timeline, from per-bucket data: per class, what was sent, acknowledged and seen, and
    // latency percentiles of the seconds whose events were seen.
    const { timeline } = report;
    assert.ok(timeline.length > 0);
    for (const cls of ['anonymous', 'identified'] as const) {
      const sum = (f: (s: (typeof timeline)[number]['classes'][typeof cls]) => number): number =>
        timeline.reduce((n, s) => n + f(s.classes[cls]), 0);
      const c = report.classes[cls];
      assert.equal(
        sum((s) => s.sent),
        c.sent,
      );
      assert.equal(
        sum((s) => s.acknowledged),
        c.acknowledged,
      );
      assert.equal(
        sum((s) => s.visible),
        c.visible,
      );
      assert.ok(c.visible > 0, `${cls}: some visible`);
      // Every visible event of this all-measured run has its latency in some second.
      assert.equal(
        sum((s) => s.latencyCount),
        report.latency.visible[cls].count,
      );
      assert.equal(report.latency.visible[cls].count, c.visible);
      const withP50 = timeline.filter((s) => s.classes[cls].visibleP50 !== null);
      assert.ok(withP50.length > 0);
      for (const s of withP50) assert.ok(s.classes[cls].visibleP50! > 0);
    }
    assert.equal(
      timeline.reduce((n, s) => n + s.visible, 0),
      t.visible,
    );
    assert.ok(report.lagTrend.classes.anonymous.points > 0);
  });

  it('query API lost mid-run: observation ends within seconds, the run reports, unseen events unverified', async () => {
    const target = await embedded();
    const proxy = await queryProxy(target.queryUrl);
    const scenario = parseScenario(
      shortScenarioText({
        name: 'query-api-lost',
        seed: 4,
        rate: 200,
        duration: '8s',
        populationSize: 200,
        pollInterval: '250ms',
        drainTimeout: '60s',
        sla: ['lost == 0'],
      }),
      'query-api-lost.yaml',
    );
    const cut: Promise<void>[] = [];
    const started = Date.now();
    const report = await runScenario({
      scenario,
      target: {
        ...target,
        queryUrl: proxy.url,
        describe: () => target.describe(),
        stop: () => target.stop(),
      },
      workers: 1,
      onProgress: (p) => {
        if (p.stage === 'load' && p.load.acknowledged >= 200 && cut.length === 0) cut.push(proxy.cut());
      },
    });
    await Promise.all(cut);
    assert.equal(cut.length, 1);
    // 8 s of load, then no drain to speak of: far less than the 60 s drain timeout.
    assert.ok(Date.now() - started < 30_000, `${Date.now() - started} ms`);
    assert.equal(report.run.partial, false);
    assert.equal(report.observation.endReason, 'query API unreachable');
    assert.match(report.observation.endDetail ?? '', /did not answer/);
    const t = report.totals;
    assert.equal(t.acknowledged, 1600);
    assert.equal(t.lost, 0);
    assert.ok(t.unverified > 0, `${t.unverified} unverified`);
    assert.equal(t.visible + t.unverified, t.acknowledged);
    assert.equal(report.verdict, 'fail');
    const check = report.sla.find((c) => c.check === 'observation complete');
    assert.ok(check && !check.pass && check.value === t.unverified, JSON.stringify(report.sla));
  });
});
