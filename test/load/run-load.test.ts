// runLoad end to end: real worker threads sending to a small capture server written here, whose
// answers are decided per batch so the test knows exactly which events must end up acknowledged,
// rejected, dropped or failed.

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { epochClock, monotonicMs, type EpochClock } from '../../src/clock.js';
import { decodeEventUuid } from '../../src/generate/event-uuid.js';
import { EventStatus, Ledger, type LedgerShard } from '../../src/load/ledger.js';
import { planLoad, type LoadPlan } from '../../src/load/plan-load.js';
import { runLoad, type LoadProgress, type LoadResult } from '../../src/load/run-load.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { steady, testScenario } from '../generate/scenario-fixture.js';

const TOKEN = 'phc_run_load_test_token';

interface ReceivedEvent {
  uuid: string;
  timestamp: string;
  properties: { ingestbench_seq: number; ingestbench_class: string; ingestbench_run: string };
}
interface ReceivedBatch {
  api_key: string;
  batch: ReceivedEvent[];
  sent_at?: unknown;
}

/** Answers one request: status, optional headers, and how long to wait first. */
type Answer = { status: number; headers?: Record<string, string>; delayMs?: number };
type Decide = (batch: ReceivedBatch, attempt: number) => Answer;

interface Sink {
  url: string;
  /** Every request, in arrival order, with the attempt number of its batch and the answer. */
  requests: { batch: ReceivedBatch; attempt: number; status: number; encoding: string | undefined }[];
  decide: Decide;
  close(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const attempts = new Map<string, number>();
  const sink: Sink = {
    url: '',
    requests: [],
    decide: () => ({ status: 200 }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      const encoding = req.headers['content-encoding'];
      if (encoding === 'gzip') raw = gunzipSync(raw);
      const batch = JSON.parse(raw.toString()) as ReceivedBatch;
      const key = batch.batch[0]!.uuid;
      const attempt = attempts.get(key) ?? 0;
      attempts.set(key, attempt + 1);
      const answer = sink.decide(batch, attempt);
      sink.requests.push({ batch, attempt, status: answer.status, encoding });
      const reply = (): void => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.status === 200 ? '{"status":"Ok"}' : '{"error":"no"}');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

async function run(
  scenario: Scenario,
  captureUrl: string,
  options: {
    workers?: number;
    fullSpeed?: boolean;
    signal?: AbortSignal;
    onProgress?: (p: LoadProgress) => void;
    clock?: EpochClock;
  } = {},
): Promise<{ plan: LoadPlan; ledger: Ledger; result: LoadResult }> {
  const plan = planLoad(scenario, {
    workers: options.workers ?? 2,
    runId: `run-load-${Math.random().toString(36).slice(2)}`,
    startAtMs: (options.clock?.now() ?? Date.now()) + 400,
    fullSpeed: options.fullSpeed ?? false,
  });
  const ledger = Ledger.allocate(plan.workers.map((w) => w.capacity));
  const result = await runLoad({
    scenario,
    plan,
    ledger,
    target: { captureUrl, token: TOKEN },
    progressIntervalMs: 100,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { plan, ledger, result };
}

/** Every slot number of a shard. */
const slots = (shard: LedgerShard): number[] => Array.from({ length: shard.capacity }, (_, seq) => seq);

const statusCounts = (ledger: Ledger): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const shard of ledger.shards) for (const s of shard.status) out[s] = (out[s] ?? 0) + 1;
  return out;
};

const sum = (r: LoadResult, field: keyof LoadResult['counts']['anonymous']): number =>
  r.counts.anonymous[field] + r.counts.identified[field];

describe('runLoad', () => {
  let sink: Sink;
  before(async () => {
    sink = await startSink();
  });
  after(() => sink.close());

  it('reports the workload as generated: sessions and the top 1% share match what the sink received', async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200 });
    const scenario = testScenario({
      phases: [steady(2000, 1000)],
      batchSize: 20,
      maxInFlight: 100,
      population: { size: 1000, returningShare: 0.2, activity: { kind: 'zipf', exponent: 1.2 } },
      session: { idleTimeoutMs: 60_000, meanEvents: 6, meanThinkMs: 50, pageleave: true },
    });
    const { result } = await run(scenario, sink.url);
    const received = sink.requests.flatMap((r) => r.batch.batch) as unknown as {
      event: string;
      distinct_id: string;
      properties: { $session_id: string; $window_id: string };
    }[];
    assert.equal(received.length, 2000);
    const w = result.workload!;
    assert.equal(w.events, 2000);
    assert.equal(w.users, 1000);
    assert.equal(w.topUsers, 10);
    assert.equal(w.sessions!.sessionIds, new Set(received.map((e) => e.properties.$session_id)).size);
    assert.equal(w.sessions!.visits, new Set(received.map((e) => e.properties.$window_id)).size);
    assert.ok(received.some((e) => e.event === '$pageleave'));
    // The share from the sink's own count per user (a user's two distinct ids are one user).
    const perUser = new Map<string, number>();
    for (const e of received) {
      const user = /-(\d+)$/.exec(e.distinct_id)![1]!;
      perUser.set(user, (perUser.get(user) ?? 0) + 1);
    }
    const top = [...perUser.values()].sort((a, b) => b - a).slice(0, 10);
    assert.equal(w.topShare, top.reduce((a, b) => a + b, 0) / 2000);
    assert.ok(w.predictedTopShare > 0.3 && w.predictedTopShare < 0.6, `${w.predictedTopShare}`);
  });

  it('sends every planned event once, acknowledged, with uuids that map to ledger slots', async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200 });
    const progress: LoadProgress[] = [];
    // An in-flight cap above the batch count: a worker that starts late (a loaded machine)
    // catches up in a burst, and this test is about exact accounting, not the cap.
    const scenario = testScenario({ phases: [steady(2000, 1000)], batchSize: 20, maxInFlight: 100 });
    const testStartedAt = Date.now();
    const { plan, ledger, result } = await run(scenario, sink.url, { onProgress: (p) => progress.push(p) });

    assert.equal(plan.planned, 2000);
    assert.equal(result.partial, false);
    // When the slowest worker was ready, for a caller that plans the next load beyond it: after
    // the workers were created (this test's start, give or take the clocks' 1 s) and before the load ended.
    assert.ok(
      result.workersReadyAt > testStartedAt - 1000 && result.workersReadyAt < result.endedAt,
      `workersReadyAt ${result.workersReadyAt} not in (${testStartedAt}, ${result.endedAt})`,
    );
    assert.equal(sum(result, 'planned'), 2000);
    assert.equal(sum(result, 'sent'), 2000);
    assert.equal(sum(result, 'acknowledged'), 2000);
    assert.equal(sum(result, 'dropped') + sum(result, 'rejected') + sum(result, 'failed'), 0);
    assert.deepEqual(result.requests, { sent: 100, ok: 100, failed: 0 });
    assert.deepEqual(statusCounts(ledger), { [EventStatus.acknowledged]: 2000 });

    const received = sink.requests.flatMap((r) => r.batch.batch);
    assert.equal(received.length, 2000);
    assert.equal(new Set(received.map((e) => e.uuid)).size, 2000);
    assert.deepEqual(
      received.map((e) => e.properties.ingestbench_seq).sort((a, b) => a - b),
      Array.from({ length: 2000 }, (_, i) => i),
    );
    for (const { batch } of sink.requests) {
      assert.equal(batch.api_key, TOKEN);
      assert.equal('sent_at' in batch, false);
    }
    for (const e of received) {
      const slot = decodeEventUuid(e.uuid, plan.runTag)!;
      const shard = ledger.shard(slot.worker);
      assert.equal(e.properties.ingestbench_seq, slot.seq * 2 + slot.worker);
      assert.equal(e.timestamp, new Date(Math.floor(shard.intendedAt(slot.seq))).toISOString());
      assert.equal(shard.classOf(slot.seq), e.properties.ingestbench_class);
      assert.ok(shard.ackAt(slot.seq) >= shard.intendedAt(slot.seq));
    }
    const identified = received.filter((e) => e.properties.ingestbench_class === 'identified').length;
    assert.equal(result.counts.identified.acknowledged, identified);

    const ack = decodeFromCompressedBase64(result.histograms.ack.all);
    assert.equal(ack.totalCount, 2000);
    assert.equal(decodeFromCompressedBase64(result.histograms.ack.identified).totalCount, identified);
    assert.equal(decodeFromCompressedBase64(result.histograms.sendDelay.all).totalCount, 2000);
    assert.equal(
      result.timeline.reduce((s, p) => s + p.sent, 0),
      2000,
    );
    assert.equal(
      result.timeline.reduce((s, p) => s + p.acknowledged, 0),
      2000,
    );
    assert.ok(progress.length >= 3, `${progress.length} progress reports`);
    assert.ok(progress.at(-1)!.sent >= progress[0]!.sent);
  });

  it("stamps every time on the run's clock: workers are handed its anchor, not their own wall clock", async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200 });
    // A time base no thread's wall clock reads (2001): a worker on its own clock stamps ~2026.
    const clock = epochClock({ unixMs: 1_000_000_000_000, monotonicMs: monotonicMs() });
    const scenario = testScenario({ phases: [steady(200, 500)], batchSize: 10, maxInFlight: 100 });
    const before = clock.now();
    const { plan, ledger, result } = await run(scenario, sink.url, { clock });
    const after = clock.now();
    assert.equal(sum(result, 'acknowledged'), plan.planned);
    for (const shard of ledger.shards) {
      for (let seq = 0; seq < shard.capacity; seq++) {
        const [intended, ack] = [shard.intendedAt(seq), shard.ackAt(seq)];
        assert.ok(before <= intended && intended <= ack && ack <= after, `slot ${seq}: ${intended}, ${ack}`);
      }
    }
    assert.ok(before <= result.endedAt && result.endedAt <= after);
  });

  it('counts 429/503 retries (Retry-After honoured), rejections by status and the final outcomes', async () => {
    sink.requests.length = 0;
    // By batch: 0 → 200, 1 → 429 once then 200, 2 → 500, 3 → 503 every time (rejected after retries).
    const kindOf = (batch: ReceivedBatch): number =>
      Math.floor(batch.batch[0]!.properties.ingestbench_seq / 7) % 4;
    sink.decide = (batch, attempt) => {
      switch (kindOf(batch)) {
        case 1:
          return attempt === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 200 };
        case 2:
          return { status: 500 };
        case 3:
          return { status: 503, headers: { 'retry-after': '0' } };
        default:
          return { status: 200 };
      }
    };
    const scenario = testScenario({
      phases: [steady(400, 1000)],
      batchSize: 10,
      maxRetries: 2,
      maxInFlight: 40,
    });
    const { ledger, result } = await run(scenario, sink.url);

    const firsts = sink.requests.filter((r) => r.attempt === 0);
    const events = (kind: number): number =>
      firsts.filter((r) => kindOf(r.batch) === kind).reduce((s, r) => s + r.batch.batch.length, 0);
    const batches = (kind: number): number => firsts.filter((r) => kindOf(r.batch) === kind).length;
    assert.ok(batches(1) > 0 && batches(2) > 0 && batches(3) > 0, 'every answer kind should occur');

    assert.equal(sum(result, 'acknowledged'), events(0) + events(1));
    assert.equal(sum(result, 'rejected'), events(2) + events(3));
    assert.equal(sum(result, 'sent'), 400);
    assert.equal(result.retries, batches(1) + 2 * batches(3));
    assert.deepEqual(result.errors, { http_429: batches(1), http_500: batches(2), http_503: 3 * batches(3) });
    assert.equal(result.requests.sent, sink.requests.length);
    assert.equal(result.requests.ok, batches(0) + batches(1));
    assert.deepEqual(statusCounts(ledger), {
      [EventStatus.acknowledged]: events(0) + events(1),
      [EventStatus.rejected]: events(2) + events(3),
    });
    // The retry is part of the latency: a retried event is acknowledged after its second answer.
    for (const r of sink.requests.filter((x) => kindOf(x.batch) === 1 && x.attempt === 1)) {
      assert.equal(r.status, 200);
    }
    assert.equal(decodeFromCompressedBase64(result.histograms.ack.all).totalCount, events(0) + events(1));
  });

  it('drops (never hides) batches that find the in-flight cap full, sending the rest gzipped', async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200, delayMs: 250 });
    // One worker, one request at a time, a batch every 50 ms, each answered after 250 ms.
    const scenario = testScenario({
      phases: [steady(200, 1000)],
      batchSize: 10,
      maxInFlight: 1,
      compression: 'gzip',
    });
    const { result, ledger } = await run(scenario, sink.url, { workers: 1 });

    const dropped = sum(result, 'dropped');
    const sent = sum(result, 'sent');
    assert.ok(dropped >= 100, `${dropped} dropped`);
    assert.equal(sent + dropped, 200);
    assert.equal(sum(result, 'acknowledged'), sent);
    assert.equal(
      sink.requests.reduce((s, r) => s + r.batch.batch.length, 0),
      sent,
    );
    assert.ok(sink.requests.every((r) => r.encoding === 'gzip'));
    assert.deepEqual(statusCounts(ledger), {
      [EventStatus.acknowledged]: sent,
      [EventStatus.dropped]: dropped,
    });
    for (const shard of ledger.shards)
      assert.ok(slots(shard).every((seq) => Number.isFinite(shard.intendedAt(seq))));
  });

  it('on abort stops at once, lets requests in flight finish and reports partial with the rest dropped', async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200 });
    const controller = new AbortController();
    const scenario = testScenario({ phases: [steady(1000, 20_000)], batchSize: 10 });
    const started = Date.now();
    // Abort once sending has begun (not after a fixed time: a loaded machine starts workers late).
    const { result, ledger } = await run(scenario, sink.url, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.sent > 0) controller.abort();
      },
    });

    assert.ok(Date.now() - started < 12_000, 'abort should end the run before its 20 s');
    assert.equal(result.partial, true);
    assert.equal(sum(result, 'planned'), 20_000);
    const sent = sum(result, 'sent');
    assert.ok(sent > 0 && sent < 10_000, `${sent} sent`);
    assert.equal(sum(result, 'acknowledged'), sent);
    assert.equal(sum(result, 'dropped'), 20_000 - sent);
    assert.deepEqual(statusCounts(ledger), {
      [EventStatus.acknowledged]: sent,
      [EventStatus.dropped]: 20_000 - sent,
    });
    for (const shard of ledger.shards)
      assert.ok(slots(shard).every((seq) => Number.isFinite(shard.intendedAt(seq))));
  });

  it('counts network errors by kind and marks those events failed', async () => {
    const closed = await startSink();
    await closed.close(); // its port now refuses connections
    const scenario = testScenario({ phases: [steady(100, 300)], batchSize: 10, maxRetries: 2 });
    const { result, ledger } = await run(scenario, closed.url, { workers: 1 });
    assert.equal(sum(result, 'failed'), 30);
    assert.equal(result.retries, 0, 'network errors are not retried');
    assert.deepEqual(result.errors, { ECONNREFUSED: result.requests.sent });
    assert.deepEqual(statusCounts(ledger), { [EventStatus.failed]: 30 });
  });

  it('counts a request that outlives its timeout as failed with kind timeout', async () => {
    sink.requests.length = 0;
    sink.decide = () => ({ status: 200, delayMs: 1500 });
    const scenario = testScenario({ phases: [steady(100, 200)], batchSize: 10, requestTimeoutMs: 200 });
    const { result, ledger } = await run(scenario, sink.url, { workers: 1 });
    assert.equal(sum(result, 'failed'), 20);
    assert.deepEqual(result.errors, { timeout: 2 });
    assert.deepEqual(result.requests, { sent: 2, ok: 0, failed: 2 });
    assert.deepEqual(statusCounts(ledger), { [EventStatus.failed]: 20 });
    assert.ok(
      slots(ledger.shards[0]!).every((seq) => Number.isNaN(ledger.shards[0]!.ackAt(seq))),
      'a failed event has no ack time',
    );
  });

  it('full-speed mode waits for a free slot instead of dropping, and ignores the rate', async () => {
    sink.requests.length = 0;
    let open = 0;
    let mostOpen = 0;
    sink.decide = () => {
      open++;
      mostOpen = Math.max(mostOpen, open);
      setTimeout(() => open--, 5);
      return { status: 200, delayMs: 5 };
    };
    // 2000 events planned over 10 s; one request at a time, each answered after 5 ms.
    const scenario = testScenario({ phases: [steady(200, 10_000)], batchSize: 100, maxInFlight: 1 });
    const started = Date.now();
    const { result, ledger } = await run(scenario, sink.url, { workers: 1, fullSpeed: true });
    assert.ok(Date.now() - started < 8000, 'full speed should not follow the 10 s schedule');
    assert.equal(sum(result, 'acknowledged'), 2000);
    assert.equal(sum(result, 'dropped'), 0);
    assert.equal(sink.requests.length, 20);
    assert.equal(mostOpen, 1);
    assert.deepEqual(statusCounts(ledger), { [EventStatus.acknowledged]: 2000 });
    // A full-speed batch shares one intended time: its acks are recorded per class with a count,
    // and every event must still be in the histograms, in its class.
    const ack = (key: 'all' | 'anonymous' | 'identified') =>
      decodeFromCompressedBase64(result.histograms.ack[key]).totalCount;
    assert.equal(ack('all'), 2000);
    assert.equal(ack('identified'), result.counts.identified.acknowledged);
    assert.ok(ack('identified') > 0 && ack('anonymous') > 0, 'both classes occur');
  });
});
