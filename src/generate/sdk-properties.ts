// SDK profiles (`sdk: posthog-js | posthog-node | none` on a scenario or a behaviour): the
// properties an SDK adds to every event it sends, so generated events have the size, shape and
// compressibility of real ones. An SdkProperties renders one event's share as JSON fragments;
// the event generator splices them in beside the behaviour's own properties. `none` adds nothing.
//
// What stays the harness's own whatever the profile (DESIGN.md "Identity of an event"): uuid
// (UUIDv7, as both SDKs make them), timestamp (the intended send time; both SDKs send the event
// time as an ISO timestamp and posthog-js adds `$time` in seconds), the `ingestbench_*` properties
// and `$process_person_profile` as the class sets it.

import type { BehaviourKind, SdkName } from '../scenario/scenario.js';
import type { Random } from './prng.js';
import type { SessionContext } from './session-context.js';

/** The versions the profiles claim to be (npm, when this was written). */
export const SDK_LIB: Readonly<
  Record<Exclude<SdkName, 'none'>, { readonly lib: string; readonly version: string }>
> = {
  // posthog-js reports `$lib: "web"` (packages/browser/src/config.ts LIB_NAME).
  'posthog-js': { lib: 'web', version: '1.449.2' },
  'posthog-node': { lib: 'posthog-node', version: '5.70.0' },
};

/** What the profile needs to know about one event. Fields, so one object serves every event. */
export interface SdkEvent {
  user: number;
  distinctId: string;
  intendedMs: number;
  kind: BehaviourKind;
  /** posthog-js `$is_identified`: the user sends with its identified distinct id. */
  isIdentified: boolean;
  /** The event is processed with a person (`$process_person_profile: true`). */
  personProcessing: boolean;
  /** This event turned person processing on for its user (identify, alias, set, group). */
  personTurnedOn: boolean;
  /** From the sessions model when the scenario has `session:`; null derives sessions per user. */
  session: SessionContext | null;
}

export interface SdkProperties {
  /** `"$lib":…,"$lib_version":…`, in place of the harness's own `$lib`. */
  readonly lib: string;
  /** posthog-node sends no `$process_person_profile` on identified events; posthog-js always does. */
  readonly flagsIdentified: boolean;
  /** Writes `$session_id`/`$window_id` itself (from the event's session): the generator then does not. */
  readonly writesSession: boolean;
  /**
   * Renders `event`: pushes its `,"key":value` pieces onto `out` (the event being assembled,
   * event-generator.ts) and leaves in `setOnce` the top-level `,"$set_once":{…}` (or '').
   * Draws per-event values from `random`.
   */
  render(event: SdkEvent, random: Random, out: string[]): void;
  readonly setOnce: string;
}
