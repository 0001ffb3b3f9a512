// A server-sent-events client for the dashboard tests: reads `/events` of a dashboard until the
// caller says stop, and hands back each event's name and (JSON-decoded) HTML in order.

import assert from 'node:assert/strict';

export interface DashboardEvent {
  readonly event: string;
  readonly data: string;
}

/** Reads server-sent events from `url` until `until` says stop; returns them in order. */
export async function readEvents(
  url: string,
  until: (events: DashboardEvent[]) => boolean,
): Promise<DashboardEvent[]> {
  const res = await fetch(new URL('/events', url));
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const events: DashboardEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as string });
    }
    if (until(events)) break;
  }
  return events;
}
