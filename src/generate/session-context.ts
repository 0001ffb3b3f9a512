// What the sessions model hands the property builder about the session an event belongs to
// (agreed between the sdk and sessions branches). Ids are UUIDv7 strings, as posthog-js makes them.

export interface SessionContext {
  readonly sessionId: string;
  readonly windowId: string;
  readonly sessionStartMs: number;
  readonly indexInSession: number;
  readonly lastInSession: boolean;
}
