// Replays against the reference target, checked against what it stored: every recorded event comes
// back once, with its recorded properties, its class, its salted distinct id and the intended time
// its pace gives it (`--speed`: the recording's spacing divided by the speed; `--rate`: i / R).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeEventUuid, runTag } from '../src/generate/event-uuid.js';
import { scanReplay } from '../src/load/scan-replay.js';
import type { Report } from '../src/report/report-types.js';
import { runScenario } from '../src/run-scenario.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import type { ReplaySpec } from '../src/scenario/scenario.js';
import { startEmbeddedTarget } from '../src/targets/embedded-target.js';
import type { Target } from '../src/targets/target.js';
import { SHARED_CORPUS } from './reference/capture/capture-corpus.js';
import { targetHogql } from './target-hogql.js';

const FIXTURE = SHARED_CORPUS;
const RECORDED_AT = Date.parse('2024-05-01T12:00:00Z');
const SPACING_MS = 50;

interface Recorded {
  readonly event: string;
  readonly distinct_id: string;
  readonly properties: Record<string, unknown>;
  readonly timestampMs: number;
}

/**
 * A recording as the query API gives it: anonymous visitors (personless), identified users with
 * `$set`, an `$identify` that merges an anonymous id; properties as objects and as JSON text.
 */
function recording(n: number): Recorded[] {
  const out: Recorded[] = [];
  for (let i = 0; i < n; i++) {
    const user = i % 23;
    const anonymous = user % 3 === 0;
    const properties: Record<string, unknown> = {
      $current_url: `https://shop.example/p/${i}`,
      plan: user % 2 === 0 ? 'free' : 'team',
      items: i % 7,
      nested: { depth: [1, 2, { i }] },
      $process_person_profile: !anonymous,
    };
    if (!anonymous && i % 11 === 0) properties['$set'] = { email: `u${user}@shop.example` };
    const identify = !anonymous && i % 29 === 1;
    if (identify) properties['$anon_distinct_id'] = `anon-${user}`;
    out.push({
      event: identify ? '$identify' : i % 4 === 0 ? 'cart viewed' : '$pageview',
      distinct_id: anonymous ? `anon-${user}` : `user-${user}`,
      properties,
      // Not quite even, as real traffic is not.
      timestampMs: RECORDED_AT + i * SPACING_MS + (i % 3) * 7,
    });
  }
  return out;
}

function recordingText(events: readonly Recorded[]): string {
  return events
    .map((e, i) =>
      JSON.stringify({
        uuid: `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        event: e.event,
        distinct_id: e.distinct_id,
        // HogQL returns properties as JSON text; a batch export as an object. Both are read.
        properties: i % 2 === 0 ? JSON.stringify({ ...e.properties, token: 'phc_recorded' }) : e.properties,
        timestamp: new Date(e.timestampMs).toISOString(),
      }),
    )
    .join('\n');
}

let target: Target;
let dir: string;
before(async () => {
  target = await startEmbeddedTarget();
  dir = await mkdtemp(join(tmpdir(), 'ingestbench-replay-'));
});
after(async () => {
  await target.stop();
  await rm(dir, { recursive: true, force: true });
});

const scenarioText = `name: replay-test
replay: { file: unused.jsonl }
observation: { poll_interval: 250ms, drain_timeout: 30s }
sla: [lost == 0]
`;

async function replay(spec: ReplaySpec): Promise<Report> {
  const scanned = await scanReplay(spec, 2);
  const scenario = { ...parseScenario(scenarioText, '<inline>'), replay: spec };
  return runScenario({ scenario, target, workers: 2, replay: scanned });
}

interface StoredRow {
  readonly event: string;
  readonly distinctId: string;
  readonly properties: Record<string, unknown>;
  readonly timestampMs: number;
  readonly uuid: string;
  readonly personMode: string;
}

async function storedRows(report: Report): Promise<StoredRow[]> {
  const rows = await targetHogql(
    target,
    `SELECT event, distinct_id, properties, timestamp, uuid, person_mode FROM events WHERE properties.ingestbench_run = '${report.run.id}' LIMIT 10000`,
  );
  return rows.map(([event, distinctId, properties, timestamp, uuid, personMode]) => ({
    event: String(event),
    distinctId: String(distinctId),
    properties: JSON.parse(String(properties)) as Record<string, unknown>,
    timestampMs: Date.parse(String(timestamp)),
    uuid: String(uuid),
    personMode: String(personMode),
  }));
}

/** Stored rows by `ingestbench_seq` (pass × events + index): exactly one each. */
function bySeq(rows: readonly StoredRow[]): Map<number, StoredRow> {
  const out = new Map<number, StoredRow>();
  for (const row of rows) {
    const seq = row.properties['ingestbench_seq'] as number;
    assert.equal(out.has(seq), false, `ingestbench_seq ${seq} stored twice`);
    out.set(seq, row);
  }
  return out;
}

/** The stored row is the recorded event, re-stamped: same name and properties, salted ids. */
function assertAsRecorded(row: StoredRow, recorded: Recorded, runId: string): void {
  assert.equal(row.event, recorded.event);
  const salt = row.distinctId.slice(0, row.distinctId.length - recorded.distinct_id.length);
  assert.match(salt, /^ib-[0-9a-z]+-[0-9a-z]+-$/, `${row.distinctId} is ${recorded.distinct_id} salted`);
  assert.equal(row.distinctId, salt + recorded.distinct_id);
  const identified = recorded.properties['$process_person_profile'] !== false;
  for (const [key, value] of Object.entries(recorded.properties)) {
    if (key === '$process_person_profile') {
      // Ingestion drops the default `true` (person_mode records it) and keeps `false`.
      assert.equal(row.properties[key], identified ? undefined : false);
      assert.equal(row.personMode, identified ? 'full' : 'propertyless');
    } else if (key === '$set') {
      // Ingestion adds person properties taken from the event ($initial_*, …) beside the recorded ones.
      for (const [k, v] of Object.entries(value as object))
        assert.deepEqual((row.properties[key] as Record<string, unknown>)[k], v);
    } else {
      const expected = key === '$anon_distinct_id' ? salt + String(value) : value;
      assert.deepEqual(row.properties[key], expected, `property ${key}`);
    }
  }
  assert.equal(row.properties['token'], undefined, "the recording project's token is not sent");
  assert.equal(row.properties['ingestbench_run'], runId);
  // The run's own uuid (its worker and slot encoded), not the recorded one.
  assert.notEqual(decodeEventUuid(row.uuid, runTag(runId)), null, `${row.uuid} is this run's`);
  assert.equal(row.properties['ingestbench_class'], identified ? 'identified' : 'anonymous');
}

describe('replay against the reference target', () => {
  it('--speed 5: every event visible once, as recorded, at a fifth of its recorded spacing', async () => {
    const events = recording(240);
    const file = join(dir, 'speed.jsonl');
    await writeFile(file, recordingText(events));
    const report = await replay({ file, pace: { kind: 'speed', speed: 5 } });
    assert.equal(report.totals.planned, 240);
    assert.equal(report.totals.visible, 240);
    assert.equal(report.totals.lost, 0);
    assert.equal(report.totals.duplicates, 0);
    assert.equal(
      report.classes.anonymous.planned,
      events.filter((e) => e.properties['$process_person_profile'] === false).length,
    );
    assert.equal(report.verdict, 'pass');
    const rows = bySeq(await storedRows(report));
    assert.equal(rows.size, 240);
    const first = rows.get(0)!;
    events.forEach((recorded, i) => {
      const row = rows.get(i);
      assert.ok(row, `event ${i} stored`);
      assertAsRecorded(row, recorded, report.run.id);
      // Intended times sit on a 1/32 ms grid and timestamps are whole ms: 2 ms covers both.
      const expected = (recorded.timestampMs - events[0]!.timestampMs) / 5;
      assert.ok(
        Math.abs(row.timestampMs - first.timestampMs - expected) <= 2,
        `event ${i} at +${row.timestampMs - first.timestampMs} ms, expected +${expected}`,
      );
    });
    // One pass lasts the recorded span plus one mean gap, at 5×.
    const span = events.at(-1)!.timestampMs - events[0]!.timestampMs;
    assert.ok(Math.abs(report.run.plan.durationMs - (span + span / 239) / 5) < 1);
  });

  it('--rate with --duration: the file in order at a constant rate, looping with fresh distinct ids', async () => {
    const events = recording(150);
    const file = join(dir, 'rate.jsonl');
    await writeFile(file, recordingText(events));
    // 2.5 passes: 375 events at 150/s over 2.5 s.
    const report = await replay({ file, pace: { kind: 'rate', rate: 150 }, durationMs: 2500 });
    assert.equal(report.totals.planned, 375);
    assert.equal(report.totals.visible, 375);
    assert.equal(report.totals.lost, 0);
    assert.equal(report.verdict, 'pass');
    const rows = bySeq(await storedRows(report));
    assert.equal(rows.size, 375);
    const first = rows.get(0)!;
    const saltsOfPass = [new Set<string>(), new Set<string>(), new Set<string>()];
    for (let seq = 0; seq < 375; seq++) {
      const row = rows.get(seq)!;
      const recorded = events[seq % 150]!;
      assertAsRecorded(row, recorded, report.run.id);
      saltsOfPass[Math.floor(seq / 150)]!.add(row.distinctId.slice(0, -recorded.distinct_id.length));
      const expected = (seq / 150) * 1000;
      assert.ok(Math.abs(row.timestampMs - first.timestampMs - expected) <= 2, `event ${seq}`);
    }
    // One salt per pass, a different one each pass: a later pass is new users, not the same ones.
    assert.deepEqual(
      saltsOfPass.map((s) => s.size),
      [1, 1, 1],
    );
    assert.equal(new Set(saltsOfPass.map((s) => [...s][0])).size, 3);
  });

  it(
    "PostHog's requests_dump.jsonl: every captured event replayed and visible",
    { skip: existsSync(FIXTURE) ? false : `${FIXTURE} is absent (shared/ is not beside the repo)` },
    async () => {
      const report = await replay({ file: FIXTURE, pace: { kind: 'rate', rate: 200 } });
      const expected = fixtureOutputs();
      assert.equal(report.totals.planned, expected.length);
      assert.equal(report.totals.acknowledged, expected.length);
      const rows = await storedRows(report);
      // What capture made of each dumped request (its `output`), by event name and recorded id.
      const key = (event: string, id: string): string => `${event}|${id}`;
      const want = expected.map((o) => key(o.event, o.distinctId)).sort();
      const got = rows.map((r) => key(r.event, r.distinctId.replace(/^ib-[0-9a-z]+-[0-9a-z]+-/, ''))).sort();
      assert.deepEqual(got, want);
      assert.equal(report.totals.lost, 0);
    },
  );
});

/** The events the fixture says capture produces, from each line's `output`. */
function fixtureOutputs(): { event: string; distinctId: string }[] {
  const out: { event: string; distinctId: string }[] = [];
  const text = readFileSync(FIXTURE, 'utf8');
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const request = JSON.parse(line) as { output: { distinct_id: string; data: string }[] };
    for (const o of request.output) {
      const data = JSON.parse(o.data) as { event: string };
      out.push({ event: data.event, distinctId: o.distinct_id });
    }
  }
  return out;
}
