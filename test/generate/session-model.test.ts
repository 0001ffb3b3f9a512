// The sessions model on virtual time: the offsets are given, so idle gaps, the 24 h limit and
// the order of each visit are checked exactly, without a clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Prng } from '../../src/generate/prng.js';
import { SESSION_LENGTH_LIMIT_MS, SessionModel } from '../../src/generate/session-model.js';
import type { SessionShape } from '../../src/scenario/scenario.js';

const MINUTE = 60_000;
const START = Date.UTC(2026, 11, 7, 0, 0, 0);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Seen {
  offset: number;
  user: number;
  sessionId: string;
  windowId: string;
  sessionStartMs: number;
  index: number;
  last: boolean;
}

function run(shape: SessionShape, users: number, offsets: readonly number[], seed = 7): Seen[] {
  const model = new SessionModel(shape, {
    seed,
    worker: 0,
    startAtMs: START,
    userCount: users,
    userAt: (k) => k,
    pickUser: (random) => random.nextInt(users),
  });
  const random = new Prng(seed);
  return offsets.map((offset) => {
    const user = model.advance(offset, random);
    const c = model.context();
    return {
      offset,
      user,
      sessionId: c.sessionId,
      windowId: c.windowId,
      sessionStartMs: c.sessionStartMs,
      index: c.indexInSession,
      last: c.lastInSession,
    };
  });
}

const uuidMs = (uuid: string): number => parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16);

describe('SessionModel', () => {
  it('rotates a user’s session id (and window id) exactly when it was idle past the timeout', () => {
    // One user, events at irregular gaps: some well under 30 minutes, some over.
    const gaps = [0, 1, 5, 29, 31, 2, 45, 30, 30.01, 10, 90, 1].map((m) => m * MINUTE);
    const offsets: number[] = [];
    gaps.reduce((t, g) => (offsets.push(t + g), t + g), 0);
    const shape = { idleTimeoutMs: 30 * MINUTE, meanEvents: 1000, meanThinkMs: 1, pageleave: false };
    const seen = run(shape, 1, offsets);
    for (let i = 1; i < seen.length; i++) {
      const gap = seen[i]!.offset - seen[i - 1]!.offset;
      const rotated = seen[i]!.sessionId !== seen[i - 1]!.sessionId;
      assert.equal(rotated, gap > 30 * MINUTE, `event ${i} after ${gap / MINUTE} min`);
      if (rotated) assert.notEqual(seen[i]!.windowId, seen[i - 1]!.windowId);
    }
    // 0, 31, 45, 30.01, 90: five sessions.
    assert.equal(new Set(seen.map((s) => s.sessionId)).size, 5);
    for (const s of seen) {
      assert.match(s.sessionId, UUID_V7);
      assert.match(s.windowId, UUID_V7);
      // posthog-js makes the session id when the session starts: its time is the start.
      assert.equal(uuidMs(s.sessionId), s.sessionStartMs);
      assert.equal(s.sessionStartMs, START + seen.find((x) => x.sessionId === s.sessionId)!.offset);
    }
  });

  it('rotates a session past 24 hours even when the user never idles', () => {
    const offsets = Array.from({ length: 26 * 6 }, (_, i) => i * 10 * MINUTE); // every 10 min, 26 h
    const shape = { idleTimeoutMs: 30 * MINUTE, meanEvents: 100_000, meanThinkMs: 1, pageleave: false };
    const seen = run(shape, 1, offsets);
    const first = seen.findIndex((s) => s.sessionId !== seen[0]!.sessionId);
    // Rotates on the first event more than 24 h after the start.
    assert.equal(seen[first]!.offset, SESSION_LENGTH_LIMIT_MS + 10 * MINUTE);
    assert.equal(new Set(seen.map((s) => s.sessionId)).size, 2);
  });

  it('gives visits several events in order, with think time between them, interleaved', () => {
    // 20 events/s for 10 minutes among 5,000 users: about 400 visits open at once.
    const offsets = Array.from({ length: 12_000 }, (_, i) => i * 50);
    const shape = { idleTimeoutMs: 30 * MINUTE, meanEvents: 8, meanThinkMs: 20_000, pageleave: true };
    const seen = run(shape, 5000, offsets);
    const byWindow = new Map<string, Seen[]>();
    for (const s of seen) byWindow.set(s.windowId, [...(byWindow.get(s.windowId) ?? []), s]);
    let closed = 0;
    let events = 0;
    let gapSum = 0;
    let gaps = 0;
    for (const visit of byWindow.values()) {
      // Order kept: indexes 0, 1, 2, … in arrival order, and the last event closes the visit.
      visit.forEach((s, i) => assert.equal(s.index, i));
      visit.forEach((s, i) => assert.ok(!s.last || i === visit.length - 1, 'only the last event closes'));
      assert.equal(new Set(visit.map((s) => s.user)).size, 1);
      if (visit.at(-1)!.last) {
        closed++;
        events += visit.length;
        // pageleave: a visit is at least an event and its $pageleave.
        assert.ok(visit.length >= 2);
      }
      for (let i = 1; i < visit.length; i++) gapSum += visit[i]!.offset - visit[i - 1]!.offset;
      gaps += visit.length - 1;
    }
    assert.ok(closed > 500, `${closed} closed visits`);
    const meanEvents = events / closed;
    // Closed visits are biased a little short (long ones are still open at the end).
    assert.ok(meanEvents > 6 && meanEvents < 9.5, `mean ${meanEvents} events per visit`);
    // A visit answers no sooner than its think time: the mean gap is at least the mean think time.
    const meanGap = gapSum / gaps;
    assert.ok(meanGap > 0.8 * 20_000 && meanGap < 2 * 20_000, `mean gap ${meanGap} ms`);
    // Interleaved: the events of several visits alternate in the stream.
    const switches = seen.filter((s, i) => i > 0 && s.windowId !== seen[i - 1]!.windowId).length;
    assert.ok(switches > 0.9 * seen.length, `${switches} switches`);
  });

  it('gives a user drawn again while its visit is open a second window of the same session', () => {
    // Two users, many visits at once: each user has several windows of one session.
    const offsets = Array.from({ length: 400 }, (_, i) => i * 100);
    const shape = { idleTimeoutMs: 30 * MINUTE, meanEvents: 8, meanThinkMs: 5_000, pageleave: false };
    const seen = run(shape, 2, offsets);
    for (const user of [0, 1]) {
      const mine = seen.filter((s) => s.user === user);
      assert.equal(new Set(mine.map((s) => s.sessionId)).size, 1);
      assert.ok(new Set(mine.map((s) => s.windowId)).size > 5);
    }
  });

  it('is the same for the same seed, and different for another', () => {
    const offsets = Array.from({ length: 2000 }, (_, i) => i * 37);
    const shape = { idleTimeoutMs: 60_000, meanEvents: 5, meanThinkMs: 3_000, pageleave: true };
    assert.deepEqual(run(shape, 300, offsets, 11), run(shape, 300, offsets, 11));
    assert.notDeepEqual(run(shape, 300, offsets, 11), run(shape, 300, offsets, 12));
  });
});
