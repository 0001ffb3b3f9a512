// The users one worker owns. User u belongs to worker u mod W, so each worker holds its users'
// identity state alone (no sharing between threads) and a user's events keep their order.
// Whether a user starts identified depends on (seed, u) only, never on the worker count, so the
// same scenario produces the same people however many workers send it. Its distinct ids also
// carry the run: see `runSalt`.

import { hashSeed, hashString } from './prng.js';

/** Bits of a user's state byte. */
export const UserState = {
  /** Events are processed with a person ($process_person_profile: true). */
  personProcessing: 1,
  /** The user sends with its identified distinct id (after identify or alias). */
  identifiedId: 2,
} as const;

/** Bit of the first group behaviour in the state byte; six group behaviours fit. */
const FIRST_GROUP_BIT = 4;
export const MAX_GROUP_BEHAVIOURS = 6;
/** All group bits: a user with any of them carries `$groups`. */
export const GROUP_BITS = 0xff & ~(FIRST_GROUP_BIT - 1);

export class UserPopulation {
  /** Users this worker owns. */
  readonly size: number;
  private readonly state: Uint8Array;
  private readonly idPrefix: string;

  constructor(
    options: {
      readonly seed: number;
      readonly populationSize: number;
      readonly returningShare: number;
      /** The run id: salts the distinct ids (see the constructor). */
      readonly runId: string;
    },
    readonly worker: number,
    readonly workers: number,
  ) {
    this.size = Math.max(0, Math.ceil((options.populationSize - worker) / workers));
    this.state = new Uint8Array(this.size);
    // Ids carry the seed so different scenarios do not share people, and a salt of the run id so
    // that runs do not share them either: PostHog force-upgrades a personless event whose distinct
    // id already has a person older than a minute, so a rerun with the same ids would turn its
    // anonymous class into identified events. Everything else the seed fixes stays the same.
    this.idPrefix = `ib-${Math.trunc(options.seed).toString(36)}-${runSalt(options.runId)}-`;
    for (let k = 0; k < this.size; k++) {
      const returning = hashSeed(options.seed, this.userAt(k), 0x5e7) / 4294967296 < options.returningShare;
      if (returning) this.state[k] = UserState.personProcessing | UserState.identifiedId;
    }
  }

  /** The population-wide user number of this worker's k-th user. */
  userAt(k: number): number {
    return this.worker + k * this.workers;
  }

  anonymousId(user: number): string {
    return `${this.idPrefix}anon-${user}`;
  }

  identifiedId(user: number): string {
    return `${this.idPrefix}user-${user}`;
  }

  stateOf(k: number): number {
    return this.state[k]!;
  }

  mark(k: number, bits: number): void {
    this.state[k] = this.state[k]! | bits;
  }

  /** Replaces a user's state (a stable class mix fixes each user's kind before the run). */
  reset(k: number, bits: number): void {
    this.state[k] = bits;
  }

  static groupBit(groupIndex: number): number {
    return FIRST_GROUP_BIT << groupIndex;
  }
}

/** A short, stable tag of a run id for distinct ids (base 36 of its FNV-1a hash). */
export function runSalt(runId: string): string {
  return hashString(runId).toString(36);
}
