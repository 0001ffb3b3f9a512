// Sessions on the open model: which user sends the next event, and in which posthog-js session
// and window. The scenario's rate stays the arrival rate of events (the schedule's closed form
// fixes every intended time); the model only decides whose event each arrival is.
//
// A visit is one user's run of events in one browser window: its length is drawn when it opens
// (geometric, mean `events.mean`), and after each event it is due again after a think time
// (exponential, mean `think_time.mean`). Open visits wait in a heap by due time; an arrival goes
// to the earliest visit already due, or, when none is, opens a visit for a user drawn by the
// population's activity (uniform or zipf). Visits interleave, each keeps its order, and the
// number open settles where arrivals and think times balance (about rate × think time): a visit
// never answers before its think time is over, later when the rate cannot use it sooner.
//
// Ids follow posthog-js's SessionIdManager (packages/browser/src/sessionid.ts): the session id is
// the user's (shared by all its windows, as persistence is), and it rotates, with the window id
// of the window that sees it, when the user has been idle longer than the idle timeout or the
// session is older than 24 hours; a window id is per window. A user drawn while a visit of its is
// still open opens a second window of the same session, as a second tab would.
//
// Time is the schedule's offset of each event, never a clock reading, so the same seed gives the
// same sessions in timed and full-speed runs, and skipping events changes nothing.

import { hashSeed, KeyedRandom, type Prng } from './prng.js';
import { randomUuidv7 } from './random-uuidv7.js';
import type { SessionContext } from './session-context.js';
import { DueHeap } from './due-heap.js';
import type { SessionShape } from '../scenario/scenario.js';

/** posthog-js's SESSION_LENGTH_LIMIT_MILLISECONDS: a session id lasts at most 24 hours. */
export const SESSION_LENGTH_LIMIT_MS = 24 * 3600 * 1000;

export interface SessionModelOptions {
  readonly seed: number;
  /** Lane of the worker (window ids are per lane). */
  readonly worker: number;
  /** Unix ms of the run's start: session ids carry start + offset. */
  readonly startAtMs: number;
  readonly userCount: number;
  /** Population-wide user number of user k (session ids depend on it, not on the worker count). */
  readonly userAt: (k: number) => number;
  /** Draws the user (k) of a new visit from the worker's structure stream. */
  readonly pickUser: (random: Prng) => number;
}

/** The context of the event last advanced, updated in place (no object per event). */
class MutableContext implements SessionContext {
  sessionId = '';
  windowId = '';
  sessionStartMs = 0;
  indexInSession = 0;
  lastInSession = false;
}

export class SessionModel {
  /** Session ids started so far (rotations included). */
  sessionsStarted = 0;
  visitsOpened = 0;

  private readonly heap = new DueHeap();
  private readonly sessionRandom: KeyedRandom;
  private readonly windowRandom: KeyedRandom;
  private readonly minEvents: number;
  // Per user: posthog-js's persisted [activity, session id, start] (the id as a number).
  private readonly lastActivity: Float64Array;
  private readonly sessionStart: Float64Array;
  private readonly sessionNumber: Uint32Array;
  // Per open visit (slot); slots are reused through a free list.
  private slotUser = new Int32Array(64);
  private slotLeft = new Int32Array(64);
  private slotIndex = new Int32Array(64);
  private slotSerial = new Float64Array(64);
  private slotWindows = new Int32Array(64);
  /** When the slot's window id was made (its UUIDv7 time), ms since the start. */
  private slotWindowStart = new Float64Array(64);
  /** Session number the slot's cached session id text is of (0: none cached). */
  private slotSessionOf = new Uint32Array(64);
  private slotWindowStale = new Uint8Array(64);
  private readonly slotSessionText: string[] = [];
  private readonly slotWindowText: string[] = [];
  /** `"$session_id":"…","$window_id":"…"`, rebuilt when either id changes. */
  private readonly slotJson: string[] = [];
  private freeSlots: number[] = [];
  private slotCount = 0;
  // The event last advanced.
  private slot = -1;
  private user = 0;
  private readonly ctx = new MutableContext();
  private json = '';

  constructor(
    private readonly spec: SessionShape,
    private readonly options: SessionModelOptions,
  ) {
    this.minEvents = spec.pageleave ? 2 : 1;
    this.sessionRandom = new KeyedRandom(hashSeed(options.seed, 0x5e55));
    this.windowRandom = new KeyedRandom(hashSeed(options.seed, 0x3171d));
    this.lastActivity = new Float64Array(options.userCount).fill(-Infinity);
    this.sessionStart = new Float64Array(options.userCount);
    this.sessionNumber = new Uint32Array(options.userCount);
  }

  /** Decides whose event arrives at `offsetMs` (ms since the run's start); returns its user k. */
  advance(offsetMs: number, random: Prng): number {
    let slot: number;
    if (this.heap.peekDue() <= offsetMs) slot = this.heap.pop();
    else slot = this.open(offsetMs, random);
    const k = this.slotUser[slot]!;
    const idle = offsetMs - this.lastActivity[k]!;
    const age = offsetMs - this.sessionStart[k]!;
    if (idle > this.spec.idleTimeoutMs || age > SESSION_LENGTH_LIMIT_MS) {
      // First event, idle too long, or past the maximum length: a new session, and this window
      // a new window id with it (checkAndGetSessionAndWindowId).
      this.sessionNumber[k] = this.sessionNumber[k]! + 1;
      this.sessionStart[k] = offsetMs;
      this.sessionsStarted++;
      this.slotWindows[slot] = this.slotWindows[slot]! + 1;
      this.slotWindowStart[slot] = offsetMs;
      this.slotWindowStale[slot] = 1;
      this.slotIndex[slot] = 0;
    }
    this.lastActivity[k] = offsetMs;
    const left = this.slotLeft[slot]! - 1;
    this.slotLeft[slot] = left;
    this.ctx.indexInSession = this.slotIndex[slot]!;
    this.slotIndex[slot] = this.ctx.indexInSession + 1;
    this.ctx.lastInSession = left === 0;
    if (left > 0) this.heap.push(slot, offsetMs + this.thinkTime(random));
    else this.freeSlots.push(slot);
    this.slot = slot;
    this.user = k;
    return k;
  }

  /** Whether the event last advanced closes its visit with a `$pageleave`. */
  get pageleave(): boolean {
    return this.spec.pageleave && this.ctx.lastInSession;
  }

  /** Visits open now. */
  get openVisits(): number {
    return this.heap.size;
  }

  /** The session context of the event last advanced, with its ids (built once per session). */
  context(): SessionContext {
    const slot = this.slot;
    const k = this.user;
    const number = this.sessionNumber[k]!;
    const startMs = Math.floor(this.options.startAtMs + this.sessionStart[k]!);
    // Another window of the user may have rotated the session since this one cached its id.
    let changed = false;
    if (this.slotSessionOf[slot] !== number) {
      changed = true;
      this.slotSessionOf[slot] = number;
      this.sessionRandom.reset(hashSeed(this.options.userAt(k), number));
      this.slotSessionText[slot] = randomUuidv7(startMs, this.sessionRandom);
    }
    if (this.slotWindowStale[slot] === 1) {
      changed = true;
      this.slotWindowStale[slot] = 0;
      this.windowRandom.reset(hashSeed(this.options.worker, this.slotSerial[slot]!, this.slotWindows[slot]!));
      this.slotWindowText[slot] = randomUuidv7(
        Math.floor(this.options.startAtMs + this.slotWindowStart[slot]!),
        this.windowRandom,
      );
    }
    if (changed) {
      // Flattened once (see random-uuidv7.ts): every event of the visit appends this string.
      const json = `"$session_id":"${this.slotSessionText[slot]}","$window_id":"${this.slotWindowText[slot]}"`;
      this.slotJson[slot] = Buffer.from(json, 'latin1').toString('latin1');
    }
    this.json = this.slotJson[slot]!;
    const ctx = this.ctx;
    ctx.sessionId = this.slotSessionText[slot]!;
    ctx.windowId = this.slotWindowText[slot]!;
    ctx.sessionStartMs = startMs;
    return ctx;
  }

  /** The ids of the event last given a context(), as JSON properties (no leading comma). */
  get propertiesJson(): string {
    return this.json;
  }

  private open(offsetMs: number, random: Prng): number {
    const k = this.options.pickUser(random);
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.slotUser[slot] = k;
    this.slotLeft[slot] = this.minEvents + geometric(this.spec.meanEvents - this.minEvents, random);
    this.slotIndex[slot] = 0;
    this.slotSerial[slot] = this.visitsOpened++;
    this.slotWindows[slot] = 0;
    // A new window: its own window id, made now (a second window of an ongoing session keeps
    // the user's session id).
    this.slotWindowStart[slot] = offsetMs;
    this.slotWindowStale[slot] = 1;
    this.slotSessionOf[slot] = 0;
    return slot;
  }

  private thinkTime(random: Prng): number {
    return -this.spec.meanThinkMs * Math.log(1 - random.nextFloat());
  }

  private newSlot(): number {
    const slot = this.slotCount++;
    if (slot === this.slotUser.length) {
      const grow = <T extends Int32Array | Float64Array | Uint32Array | Uint8Array>(
        a: T,
        make: (n: number) => T,
      ): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.slotUser = grow(this.slotUser, (n) => new Int32Array(n));
      this.slotLeft = grow(this.slotLeft, (n) => new Int32Array(n));
      this.slotIndex = grow(this.slotIndex, (n) => new Int32Array(n));
      this.slotSerial = grow(this.slotSerial, (n) => new Float64Array(n));
      this.slotWindows = grow(this.slotWindows, (n) => new Int32Array(n));
      this.slotWindowStart = grow(this.slotWindowStart, (n) => new Float64Array(n));
      this.slotSessionOf = grow(this.slotSessionOf, (n) => new Uint32Array(n));
      this.slotWindowStale = grow(this.slotWindowStale, (n) => new Uint8Array(n));
    }
    return slot;
  }
}

/** Geometric on {0, 1, …} with mean `mean` (0 when mean ≤ 0). */
function geometric(mean: number, random: Prng): number {
  if (!(mean > 0)) return 0;
  const q = mean / (1 + mean);
  return Math.floor(Math.log(1 - random.nextFloat()) / Math.log(q));
}
