// What the sessions model tells the property builder about one event: the posthog-js session
// and window it belongs to (interface agreed between the sessions and SDK profile work, issue 14).

export interface SessionContext {
  /** `$session_id`: a UUIDv7 whose time is the session's start, as posthog-js makes it. */
  readonly sessionId: string;
  /** `$window_id`: a UUIDv7 per browser window (tab), new whenever the session id is. */
  readonly windowId: string;
  /** Unix ms of the session's first event (the time in `sessionId`). */
  readonly sessionStartMs: number;
  /** 0 for the first event of the session in this window, then 1, 2, … */
  readonly indexInSession: number;
  /** The visit's last event (a `$pageleave` when the scenario's `session.pageleave` is on). */
  readonly lastInSession: boolean;
}
