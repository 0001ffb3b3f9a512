import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedEvent } from '../../../src/reference/captured-event.js';
import { IngestbenchError } from '../../../src/errors.js';
import { createBatchProcessor } from '../../../src/reference/ingest/process-batch.js';
import { faultRoll } from '../../../src/reference/pipeline/fault-roll.js';
import { NO_FAULTS, parseFaultSpec, type FaultSpec } from '../../../src/reference/pipeline/fault-spec.js';
import { createIngestionStep } from '../../../src/reference/pipeline/ingestion-loop.js';
import { consumerOffset } from '../../../src/reference/queue/consumer-offset.js';
import { openDurableQueue } from '../../../src/reference/queue/durable-queue.js';
import { openQueueReader } from '../../../src/reference/queue/queue-reader.js';
import { openStore } from '../../../src/reference/store/open-store.js';
import { PROBE_EVENT } from '../../../src/targets/probe-event.js';

const root = mkdtempSync(join(tmpdir(), 'ingestbench-loop-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const captured = (personless: boolean, token = 'phc_a'): CapturedEvent => {
  const i = n++;
  return {
    uuid: `0190f0e0-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
    distinctId: `user-${i % 7}`,
    token,
    now: '2026-01-01T00:00:00.000Z',
    sentAt: null,
    ip: null,
    historicalMigration: false,
    data: {
      event: 'page viewed',
      timestamp: '2026-01-01T00:00:00.000Z',
      properties: personless ? { $process_person_profile: false } : {},
    },
  };
};

let fixture = 0;
async function setup(
  batches: CapturedEvent[][],
  options: {
    faults?: FaultSpec;
    batchSize?: number;
    clock?: () => number;
    optOut?: boolean;
    spareFromFaults?: readonly string[];
  } = {},
) {
  const dir = join(root, String(fixture++));
  rmSync(dir, { recursive: true, force: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  const clock = options.clock ?? (() => 1_000);
  const queue = await openDurableQueue(join(dir, 'queue.db'), { durable: false, now: clock });
  for (const batch of batches) await queue.append(batch);
  await queue.close();
  const store = openStore(join(dir, 'store.db'));
  const offset = consumerOffset(store);
  const projects = {
    teamIdForToken: (token: string) => (token === 'phc_a' ? 1 : undefined),
    personProcessingOptOut: () => options.optOut === true,
  };
  const processor = createBatchProcessor(store, projects);
  const reader = openQueueReader(join(dir, 'queue.db'));
  const step = createIngestionStep(
    {
      reader,
      offset,
      processor,
      projects,
      batchSize: options.batchSize ?? 1000,
      now: clock,
      spareFromFaults: options.spareFromFaults ?? [],
    },
    options.faults ?? NO_FAULTS,
  );
  const count = (sql: string): number => Number(store.prepare(sql).pluck().get());
  after(() => {
    reader.close();
    store.close();
  });
  return { step, store, offset, processor, reader, projects, count };
}

test('a step ingests the rows after the offset and commits the offset with them', async () => {
  const batches = [[captured(true), captured(false)], [captured(true)], [captured(false), captured(false)]];
  const { step, offset, count } = await setup(batches, { batchSize: 3 });
  const first = step.step();
  assert.ok(first !== null);
  assert.deepEqual(
    [first.report.offset, first.report.rows, first.report.events, first.full],
    [2, 2, 3, true],
  );
  assert.deepEqual(first.report.ingested, { anonymous: 2, identified: 1 });
  assert.equal(offset.read(), 2);
  assert.equal(count('SELECT count(*) FROM events'), 3);
  const second = step.step();
  assert.deepEqual([second?.report.offset, second?.report.events, second?.full], [3, 2, false]);
  assert.equal(step.step(), null, 'nothing left');
  assert.equal(count('SELECT count(DISTINCT uuid) FROM events'), 5);
});

test('paused, a step reads nothing and the rows wait; resumed, they are ingested', async () => {
  const { step, offset, count } = await setup([[captured(true), captured(false)]], {
    faults: parseFaultSpec('pause'),
  });
  assert.equal(step.step(), null);
  assert.equal(offset.read(), 0);
  assert.equal(count('SELECT count(*) FROM events'), 0);
  step.setFaults(NO_FAULTS);
  assert.equal(step.step()?.report.events, 2);
  assert.equal(count('SELECT count(*) FROM events'), 2);
});

test('a batch whose offset moved under it (a second consumer) rolls back and stores nothing', async () => {
  const { offset, processor, reader, projects, count } = await setup([[captured(true), captured(true)]]);
  const racing = createIngestionStep(
    {
      reader,
      offset,
      projects,
      batchSize: 1000,
      now: () => 1_000,
      spareFromFaults: [],
      processor: {
        process(events, options) {
          offset.write(99); // another process committed first
          return processor.process(events, options);
        },
      },
    },
    NO_FAULTS,
  );
  assert.throws(
    () => racing.step(),
    (error: unknown) => error instanceof IngestbenchError && /another ingestion process/.test(error.message),
  );
  assert.equal(count('SELECT count(*) FROM events'), 0);
  assert.equal(offset.read(), 99, 'the other consumer’s offset stands');
});

test('drop-after-ack drops exactly the events its seeded roll picks, counted by class', async () => {
  const events = Array.from({ length: 300 }, (_, i) => captured(i % 3 !== 0));
  const faults = { ...NO_FAULTS, dropAfterAck: 0.2, seed: 9 };
  const { step, store } = await setup([events], { faults });
  const picked = events.filter((e) => faultRoll(9, 'drop-after-ack', e.uuid) < 0.2);
  assert.ok(picked.length > 30 && picked.length < 90, `${picked.length} picked`);
  const report = step.step()?.report;
  assert.equal(report?.faults.dropAfterAck, picked.length);
  const stored = new Set(store.prepare('SELECT uuid FROM events').pluck().all() as string[]);
  assert.equal(stored.size, 300 - picked.length);
  for (const e of picked)
    assert.equal(stored.has(e.uuid), false, `${e.uuid} was picked and must not be stored`);
  const anonymousPicked = picked.filter(
    (e) => (e.data['properties'] as Record<string, unknown>)['$process_person_profile'] === false,
  );
  assert.deepEqual(
    report?.dropped.filter((d) => d.reason === 'fault').map((d) => [d.eventClass, d.count]),
    [
      ['anonymous', anonymousPicked.length],
      ['identified', picked.length - anonymousPicked.length],
    ].filter(([, c]) => c !== 0),
  );
});

test('a quota is capture’s: events already queued when a project goes over it are ingested', async () => {
  // PostHog's capture filters a quota-limited project's events before they reach the queue
  // (capture-admission.ts); ingestion has no quota check, so what was queued before is stored.
  const events = [
    ...Array.from({ length: 30 }, (_, i) => captured(i % 3 === 0)),
    ...Array.from({ length: 5 }, () => captured(true, 'phc_unknown')),
  ];
  const limited = await setup([events], { faults: { ...NO_FAULTS, quota: 'all' } });
  const report = limited.step.step()?.report;
  assert.equal(limited.count('SELECT count(*) FROM events'), 30);
  assert.deepEqual(
    report?.dropped.map((d) => [d.reason, d.eventClass, d.count]),
    [['unknownToken', 'anonymous', 5]],
  );
});

test('duplicate stores the picked events twice and counts them', async () => {
  const events = Array.from({ length: 200 }, () => captured(true));
  const { step, count } = await setup([events], { faults: { ...NO_FAULTS, duplicate: 0.1 } });
  const picked = events.filter((e) => faultRoll(1, 'duplicate', e.uuid) < 0.1).length;
  assert.ok(picked > 0);
  assert.equal(step.step()?.report.faults.duplicate, picked);
  assert.equal(count('SELECT count(*) FROM events'), 200 + picked);
  assert.equal(count('SELECT count(DISTINCT uuid) FROM events'), 200);
});

test('drop-after-ack and duplicate spare the harness’s preflight probe when it is named spared', async () => {
  const probe = (): CapturedEvent => {
    const e = captured(true);
    return { ...e, data: { ...e.data, event: PROBE_EVENT } };
  };
  const events = [probe(), ...Array.from({ length: 20 }, () => captured(true)), probe()];
  const every = { ...NO_FAULTS, dropAfterAck: 1, duplicate: 1 };
  const faulty = await setup([events], { faults: every, spareFromFaults: [PROBE_EVENT] });
  const report = faulty.step.step()?.report;
  assert.equal(report?.faults.dropAfterAck, 20, 'every load event dropped, neither probe');
  assert.equal(report?.faults.duplicate, 0, 'a dropped event is not duplicated, nor is a probe');
  assert.equal(faulty.count('SELECT count(*) FROM events'), 2, 'only the two probes, once each');
  assert.equal(faulty.count(`SELECT count(*) FROM events WHERE event = '${PROBE_EVENT}'`), 2);
});

test('the reference spares no event of its own accord: unnamed, the probe is dropped like the rest', async () => {
  const e = captured(true);
  const probe: CapturedEvent = { ...e, data: { ...e.data, event: PROBE_EVENT } };
  const faulty = await setup([[probe, captured(true)]], { faults: { ...NO_FAULTS, dropAfterAck: 1 } });
  assert.equal(faulty.step.step()?.report.faults.dropAfterAck, 2);
  assert.equal(faulty.count('SELECT count(*) FROM events'), 0);
});

test('delay holds rows until enqueue time + delay', async () => {
  let now = 5_000;
  const { step, count } = await setup([[captured(true)]], {
    faults: { ...NO_FAULTS, delayMs: 2_000 },
    clock: () => now,
  });
  now = 6_999;
  assert.equal(step.step(), null);
  assert.equal(count('SELECT count(*) FROM events'), 0);
  now = 7_000;
  assert.equal(step.step()?.report.faults.delay, 1);
  assert.equal(count('SELECT count(*) FROM events'), 1);
});

test('unknown tokens and personless person events are dropped with their class', async () => {
  const personlessIdentify: CapturedEvent = {
    ...captured(true),
    data: { event: '$identify', properties: { $process_person_profile: false } },
  };
  const { step } = await setup([
    [
      captured(true, 'phc_unknown'),
      captured(false, 'phc_unknown'),
      captured(false, 'phc_unknown'),
      personlessIdentify,
      captured(false),
    ],
  ]);
  const report = step.step()?.report;
  assert.deepEqual(report?.ingested, { anonymous: 0, identified: 1 });
  const dropped = Object.fromEntries(
    (report?.dropped ?? []).map((d) => [`${d.reason}/${d.eventClass}`, d.count]),
  );
  assert.deepEqual(dropped, {
    'unknownToken/anonymous': 1,
    'unknownToken/identified': 2,
    'personlessPersonEvent/anonymous': 1,
  });
});

test('events processed as the other class are reported by rule, and dropped ones keep the class they were sent as', async () => {
  const at = (event: CapturedEvent, timestamp: string): CapturedEvent => ({
    ...event,
    distinctId: 'regular',
    data: { ...event.data, timestamp },
  });
  // A person for "regular", then, a minute and more later, two personless events of it.
  const upgraded = await setup(
    [
      [at(captured(false), '2026-01-01T00:00:00.000Z')],
      [at(captured(true), '2026-01-01T00:05:00.000Z'), at(captured(true), '2026-01-01T00:06:00.000Z')],
    ],
    { batchSize: 1 },
  );
  upgraded.step.step();
  const second = upgraded.step.step()?.report;
  assert.deepEqual(second?.ingested, { anonymous: 0, identified: 2 });
  assert.deepEqual(second?.otherClass, { forceUpgrade: 2, personProcessingOptOut: 0 });
  assert.deepEqual(second?.dropped, [], 'nothing counted invalid for the class moves');

  const identify: CapturedEvent = { ...captured(false), data: { event: '$identify', properties: {} } };
  const optedOut = await setup([[captured(false), captured(false), captured(true), identify]], {
    optOut: true,
  });
  const report = optedOut.step.step()?.report;
  assert.deepEqual(report?.ingested, { anonymous: 3, identified: 0 });
  assert.deepEqual(report?.otherClass, { forceUpgrade: 0, personProcessingOptOut: 2 });
  assert.deepEqual(
    report?.dropped.map((d) => [d.reason, d.eventClass, d.count]),
    [['personProcessingDisabled', 'identified', 1]],
  );
});

test('identified-cost: fixed CPU work per identified event, counted as identified CPU', async () => {
  const faults = parseFaultSpec('identified-cost=2000us');
  assert.equal(faults.identifiedCostMicros, 2000);
  const batch = [captured(false), captured(true), captured(false), captured(true), captured(false)];
  const { step } = await setup([batch], { faults });
  const result = step.step();
  assert.ok(result !== null);
  assert.deepEqual(result.report.ingested, { anonymous: 2, identified: 3 });
  // CPU time, not wall time: at least 3 × 2 ms whatever the machine's load.
  assert.ok(result.report.cpuMicros.identified >= 6000, String(result.report.cpuMicros.identified));
  assert.ok(result.report.cpuMicros.anonymous < 6000, String(result.report.cpuMicros.anonymous));
});
